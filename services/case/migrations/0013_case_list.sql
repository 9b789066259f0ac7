-- Issue 4: the case list (GET /api/v1/cases). Newest filed first, or by
-- deadline; both orders end in the id so a cursor is stable.
CREATE INDEX cases_filed_idx ON cases (filed_at DESC, id DESC);
CREATE INDEX cases_stage_idx ON cases (stage);

-- The organization and HR department (组织人事) gets a role of its own: it
-- asks the integrity service for opinions on promotion candidates and sees
-- only the answers and the reminders addressed to it.
ALTER TABLE accounts DROP CONSTRAINT accounts_roles_known;
ALTER TABLE accounts ADD CONSTRAINT accounts_roles_known CHECK (
    cardinality(roles) BETWEEN 1 AND 4
    AND array_position(roles, NULL) IS NULL
    AND roles <@ ARRAY['admin', 'inspector', 'inspection_lead', 'intake_officer',
                       'custodian', 'unit_leader', 'cadre', 'auditor', 'hr']::text[]
    AND (cardinality(roles) = 1 OR NOT roles && ARRAY['admin', 'auditor']::text[]));

-- The responsible leader's person id, when the task names a leader who has
-- an account: a cadre sees in the ledger only the tasks that name it
-- responsible, inside its scope ('' names nobody with an account).
ALTER TABLE tasks ADD COLUMN leader_person_id text NOT NULL DEFAULT '';
CREATE INDEX tasks_leader_person_idx ON tasks (leader_person_id) WHERE leader_person_id <> '';

-- risk: the service's copy of the org-unit tree.
--
-- Enterprise events name units by code (city_a); scope in CleanGrid is the
-- unit's ltree path (hq.east.city_a), which only the gateway knows. The
-- service copies the gateway's directory (cg.gw.org.units) at start and
-- again when an event names a code it does not have, and follows moves
-- (cg.evt.gateway.org_unit.moved), so each fact's units can be scoped.
CREATE EXTENSION IF NOT EXISTS ltree;

CREATE TABLE units (
    code text PRIMARY KEY,
    path ltree NOT NULL,
    retired bool NOT NULL DEFAULT false,
    refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_path_gist ON units USING gist (path);

-- The path of the unit code, NULL while the service does not know it (a
-- code the gateway has never heard of, or one created since the last copy).
CREATE FUNCTION risk_unit_path(code text) RETURNS ltree
LANGUAGE sql STABLE AS $$
    SELECT u.path FROM units u WHERE u.code = risk_unit_path.code
$$;

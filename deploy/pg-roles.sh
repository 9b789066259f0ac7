#!/bin/sh
# Run once by the postgres image when a CleanGrid database container
# initialises its volume (/docker-entrypoint-initdb.d): the service's owner
# and runtime roles, as deploy/pg-roles.sql says. docker-compose.yml gives
# the passwords; the service is the database's name without "cg_".
set -eu
svc=${POSTGRES_DB#cg_}
psql -X --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner="cg_${svc}_owner" -v runtime="cg_${svc}" \
    -v owner_password="$CG_DB_OWNER_PASSWORD" -v runtime_password="$CG_DB_RUNTIME_PASSWORD" \
    -f /etc/cleangrid/pg-roles.sql

#!/bin/sh
# docker-compose's Temporal schema job (admin-tools image): creates the `temporal` and
# `temporal_visibility` databases when absent and applies every schema version the server
# needs. Safe to re-run on an existing volume: `setup-schema -v 0.0` leaves a stamped database
# alone and `update-schema` applies only newer versions. The replacement for auto-setup's schema part.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"; }
for db in temporal temporal_visibility; do
  if tool --db "$db" create >/dev/null 2>&1; then echo "created database $db"; else echo "database $db exists"; fi
done
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d "$SCHEMA/temporal/versioned"
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d "$SCHEMA/visibility/versioned"
echo "Temporal schema up to date"

#!/usr/bin/env bash
# make restore BACKUP_FILE=…: replace the tables of the PostgreSQL database in DATABASE_URL by
# those of a dump made by `make backup`, in one transaction (all or nothing). Stop the web
# processes and workers first. See docs/operations.md.
set -euo pipefail
source "$(dirname "$0")/postgres-url.sh"
require_postgres_url restore

if [ -z "${BACKUP_FILE:-}" ]; then
  echo "make restore needs BACKUP_FILE=path/to/file.dump (made by make backup)." >&2
  exit 2
fi
if [ ! -r "$BACKUP_FILE" ]; then
  echo "make restore: cannot read BACKUP_FILE $BACKUP_FILE." >&2
  exit 2
fi
echo "Restoring $BACKUP_FILE into ${DATABASE_URL##*@}; its tables are replaced."
pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$BACKUP_FILE"
# Roles kept in Redis are named by version numbers the restored rows count from again.
if [ -n "${REDIS_URL:-}" ]; then
  cd "$(dirname "$0")/.."
  forgotten=$(.venv/bin/python manage.py shell -v 0 -c \
    "from matchmaking.permissions import forget_kept_roles; print(forget_kept_roles())")
  echo "People's roles kept in the cache at ${REDIS_URL##*@}, forgotten: $forgotten"
fi

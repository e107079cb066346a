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

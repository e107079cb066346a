#!/usr/bin/env bash
# make backup: the PostgreSQL database in DATABASE_URL, dumped by pg_dump in its custom format to
# $BACKUP_DIR/<database>-<UTC time>.dump. With BACKUP_KEEP_DAYS, older dumps there are deleted
# after a successful one. See docs/operations.md (schedule, retention, restore).
set -euo pipefail
source "$(dirname "$0")/postgres-url.sh"
require_postgres_url backup

dir=${BACKUP_DIR:-var/backups}
name=${DATABASE_URL##*/}
name=${name%%\?*}
file="$dir/$name-$(date -u +%Y%m%dT%H%M%SZ).dump"
mkdir -p "$dir"
# Written under a temporary name, so a dump cut short never looks like a finished one.
trap 'rm -f "$file.part"' EXIT
pg_dump --format=custom --no-owner --file="$file.part" --dbname="$DATABASE_URL"
mv "$file.part" "$file"
echo "$file"
if [ -n "${BACKUP_KEEP_DAYS:-}" ]; then
  find "$dir" -maxdepth 1 -name "$name-*.dump" -mtime "+$BACKUP_KEEP_DAYS" -print -delete
fi

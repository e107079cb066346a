# Sourced by backup.sh and restore.sh: both work on PostgreSQL only.
require_postgres_url() {
  case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) return ;;
    "") given="it is not set" ;;
    *) given="it is a ${DATABASE_URL%%:*} URL" ;;
  esac
  echo "make $1 works on PostgreSQL only: set DATABASE_URL=postgres://user@host:5432/name" \
    "($given). The embedded SQLite mode keeps everything in var/db.sqlite3: copy that file" \
    "while the portal is stopped." >&2
  exit 2
}

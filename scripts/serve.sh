#!/usr/bin/env bash
# Production: migrate, collect the static files and run the portal under gunicorn on
# 127.0.0.1:$PORT, behind a TLS proxy (docs/deployment.md). Never loads the demo.
set -euo pipefail
PY=.venv/bin/python
export DJANGO_DEBUG=0
refuse() { echo "make serve: $1" >&2; exit 2; }
[ -n "${DJANGO_SECRET_KEY:-}" ] || refuse "set DJANGO_SECRET_KEY to a long random secret, e.g. \`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'\`."
[ -n "${DJANGO_ALLOWED_HOSTS:-}" ] || refuse "set DJANGO_ALLOWED_HOSTS to the host names the portal answers to, e.g. matchmaking.example.org."
case "${DATABASE_URL:-}" in
  postgres://* | postgresql://* | pgsql://*) ;;
  *) refuse "set DATABASE_URL to a PostgreSQL database, e.g. postgres://innohealth@127.0.0.1:5432/innohealth (SQLite is for development only)." ;;
esac
export PORT="${PORT:-8000}"
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput --verbosity 0
# A log-in hashes with Argon2 in 19 MiB (matchmaking/passwords.py). glibc raises its mmap
# threshold to the largest block freed, so every worker would keep those 19 MiB after its first
# log-in; blocks over 1 MiB are mapped and given back instead. An operator's own tunables win.
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=1048576}"
exec .venv/bin/gunicorn --config innohealth/gunicorn.conf.py innohealth.wsgi

#!/usr/bin/env bash
# Serve the portal for development, with the demo. With REDIS_URL set, a real Celery worker (and
# beat) runs beside the server. Production is `make serve` (scripts/serve.sh).
set -euo pipefail
PY=.venv/bin/python
PORT="${PORT:-8000}"
$PY manage.py migrate --noinput
$PY manage.py load_demo
if [ -n "${REDIS_URL:-}" ]; then
  .venv/bin/celery -A innohealth worker --beat --loglevel INFO --concurrency 2 &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
fi
$PY manage.py runserver "127.0.0.1:$PORT"

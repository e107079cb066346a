"""gunicorn settings of `make serve` (docs/deployment.md). Any of them can be overridden per
machine through GUNICORN_CMD_ARGS, e.g. ``GUNICORN_CMD_ARGS="--workers 8"``."""

import os

# Only the TLS proxy on this machine talks to gunicorn; it sets X-Forwarded-For and -Proto.
bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
forwarded_allow_ips = "127.0.0.1"

# A page is Python work, not waiting (e-mails leave through the outbox, PostgreSQL and Redis
# answer in a millisecond), so one thread per process by default: on the 2-core machine 5 × 4
# threads fighting over each process's interpreter lock carried 53 requests/s of the load bench
# at 33 ms of CPU each, 5 × 1 carried 68/s at 26 ms (docs/performance.md). gthread still keeps
# idle keep-alive connections aside. Each thread keeps its own database connection
# (CONN_MAX_AGE): workers × threads connections.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# Planning runs in the worker, not in a request: 30 s is already far beyond a normal page.
timeout = 30
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then so a slow leak cannot grow without end.
max_requests = 2000
max_requests_jitter = 200

# Bounded requests: the request line, the number and the size of headers (the body is bounded by
# MAX_REQUEST_BODY_BYTES in Django and by the proxy).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Logs to stdout/stderr for the process supervisor (systemd's journal, a container runtime).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'

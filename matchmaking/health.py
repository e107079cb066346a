"""What the health endpoints report. Liveness asks nothing of anyone; readiness asks the database
and Redis with short timeouts and reads the workers' heartbeat, which the workers write
themselves (at start and from beat), so no request ever waits for a worker to answer."""

from __future__ import annotations

import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection


def _heartbeat_key() -> str:
    # Per queue: two deployments sharing a Redis do not vouch for each other's workers.
    return f"worker-heartbeat:{settings.CELERY_TASK_DEFAULT_QUEUE}"


def record_worker_heartbeat() -> float:
    now = time.time()
    cache.set(_heartbeat_key(), now, timeout=None)
    return now


def worker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    seen = cache.get(_heartbeat_key())
    if seen is None:
        return "no heartbeat"
    age = max(time.time() - seen, 0)
    fresh = age <= settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
    return f"{'ok' if fresh else 'stale'} (heartbeat {age:.0f} s ago)"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError as exc:
        return f"error: {exc.__class__.__name__}"


def redis_state() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    timeout = settings.REDIS_TIMEOUT_SECONDS
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
        return "ok"
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    finally:
        client.close()

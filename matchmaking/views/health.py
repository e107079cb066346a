"""Health endpoints for load balancers and monitoring.

GET /healthz (liveness): the web process answers; no database, Redis or worker is asked, so it
costs a few milliseconds however often it is polled. GET /readyz (readiness): 200 while the
database answers, 503 when it does not; it also reports Redis and the workers' heartbeat, which
do not decide the status because the portal works without them (e-mails wait in the outbox).
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import health


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    checks = {
        "database": health.database_state(),
        "redis": health.redis_state(),
        "celery_worker": health.worker_state(),
    }
    ready = checks["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )

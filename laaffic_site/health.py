"""/healthz for load balancers: can this instance reach its database and its broker?

The answer names no host, URL or error; the log says what went wrong.
"""
import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .celery import app as celery_app

log = logging.getLogger(__name__)
# Seconds; a probe that hangs longer than the load balancer waits says nothing.
BROKER_TIMEOUT = 2


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.warning("Health check: the database is unreachable", exc_info=True)
        return False
    return True


def broker_ok() -> bool:
    try:
        # connect_timeout bounds AMQP; Redis reads its own socket timeouts.
        with celery_app.connection_for_write(
            connect_timeout=BROKER_TIMEOUT,
            transport_options={"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT},
        ) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    except Exception:
        log.warning("Health check: the Celery broker is unreachable", exc_info=True)
        return False
    return True


@never_cache
@require_safe
def healthz(request):
    checks = {"database": database_ok(), "broker": broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({name: "ok" if ok else "error" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)

"""/health/ for load balancers: 200 when the database and broker answer and beat's sweep and a
worker's heartbeat are recent, else 503; the body says which check failed (no data, no names)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker.celery import app
from tracker.selectors.health import database_ok, heartbeats


def broker_ok() -> bool:
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    checks: dict[str, object] = {"database": database_ok(), "broker": broker_ok()}
    for source, beat in heartbeats(now).items():
        checks[source] = not beat.stale
        checks[f"{source}_age_seconds"] = (
            int((now - beat.at).total_seconds()) if beat.at is not None else None
        )
    healthy = all(value for key, value in checks.items() if not key.endswith("_seconds"))
    return JsonResponse(
        {"status": "ok" if healthy else "fail", **checks}, status=200 if healthy else 503
    )


urlpatterns = [path("health/", health, name="health")]

"""Sign-ins locked after repeated failures (django-axes' attempts), for the supervisors' page."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet


def lockouts_current() -> QuerySet[AccessAttempt]:
    """The attempts that have reached the failure limit and lock an account or an address."""
    attempts: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).order_by("-attempt_time")
    return attempts

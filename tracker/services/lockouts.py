"""Unlocking a sign-in that django-axes locked after repeated failures; audited."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.db import transaction

from tracker.models import User
from tracker.services.audit import audit_record


@transaction.atomic
def lockout_clear(*, attempt: AccessAttempt, actor: User) -> None:
    """Forget the failures of `attempt`'s account and address: both may sign in again."""
    before = {
        "username": attempt.username,
        "ip_address": attempt.ip_address,
        "failures": attempt.failures_since_start,
    }
    # A wrong API token is recorded without a username (tracker.api.authentication): its
    # address alone is unlocked, not every address that sent one.
    if attempt.username:
        AccessAttempt.objects.filter(username=attempt.username).delete()
    if attempt.ip_address:
        AccessAttempt.objects.filter(ip_address=attempt.ip_address).delete()
    audit_record(actor=actor, action="lockout_clear", before=before, after={})

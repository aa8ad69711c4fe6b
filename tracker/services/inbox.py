"""The in-app inbox: marking notices read (they are created by the calendar's sweep, from the
same selection as their e-mail, and by the amendment announcement)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from tracker.models import Notice, User


def notice_mark_read(*, user: User, notice_ids: list[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when `notice_ids` is None); how many."""
    now: datetime = timezone.now()
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=now)

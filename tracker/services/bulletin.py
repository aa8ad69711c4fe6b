"""Publishing the quarter's analysis (一季一分析): the figures are frozen as they stand, so the
bulletin everyone printed and the one in the archive agree."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.models import AnalysisBulletin, ReportingPeriod, User
from tracker.periods import local_today
from tracker.selectors.bulletin import bulletin_content
from tracker.services.audit import audit_record
from tracker.services.errors import Refused


class BulletinRefused(Refused):
    """The quarter's analysis cannot be published or withdrawn."""


def bulletin_publish(
    *, period: ReportingPeriod, actor: User, summary: str = "", now: datetime | None = None
) -> AnalysisBulletin:
    """Freeze and publish the analysis of `period`. A period has one published analysis; to
    publish corrected figures, withdraw the old one first (bulletin_withdraw)."""
    if not can_supervise(actor):
        raise BulletinRefused(_("只有督查人员可以发布季度分析。"))
    now = now or timezone.now()
    # The published analysis is the office's Chinese document, whoever's screen publishes it.
    with translation.override(settings.LANGUAGE_CODE):
        content = bulletin_content(actor, period, today=local_today(now), now=now)
    summary = summary.strip() or content["summary_text"]
    content["summary_text"] = summary
    try:
        with transaction.atomic():
            bulletin = AnalysisBulletin.objects.create(
                period=period,
                content=content,
                summary=summary,
                published_at=now,
                published_by=actor,
            )
            audit_record(
                actor=actor,
                action="bulletin.publish",
                obj=bulletin,
                after={"period": period.pk, "summary": summary},
            )
    except IntegrityError:
        raise BulletinRefused(_("本季度分析已发布；如需更正，请先撤回后重新发布。")) from None
    return bulletin


def bulletin_withdraw(*, bulletin: AnalysisBulletin, actor: User, reason: str) -> None:
    reason = reason.strip()
    if not can_supervise(actor):
        raise BulletinRefused(_("只有督查人员可以撤回季度分析。"))
    if not reason:
        raise BulletinRefused(_("请填写撤回原因。"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="bulletin.withdraw",
            obj=bulletin,
            # The frozen figures go into the trail, so a withdrawn analysis can still be shown
            # as it was printed.
            before={
                "summary": bulletin.summary,
                "published_at": bulletin.published_at,
                "published_by": bulletin.published_by_id,
                "content": bulletin.content,
            },
            after={"reason": reason},
        )
        bulletin.delete()

"""Reading 督办单: the ones a person sees, their state today (overdue shows red everywhere), the
counts by unit for the dashboard, and the inbox."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tracker.access import AnyUser, visible_actions
from tracker.models import (
    DocumentAmendment,
    Notice,
    NoticeKind,
    SupervisionAction,
    Unit,
    User,
    unit_order,
)
from tracker.selectors.amendments import amendment_notice_text

WAITING = (SupervisionAction.Status.OPEN, SupervisionAction.Status.RETURNED)


def dubans_visible(user: AnyUser) -> QuerySet[SupervisionAction]:
    return (
        visible_actions(user)
        .exclude(status="")
        .select_related("unit", "period__document", "author")
        .defer("period__document__source_text", "period__document__extraction")
    )


def overdue_q(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": WAITING, f"{prefix}deadline__lt": today})


def duban_is_overdue(action: SupervisionAction, today: date) -> bool:
    return action.status in WAITING and action.deadline is not None and action.deadline < today


@dataclass(frozen=True)
class UnitDubanCount:
    unit: str
    unit_id: int
    open: int
    overdue: int
    closed: int


def duban_counts_by_unit(user: AnyUser, today: date) -> list[UnitDubanCount]:
    """Open (not closed), overdue and closed 督办单 by unit, in the official order: one query."""
    rows = (
        Unit.objects.filter(supervision_actions__in=dubans_visible(user))
        .annotate(
            n_open=Count(
                "supervision_actions",
                filter=~Q(supervision_actions__status__in=("", SupervisionAction.Status.CLOSED)),
            ),
            n_overdue=Count(
                "supervision_actions", filter=overdue_q(today, "supervision_actions__")
            ),
            n_closed=Count(
                "supervision_actions",
                filter=Q(supervision_actions__status=SupervisionAction.Status.CLOSED),
            ),
        )
        .order_by(*unit_order())
        .distinct()
    )
    return [UnitDubanCount(u.name, u.pk, u.n_open, u.n_overdue, u.n_closed) for u in rows]


# --- the inbox ---------------------------------------------------------------------------------


def inbox_unread(user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def inbox_notices(user: User) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(user=user)
        .select_related(
            "period__document",
            "responsibility__assignment",
            "responsibility__unit",
            "problem",
            "action__unit",
        )
        .defer("period__document__source_text", "period__document__extraction")
        .order_by("-created_at", "-pk")
    )


def notice_rows(notices: Iterable[Notice]) -> list[dict[str, Any]]:
    """The inbox's rows for a page of notices; an amendment's line is worded again in the
    reader's language (one query for the page's amendments)."""
    notices = list(notices)
    keys = {
        int(n.item_key.split(":", 1)[1])
        for n in notices
        if n.kind == NoticeKind.AMENDMENT and n.item_key.split(":", 1)[1].isdigit()
    }
    amendments = {
        a.pk: a
        for a in DocumentAmendment.objects.filter(pk__in=keys).select_related(
            "document", "assignment", "target"
        )
    }
    return [notice_row(n, amendments=amendments) for n in notices]


def notice_row(
    notice: Notice, *, amendments: dict[int, DocumentAmendment] | None = None
) -> dict[str, Any]:
    """What the inbox shows of a notice: its kind, what it is about, where it leads."""
    kind = NoticeKind(notice.kind)
    subject = notice.text
    url = notice.url
    amendment_id = notice.item_key.split(":", 1)[-1]
    amendment = (amendments or {}).get(int(amendment_id)) if amendment_id.isdigit() else None
    if kind == NoticeKind.AMENDMENT and amendment is not None:
        subject = amendment_notice_text(amendment)
    elif notice.action is not None:
        action = notice.action
        subject = _("%(reference)s %(unit)s：%(requirement)s") % {
            "reference": action.reference,
            "unit": action.unit.name,
            "requirement": action.requirement[:60],
        }
        url = reverse("duban-detail", args=[action.pk])
    elif notice.problem is not None:
        subject = notice.problem.description[:80]
        url = reverse("problem-detail", args=[notice.problem.pk])
    elif notice.responsibility is not None and notice.period is not None:
        assignment = notice.responsibility.assignment
        subject = _("%(ref)s %(title)s（%(unit)s）") % {
            "ref": assignment.ref,
            "title": assignment.title,
            "unit": notice.responsibility.unit.name,
        }
        if kind == NoticeKind.ESCALATE_SUPERVISOR:
            url = reverse("dashboard")
        elif kind in (NoticeKind.ESCALATE_LEAD, NoticeKind.CHECKPOINT_1, NoticeKind.CHECKPOINT_2):
            url = reverse("lead-tasks")
        else:
            url = reverse("report-work", args=[notice.responsibility.pk, notice.period.pk])
    return {
        "notice": notice,
        "label": kind.label,
        "subject": subject,
        "document": notice.period.document.title if notice.period else "",
        "period": str(notice.period) if notice.period else "",
        "url": url,
        "urgent": kind
        in (NoticeKind.DUBAN_OVERDUE, NoticeKind.OVERDUE, NoticeKind.ESCALATE_SUPERVISOR),
    }

"""One digest as an e-mail: its items by section, worst first, each with its link, in the
recipient's language; its Message-ID, a function of the claim (so a resend repeats it).
A fixed number of queries whatever the number of items."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation

from tracker import l10n
from tracker.emails import DEFAULT_LANGUAGE, build_message
from tracker.formatting import cn_date, cn_datetime, number
from tracker.models import (
    SUBMITTED_STATUSES,
    Colour,
    NoticeKind,
    NoticePreference,
    ProgressReport,
    ReminderDigest,
    ReminderLog,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    Target,
    TargetValue,
    UnitContact,
)
from tracker.periods import SHANGHAI, days_overdue

TEMPLATE = "reminder_digest"

# Sections in the order a reader acts on them: what is worst first.
SECTION_ORDER = (
    NoticeKind.DUBAN_OVERDUE,
    NoticeKind.DUBAN_RETURNED,
    NoticeKind.DUBAN_ISSUED,
    NoticeKind.DUBAN_ANSWERED,
    NoticeKind.DUBAN_CLOSED,
    NoticeKind.RETURNED,
    NoticeKind.PROBLEM_LEADER,
    NoticeKind.PROBLEM_LEAD,
    NoticeKind.ESCALATE_SUPERVISOR,
    NoticeKind.ESCALATE_LEAD,
    NoticeKind.OVERDUE,
    NoticeKind.DUE_DAY,
    NoticeKind.DUE_1,
    NoticeKind.DUE_3,
    NoticeKind.DUE_7,
    NoticeKind.WINDOW_OPEN,
    NoticeKind.CHECKPOINT_2,
    NoticeKind.CHECKPOINT_1,
)

# (title, introduction) per kind and language.
SECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "zh-hans": {
        NoticeKind.DUBAN_OVERDUE: (
            "督办单逾期未反馈",
            "以下督办单已超过办理时限仍未反馈，已报分管领导（未明确分管领导的报督查人员）。",
        ),
        NoticeKind.DUBAN_RETURNED: ("督办反馈被退回", "以下督办单的反馈被退回，请按要求重新反馈。"),
        NoticeKind.DUBAN_ISSUED: ("收到督办单", "以下督办单已下发贵单位，请在办理时限内反馈。"),
        NoticeKind.DUBAN_ANSWERED: ("督办单已反馈", "以下督办单已收到单位反馈，请审核办结或退回。"),
        NoticeKind.DUBAN_CLOSED: ("督办单已办结", "以下督办单已办结。"),
        NoticeKind.RETURNED: ("报告被退回", "以下进展报告被退回，请按退回意见修改后重新报送。"),
        NoticeKind.PROBLEM_LEADER: (
            "问题已上报分管领导",
            "以下问题经牵头部门3日内仍未解决，已上报分管领导，请督查跟进。",
        ),
        NoticeKind.PROBLEM_LEAD: (
            "问题已上报牵头部门",
            "以下问题责任单位3日内未能解决，已上报贵单位（牵头部门），请限时3日内协调解决。",
        ),
        NoticeKind.ESCALATE_SUPERVISOR: (
            "逾期未报送，已自动督办",
            "以下进展报告逾期未报送，系统已自动记录督办。",
        ),
        NoticeKind.ESCALATE_LEAD: (
            "责任单位逾期未报送",
            "贵单位牵头的以下任务中，责任单位逾期未报送进展，请督促报送。",
        ),
        NoticeKind.OVERDUE: ("逾期未报送", "以下进展报告已超过报送截止日期，请尽快报送。"),
        NoticeKind.DUE_DAY: ("今日报送截止", "以下进展报告今日截止报送，请抓紧报送。"),
        NoticeKind.DUE_1: ("明日报送截止", "以下进展报告明日截止报送。"),
        NoticeKind.DUE_3: ("距报送截止还有3天", "以下进展报告3天后截止报送。"),
        NoticeKind.DUE_7: ("距报送截止还有7天", "以下进展报告7天后截止报送。"),
        NoticeKind.WINDOW_OPEN: ("本季度开始填报", "以下任务的本季度进展报告已开始填报。"),
        NoticeKind.CHECKPOINT_2: (
            "第二次调度",
            "按照“一季两调度”要求，请核对贵单位牵头任务的指标进展。",
        ),
        NoticeKind.CHECKPOINT_1: (
            "第一次调度",
            "按照“一季两调度”要求，请核对贵单位牵头任务的指标进展。",
        ),
    },
    "en": {
        NoticeKind.DUBAN_OVERDUE: (
            "Supervision order overdue",
            "These supervision orders are past their deadline without an answer.",
        ),
        NoticeKind.DUBAN_RETURNED: (
            "Answer to a supervision order returned",
            "Please answer these supervision orders again.",
        ),
        NoticeKind.DUBAN_ISSUED: (
            "Supervision order received",
            "Please answer these supervision orders before their deadline.",
        ),
        NoticeKind.DUBAN_ANSWERED: (
            "Supervision order answered",
            "The units answered; please close or return them.",
        ),
        NoticeKind.DUBAN_CLOSED: ("Supervision order closed", "These orders are closed."),
        NoticeKind.RETURNED: (
            "Report returned",
            "These reports were returned; please revise them and submit again.",
        ),
        NoticeKind.PROBLEM_LEADER: (
            "Problem escalated to the leader in charge",
            "The lead department did not settle these problems in time.",
        ),
        NoticeKind.PROBLEM_LEAD: (
            "Problem escalated to your department",
            "The responsible unit did not settle these problems within 3 days.",
        ),
        NoticeKind.ESCALATE_SUPERVISOR: (
            "Overdue: escalated to supervision",
            "These reports are overdue; a supervision order has been recorded.",
        ),
        NoticeKind.ESCALATE_LEAD: (
            "Co-units overdue",
            "Co-units of assignments you lead have not reported; please chase them.",
        ),
        NoticeKind.OVERDUE: ("Overdue", "These reports are past their due date."),
        NoticeKind.DUE_DAY: ("Due today", "These reports are due today."),
        NoticeKind.DUE_1: ("Due tomorrow", "These reports are due tomorrow."),
        NoticeKind.DUE_3: ("Due in 3 days", "These reports are due in 3 days."),
        NoticeKind.DUE_7: ("Due in 7 days", "These reports are due in 7 days."),
        NoticeKind.WINDOW_OPEN: ("Reporting is open", "Reporting for this period has opened."),
        NoticeKind.CHECKPOINT_2: (
            "Second dispatch checkpoint",
            "Please check the indicators of the assignments you lead.",
        ),
        NoticeKind.CHECKPOINT_1: (
            "First dispatch checkpoint",
            "Please check the indicators of the assignments you lead.",
        ),
    },
}
COLOUR_EN = {
    Colour.BLUE: "Done",
    Colour.GREEN: "On track",
    Colour.YELLOW: "Lagging",
    Colour.RED: "Seriously lagging",
    Colour.GREY: "Not reported",
}
ROLE_EN = {Responsibility.Role.LEAD: "lead", Responsibility.Role.CO: "co-unit"}


def digest_message_id(digest: ReminderDigest) -> str:
    """The Message-ID of a digest, a function of its claim key (sweep, recipient) only."""
    mailbox = hashlib.sha256(digest.recipient.lower().encode()).hexdigest()[:16]
    return f"<reminders.{digest.sweep}.{mailbox}@{settings.TRACKER_REMINDER_MESSAGE_ID_DOMAIN}>"


def digest_items(digest: ReminderDigest) -> QuerySet[ReminderLog]:
    """The claims a digest carries: its sweep's, to its recipient."""
    return ReminderLog.objects.filter(sweep=digest.sweep, recipient=digest.recipient)


def recipient_language(email: str) -> str:
    """The language a recipient chose: as a unit contact, else as a user; Chinese by default."""
    found = (
        UnitContact.objects.filter(email=email, is_active=True)
        .values_list("language", flat=True)
        .first()
    ) or (
        NoticePreference.objects.filter(user__email=email, user__is_active=True)
        .values_list("language", flat=True)
        .first()
    )
    return found if found in SECTIONS else DEFAULT_LANGUAGE


def digest_message(digest: ReminderDigest, *, today: date) -> EmailMultiAlternatives:
    language = digest.language or recipient_language(digest.recipient)
    if digest.language != language:
        ReminderDigest.objects.filter(pk=digest.pk).update(language=language)
        digest.language = language
    context = digest_context(digest, today=today, language=language)
    return build_message(
        TEMPLATE,
        context,
        to=[digest.recipient],
        message_id=digest_message_id(digest),
        language=language,
        headers={"X-Tracker-Notice": ",".join(s["kind"] for s in context["sections"])},
    )


def digest_context(digest: ReminderDigest, *, today: date, language: str) -> dict[str, Any]:
    """The JSON-safe context of a digest: its items by section, each with its link. A fixed
    number of queries whatever the number of items."""
    items = list(
        digest_items(digest)
        .exclude(kind=NoticeKind.URGE)
        .select_related(
            "period__document",
            "responsibility__unit",
            "responsibility__assignment",
            "problem__unit",
        )
        .order_by("pk")
    )
    reports = _reports(items)
    actions = _actions(items)
    indicators = _indicators([i for i in items if i.kind in _CHECKPOINTS], language)
    site = settings.SITE_URL
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(
            _duban_context(item, actions, language=language, site=site)
            if item.kind in DUBAN_KINDS
            else _item_context(item, reports, indicators, today=today, language=language, site=site)
        )
    titles = SECTIONS[language]
    sections: list[dict[str, Any]] = [
        {
            "kind": str(kind),
            "title": titles[kind][0],
            "intro": titles[kind][1],
            "items": sorted(by_kind[kind], key=lambda row: (row["document"], row["sort"])),
        }
        for kind in SECTION_ORDER
        if kind in by_kind
    ]
    return {
        "recipient": digest.recipient,
        "count": sum(len(section["items"]) for section in sections),
        "headline": sections[0]["title"] if sections else "",
        "more_sections": len(sections) > 1,
        "sections": sections,
        "today": _day(today, language),
        "site_url": site,
        "tasks_url": site + reverse("my-tasks"),
        "dashboard_url": f"{site}/dashboard/",
    }


_CHECKPOINTS = (NoticeKind.CHECKPOINT_1, NoticeKind.CHECKPOINT_2)
DUBAN_KINDS = (
    NoticeKind.DUBAN_ISSUED,
    NoticeKind.DUBAN_ANSWERED,
    NoticeKind.DUBAN_RETURNED,
    NoticeKind.DUBAN_CLOSED,
    NoticeKind.DUBAN_OVERDUE,
)


def duban_id(item_key: str) -> int:
    """The 督办单 of an item key "duban:<id>@<round>" (an inbox key adds "#<period>")."""
    return int(item_key.split(":", 1)[1].split("@", 1)[0].split("#", 1)[0])


def _actions(items: list[ReminderLog]) -> dict[int, SupervisionAction]:
    ids = {duban_id(i.item_key) for i in items if i.kind in DUBAN_KINDS}
    if not ids:
        return {}
    return {
        a.pk: a
        for a in SupervisionAction.objects.filter(pk__in=ids).select_related(
            "unit", "period__document"
        )
    }


def _duban_context(
    item: ReminderLog, actions: dict[int, SupervisionAction], *, language: str, site: str
) -> dict[str, Any]:
    action = actions[duban_id(item.item_key)]
    return {
        "kind": item.kind,
        "document": action.period.document.title,
        "period": _period(action.period, language),
        "due_on": _day(action.deadline or action.period.due_on, language),
        "days_overdue": 0,
        "sort": f"{action.reference_number or 0:06d}{action.unit.name}",
        "ref": action.reference,
        "title": action.requirement[:80],
        "unit": action.unit.name,
        "role": _choice(action.get_urgency_display, language),
        "url": site + reverse("duban-detail", args=[action.pk]),
        "reason": action.return_reason if item.kind == NoticeKind.DUBAN_RETURNED else "",
        "problem": "",
        "level_deadline": "",
        "indicators": [],
    }


_LATE = (NoticeKind.OVERDUE, NoticeKind.ESCALATE_LEAD, NoticeKind.ESCALATE_SUPERVISOR)


def _reports(items: list[ReminderLog]) -> dict[tuple[int, int], ProgressReport]:
    keys = {(i.responsibility_id, i.period_id) for i in items if i.responsibility_id}
    if not keys:
        return {}
    found = ProgressReport.objects.filter(
        responsibility_id__in={r for r, _ in keys}, period_id__in={p for _, p in keys}
    ).only("pk", "responsibility_id", "period_id", "status", "return_reason")
    return {(r.responsibility_id, r.period_id): r for r in found}


def _indicators(
    items: list[ReminderLog], language: str
) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """(responsibility, period) → the assignment's targets with the lead unit's latest submitted
    value up to that period: what a checkpoint shows, its targets worded in `language`."""
    if not items:
        return {}
    assignment_ids = {i.responsibility.assignment_id for i in items if i.responsibility}
    targets = list(
        Target.objects.filter(assignment_id__in=assignment_ids).order_by(
            "assignment_id", "position"
        )
    )
    values = (
        TargetValue.objects.filter(
            report__responsibility_id__in={i.responsibility_id for i in items},
            report__status__in=SUBMITTED_STATUSES,
        )
        .select_related("report__period")
        .order_by("-report__period__ends_on", "-report__period_id")
    )
    latest: dict[tuple[int, int], list[TargetValue]] = {}
    for stored in values:
        latest.setdefault((stored.report.responsibility_id, stored.target_id), []).append(stored)
    result: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for item in items:
        if item.responsibility is None:
            continue
        period = item.period
        rows = []
        for target in targets:
            if target.assignment_id != item.responsibility.assignment_id:
                continue
            value = next(
                (
                    v
                    for v in latest.get((item.responsibility.pk, target.pk), [])
                    if v.report.period.ends_on <= period.ends_on
                ),
                None,
            )
            rows.append(
                {
                    "indicator": target.indicator or target.text,
                    # As the document wrote it, the one wording (issue 13).
                    "target": _target(target, language) if target.value is not None else "",
                    "actual": number(value.actual) if value and value.actual is not None else "",
                    "unit": target.measure_unit,
                    "colour": value.colour if value else Colour.GREY.value,
                    "as_of": value.report.period.label if value else "",
                }
            )
        result[(item.responsibility.pk, item.period_id)] = rows
    return result


def _item_context(
    item: ReminderLog,
    reports: dict[tuple[int, int], ProgressReport],
    indicators: dict[tuple[int, int], list[dict[str, Any]]],
    *,
    today: date,
    language: str,
    site: str,
) -> dict[str, Any]:
    period = item.period
    responsibility = item.responsibility
    report = reports.get((item.responsibility_id or 0, item.period_id))
    row: dict[str, Any] = {
        "kind": item.kind,
        "document": period.document.title,
        "period": _period(period, language),
        "due_on": _day(period.due_on, language),
        "days_overdue": days_overdue(period.due_on, today) if item.kind in _LATE else 0,
        "sort": "",
        "ref": "",
        "title": "",
        "unit": "",
        "role": "",
        "url": site + reverse("my-tasks"),
        "reason": "",
        "problem": "",
        "level_deadline": "",
        "indicators": [],
    }
    if responsibility is not None:
        assignment = responsibility.assignment
        row.update(
            sort=f"{assignment.position:06d}{responsibility.unit.name}",
            ref=assignment.ref,
            title=assignment.title,
            unit=responsibility.unit.name,
            role=(
                ROLE_EN[Responsibility.Role(responsibility.role)]
                if language == "en"
                else str(responsibility.get_role_display())
            ),
        )
    if responsibility is not None:
        # The unit's own notices open its report form for that period.
        row["url"] = site + reverse("report-work", args=[responsibility.pk, item.period_id])
    if item.kind == NoticeKind.ESCALATE_SUPERVISOR:
        row["url"] = site + reverse("dashboard")
    elif item.kind == NoticeKind.ESCALATE_LEAD:
        row["url"] = site + reverse("lead-tasks")
    elif item.kind in _CHECKPOINTS:
        row["url"] = site + reverse("lead-tasks")
    elif item.kind == NoticeKind.RETURNED and report is not None:
        row["reason"] = report.return_reason
    elif item.problem is not None:
        row["url"] = site + reverse("problem-detail", args=[item.problem.pk])
        row["problem"] = item.problem.description
        row["unit"] = item.problem.unit.name
        row["level_deadline"] = (
            cn_datetime(item.problem.level_deadline)
            if language != "en"
            else item.problem.level_deadline.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        )
    if item.kind in _CHECKPOINTS:
        row["indicators"] = [
            {**ind, "colour_label": _colour(ind["colour"], language)}
            for ind in indicators.get((item.responsibility_id or 0, item.period_id), [])
        ]
    return row


def _choice(display: Any, language: str) -> str:
    """A choice's label (get_…_display) in the digest's language."""
    with translation.override(language):
        return str(display())


def _target(target: Target, language: str) -> str:
    with translation.override(language):
        return l10n.target_text(target)


def _colour(colour: str, language: str) -> str:
    if language == "en":
        return COLOUR_EN[Colour(colour)]
    return str(Colour(colour).label)


def _day(value: date, language: str) -> str:
    if language == "en":
        return f"{value.day} {value:%b} {value.year}"
    return cn_date(value)


def _period(period: ReportingPeriod, language: str) -> str:
    if language != "en":
        return period.label
    return {
        "monthly": f"{date(period.year, period.number, 1):%b} {period.year}",
        "quarterly": f"Q{period.number} {period.year}",
        "half-yearly": f"H{period.number} {period.year}",
    }.get(period.frequency, str(period.year))

"""The demo: a fictional city (云江市), its units, two documents, people and three quarters of
reports.

Everything here goes through the same services a real deployment uses (import, publish, submit),
so the demo exercises the product rather than bypassing it. Loading twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.models import (
    Assignment,
    Document,
    Problem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    Target,
    Unit,
    User,
)
from tracker.periods import SHANGHAI
from tracker.selectors.units import name_key
from tracker.services.demo_office import demo_office_load
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish
from tracker.services.problems import problem_resolve, problems_escalate_due
from tracker.services.report_review import report_approve, report_return
from tracker.services.reporting_periods import period_lock
from tracker.services.reports import ReportInput, TargetInput, report_save
from tracker.services.supervision import supervision_action_record
from tracker.services.units import units_import_roster

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DOCUMENTS_DIR = DEMO_DIR / "documents"
# Known on purpose: the demo is for trying the product on one's own machine, never for production.
DEMO_PASSWORD = "yunjiang2026"  # noqa: S105
ADMIN_USERNAME = "admin"
SUPERVISOR_USERNAME = "supervisor"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    unit: str


@dataclass
class DemoOutcome:
    loaded: bool
    documents: list[Document] = field(default_factory=list)
    reports_submitted: int = 0
    logins: list[Login] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def demo_load(*, only_if_empty: bool = False) -> DemoOutcome:
    if only_if_empty and Document.objects.exists():
        return DemoOutcome(loaded=False, logins=demo_logins())
    roster = json.loads((DEMO_DIR / "units.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        units_import_roster(roster=roster, actor=None)
        _create_people(roster)
        demo_office_load(roster, password=make_password(DEMO_PASSWORD))
    admin = User.objects.get(username=ADMIN_USERNAME)
    outcome = DemoOutcome(loaded=True)
    for path in sorted(DOCUMENTS_DIR.glob("*.txt")):
        imported = document_import(data=path.read_bytes(), source_name=path.name, actor=admin)
        document_publish(document=imported.document, actor=admin)
        outcome.documents.append(imported.document)
    progress = json.loads((DEMO_DIR / "progress.json").read_text(encoding="utf-8"))
    for index, entry in enumerate(progress):
        if _submit(entry, index=index, warnings=outcome.warnings):
            outcome.reports_submitted += 1
    outcome.reports_submitted += _generate_reports(outcome.documents)
    _review(outcome)
    outcome.logins = demo_logins()
    return outcome


def _draw(*parts: object) -> float:
    """A repeatable number in [0, 1) for one slot, so every load of the demo is the same."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# How the quarters went in the demo city: the share of slots not reported at all, and reported
# after the due date. The third quarter is the one supervisors are still chasing.
_MISSING = {1: 0.04, 2: 0.06, 3: 0.12}
_LATE = {1: 0.06, 2: 0.08, 3: 0.10}


def _generated_actual(target: Target, elapsed: Decimal, luck: float) -> Decimal:
    """A plausible cumulative figure: most units on pace, some a little behind, a few far."""
    value = target.value or Decimal(0)
    if target.kind in (Target.Kind.GROWTH, Target.Kind.SHARE, Target.Kind.DECREASE):
        offset = Decimal("0.4") if luck < 0.55 else Decimal("-0.3") if luck < 0.85 else Decimal(-2)
        if target.direction == Target.Direction.DECREASE and target.kind != Target.Kind.DECREASE:
            offset = -offset
        actual = value + offset
        if target.kind == Target.Kind.SHARE:
            actual = min(max(actual, Decimal(0)), Decimal(100))
        return actual.quantize(Decimal("0.1"))
    if target.kind == Target.Kind.RANK:
        return max(Decimal(1), value + (-1 if luck < 0.7 else 2))
    factor = Decimal("1.04") if luck < 0.55 else Decimal("0.93") if luck < 0.85 else Decimal("0.7")
    if target.direction == Target.Direction.DECREASE:
        factor = Decimal(2) - factor  # a ceiling: using less is better
    places = Decimal(1) if target.kind == Target.Kind.COUNT and value >= 50 else Decimal("0.01")
    return (value * elapsed * factor).quantize(places)


def _generate_reports(documents: list[Document]) -> int:
    """Reports for every slot of the first three quarters that the hand-written ones leave
    open, so the dashboards look like a city at work: lead units give figures, co-units their
    part in words with an overall assessment; a few are late, a few missing."""
    reporters = {u.unit_id: u for u in User.objects.filter(role=User.Role.REPORTER)}
    written = 0
    for document in documents:
        periods = list(document.periods.filter(year=2026, quarter__lte=3).order_by("quarter"))
        done = set(
            ProgressReport.objects.filter(period__in=periods).values_list(
                "responsibility_id", "period_id"
            )
        )
        responsibilities = list(
            Responsibility.objects.filter(assignment__document=document)
            .select_related("assignment__document", "unit")
            .prefetch_related("assignment__targets")
        )
        for period in periods:
            elapsed = Decimal(period.quarter) / 4
            for responsibility in responsibilities:
                reporter = reporters.get(responsibility.unit_id)
                if reporter is None or (responsibility.pk, period.pk) in done:
                    continue
                key = (responsibility.pk, period.quarter)
                if _draw("missing", *key) < _MISSING[period.quarter]:
                    continue
                luck = _draw("luck", *key)
                late = _draw("late", *key) < _LATE[period.quarter]
                days = -2 if late else 1 + int(_draw("day", *key) * 6)
                at = datetime.combine(
                    period.due_on - timedelta(days=days),
                    time(9 + int(luck * 8), 15),
                    tzinfo=SHANGHAI,
                )
                assignment = responsibility.assignment
                targets = list(assignment.targets.all())
                lead = responsibility.role == Responsibility.Role.LEAD
                values = {
                    t.pk: TargetInput(actual=_generated_actual(t, elapsed, luck))
                    for t in targets
                    if lead and t.value is not None
                }
                assessment = (
                    ""
                    if values
                    else "done"
                    if luck > 0.97
                    else "not_started"
                    if luck < 0.04
                    else "in_progress"
                )
                report_save(
                    responsibility=responsibility,
                    period=period,
                    actor=reporter,
                    report_input=ReportInput(
                        values=values,
                        narrative=_narrative(responsibility, period.quarter, lead),
                        next_steps="按照年度目标任务倒排工期，加强调度，确保按时序推进。",
                        assessment=assessment,
                    ),
                    expected_version=None,
                    submit=True,
                    now=at,
                )
                written += 1
    return written


def _narrative(responsibility: Responsibility, quarter: int, lead: bool) -> str:
    span = {1: "一季度", 2: "上半年", 3: "前三季度"}[quarter]
    title = responsibility.assignment.title
    if lead:
        return f"{span}，牵头推进“{title}”，会同各责任单位按月调度，主要指标总体符合序时进度。"
    return f"{span}，按照职责分工配合推进“{title}”，本单位承担的工作已按计划开展。"


# One Q3 report goes back to its unit, so the demo shows a return and its reason.
_RETURNED = ("yunjiang-2026-county-development-plan.txt", "二.(一).11", 3)
_RETURN_REASON = "社会消费品零售总额增速与统计部门快报数据不一致，请核实后重新报送。"


def _review(outcome: DemoOutcome) -> None:
    """What supervisors did with the demo's reports: the lead units' first two quarters approved
    and locked, one third-quarter report returned, a 督办 and a 通报 recorded, one problem
    settled and the others left to climb the ladder."""
    supervisor = User.objects.get(username=SUPERVISOR_USERNAME)
    for document in outcome.documents:
        for period in document.periods.filter(year=2026).order_by("quarter"):
            reviewed_at = datetime.combine(
                period.due_on + timedelta(days=4), time(10, 0), tzinfo=SHANGHAI
            )
            # Supervisors approve the lead units' compiled reports; co-units' input is the lead
            # unit's to read, so it stays as submitted.
            leads = period.reports.filter(
                status=ProgressReport.Status.SUBMITTED,
                responsibility__role=Responsibility.Role.LEAD,
            ).select_related("responsibility__assignment")
            for report in leads:
                key = (document.source_name, report.responsibility.assignment.ref, period.quarter)
                if period.quarter <= 2:
                    report_approve(report=report, actor=supervisor, now=reviewed_at)
                elif key == _RETURNED:
                    report_return(
                        report=report, actor=supervisor, reason=_RETURN_REASON, now=reviewed_at
                    )
            if period.quarter <= 2 and not period.is_locked:
                period_lock(
                    period=period,
                    actor=supervisor,
                    now=datetime.combine(
                        period.due_on + timedelta(days=7), time(18, 0), tzinfo=SHANGHAI
                    ),
                )
    plan = next((d for d in outcome.documents if d.source_name == _RETURNED[0]), None)
    if plan is not None and not SupervisionAction.objects.exists():
        q2, q3 = plan.periods.get(year=2026, quarter=2), plan.periods.get(year=2026, quarter=3)
        industry = Unit.objects.filter(name="云江市工业和信息化局").first()
        environment = Unit.objects.filter(name="云江市生态环境局").first()
        if industry is not None:
            supervision_action_record(
                kind=SupervisionAction.Kind.URGE,
                unit=industry,
                period=q2,
                reason="二季度规模以上工业增加值进展未按时报送，请于3个工作日内补报并说明原因。",
                actor=supervisor,
            )
        if environment is not None:
            supervision_action_record(
                kind=SupervisionAction.Kind.NOTICE,
                unit=environment,
                period=q3,
                reason="上半年空气质量优良天数比率低于序时进度，予以通报。",
                actor=supervisor,
            )
    first_problem = Problem.objects.order_by("raised_at").first()
    if first_problem is not None and first_problem.resolved_at is None:
        problem_resolve(
            problem=first_problem,
            actor=supervisor,
            resolution="已召开专题调度会，明确由市自然资源局牵头办理用地报批，列入下季度重点督办。",
            now=first_problem.raised_at + timedelta(days=2),
        )
    problems_escalate_due()


def demo_logins() -> list[Login]:
    """The demo's accounts that still exist (their password is DEMO_PASSWORD unless changed)."""
    roster = json.loads((DEMO_DIR / "units.json").read_text(encoding="utf-8"))
    usernames = [ADMIN_USERNAME, SUPERVISOR_USERNAME] + [
        _reporter_username(entry) for entry in roster["units"] if entry.get("email")
    ]
    users = {
        user.username: user
        for user in User.objects.filter(username__in=usernames, is_active=True).select_related(
            "unit"
        )
    }
    return [_login(users[name]) for name in usernames if name in users]


def _login(user: User) -> Login:
    unit = user.unit
    return Login(
        username=user.username, role=user.get_role_display(), unit=unit.name if unit else "—"
    )


def _reporter_username(entry: dict[str, Any]) -> str:
    return str(entry["email"]).split("@")[0]


def _create_people(roster: dict[str, Any]) -> None:
    # Every demo account shares the published demo password, so it is hashed once: at full
    # strength a hash takes half a second, which twenty accounts would spend ten times over.
    hashed = make_password(DEMO_PASSWORD)

    def person(username: str, **fields: Any) -> None:
        User.objects.get_or_create(username=username, defaults={**fields, "password": hashed})

    person(
        ADMIN_USERNAME,
        role=User.Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
        last_name="系统管理员",
        email="admin@yunjiang.example.cn",
    )
    person(
        SUPERVISOR_USERNAME,
        role=User.Role.SUPERVISOR,
        last_name="市政府督查室",
        email="dcs@yunjiang.example.cn",
    )
    for entry in roster["units"]:
        if not entry.get("email"):
            continue
        person(
            _reporter_username(entry),
            role=User.Role.REPORTER,
            unit=Unit.objects.get(name=entry["name"]),
            last_name=f"{entry.get('short_names', [entry['name']])[0]}填报员",
            email=entry["email"],
        )


def _submit(entry: dict[str, Any], *, index: int, warnings: list[str]) -> bool:
    """Submit one demo report as its unit's reporter, at a plausible moment of that quarter."""
    document = Document.objects.filter(source_name=entry["document"]).first()
    assignment = (
        Assignment.objects.filter(document=document, ref=entry["item"]).first()
        if document
        else None
    )
    if assignment is None:
        warnings.append(
            _("演示进度：未找到任务 %(document)s %(item)s")
            % {"document": entry["document"], "item": entry["item"]}
        )
        return False
    key = name_key(entry["unit"])
    responsibility = next(
        (
            r
            for r in Responsibility.objects.filter(assignment=assignment).select_related("unit")
            if name_key(r.unit.name) == key
            or key in {name_key(a.alias) for a in r.unit.aliases.all()}
        ),
        None,
    )
    period = ReportingPeriod.objects.filter(document=document, quarter=entry["quarter"]).first()
    reporter = (
        User.objects.filter(unit=responsibility.unit, role=User.Role.REPORTER).first()
        if responsibility
        else None
    )
    if responsibility is None or period is None or reporter is None:
        warnings.append(
            _("演示进度：%(item)s 找不到单位 %(unit)s 的责任分工")
            % {"item": entry["item"], "unit": entry["unit"]}
        )
        return False
    targets = list(assignment.targets.order_by("position"))
    actuals = entry.get("actuals") or []
    values = {
        target.pk: TargetInput(actual=Decimal(str(actual)))
        for target, actual in zip(targets, actuals, strict=False)
        if actual is not None
    }
    # Most units report a few days before the due date; every ninth is two days late.
    days_before = -2 if index % 9 == 8 else index % 5 + 1
    submitted_at = datetime.combine(
        period.due_on - timedelta(days=days_before), time(16, 30), tzinfo=SHANGHAI
    )
    existing = responsibility.reports.filter(period=period).first()
    if existing is not None and existing.status != existing.Status.DRAFT:
        return False
    report_save(
        responsibility=responsibility,
        period=period,
        actor=reporter,
        report_input=ReportInput(
            values=values,
            narrative=entry.get("narrative", ""),
            problems_text=entry.get("problems", ""),
            next_steps=entry.get("next_steps", ""),
            assessment=entry.get("assessment", "in_progress" if not values else ""),
        ),
        expected_version=existing.version if existing else None,
        submit=True,
        now=submitted_at,
    )
    return True

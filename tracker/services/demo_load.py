"""The demo: a fictional city (云江市), its units, two documents, people and three quarters of
reports.

Everything here goes through the same services a real deployment uses (import, publish, submit),
so the demo exercises the product rather than bypassing it. Loading twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from tracker.models import (
    Assignment,
    Document,
    ReportingPeriod,
    Responsibility,
    Unit,
    User,
)
from tracker.periods import SHANGHAI
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish
from tracker.services.progress_submit import ReportInput, TargetInput, progress_report_save
from tracker.services.units import name_key, units_import_roster

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
    outcome.logins = demo_logins()
    return outcome


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
    def person(username: str, **fields: Any) -> None:
        user, created = User.objects.get_or_create(username=username, defaults=fields)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])

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
        warnings.append(f"演示进度：未找到任务 {entry['document']} {entry['item']}")
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
        warnings.append(f"演示进度：{entry['item']} 找不到单位 {entry['unit']} 的责任分工")
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
    progress_report_save(
        responsibility=responsibility,
        period=period,
        actor=reporter,
        report_input=ReportInput(
            values=values,
            narrative=entry.get("narrative", ""),
            problems_text=entry.get("problems", ""),
            next_steps=entry.get("next_steps", ""),
            assessment=entry.get("assessment", "in_progress" if not targets else ""),
        ),
        expected_version=existing.version if existing else None,
        submit=True,
        now=submitted_at,
    )
    return True

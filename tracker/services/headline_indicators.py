"""Headline indicators tracked (issue 13): a document's 主要预期目标 become assignments of their
own (`is_headline`), each led by the departments the indicator table names, so they are published,
reported and judged like any task; and the table itself, which supervisors keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tracker.access import can_supervise
from tracker.models import Assignment, Document, IndicatorDepartment, Target, User
from tracker.selectors.indicators import department_entry, indicator_key
from tracker.selectors.units import UnitDirectory, issuer_level
from tracker.services.audit import audit_record
from tracker.services.errors import Refused

# The prefix a bare department name takes in a document of each level (统计局 → 市统计局).
_LEVEL_PREFIXES = {"city": ("市",), "county": ("区", "县"), "town": ("镇", "街道")}


def department_names(
    names: Iterable[str], *, directory: UnitDirectory, issuer: str = ""
) -> list[str]:
    """The table's unit names as the roster knows them: a known name or alias, else with the
    issuer's prefix (市统计局); unknown names go to the review page's 单位名称 step as they are."""
    level = issuer_level(issuer) if issuer else None
    prefixes = _LEVEL_PREFIXES.get(level or "city", ("市",))
    out: list[str] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        shown = prefixes[0] + name if not name.startswith(("市", "区", "县", "镇")) else name
        for candidate in (name, *(p + name for p in prefixes)):
            found = directory.find(candidate)
            if found is not None and found.units and found.group is None:
                shown = found.units[0].name
                break
        if shown not in out:
            out.append(shown)
    return out


def headline_indicators_track(*, document: Document, actor: User | None) -> list[Assignment]:
    """Every document-level target of a draft becomes a tracked headline indicator: an
    assignment named after it, after the document's tasks, whose units the table suggests
    (the reviewer may change them before publishing). Returns the assignments created."""
    if document.status != Document.Status.DRAFT:
        raise Refused(_("只有草稿文件可以添加主要指标。"))
    with transaction.atomic():
        headline = list(
            Target.objects.select_for_update()
            .filter(document=document, assignment__isnull=True)
            .order_by("position")
        )
        if not headline:
            return []
        entries = list(IndicatorDepartment.objects.all())
        directory = UnitDirectory.load()
        position = (
            Assignment.all_objects.filter(document=document).aggregate(top=Max("position"))["top"]
            or 0
        )
        created = []
        for number, target in enumerate(headline, start=1):
            entry = department_entry(target.indicator or target.text, entries)
            units = (
                department_names(entry.unit_names, directory=directory, issuer=document.issuer)
                if entry
                else []
            )
            position += 1
            title = (target.indicator or target.text[:60] or _("主要指标")).strip()
            assignment = Assignment.objects.create(
                document=document,
                position=position,
                ref=_("主要指标%(n)s") % {"n": number},
                number=str(number),
                section=[_("主要预期目标")],
                title=title[:500],
                text=target.text,
                is_headline=True,
                lead_units_text=units[:1],
                responsible_units_text=units[1:],
                extracted_key=("headline:" + (target.extracted_key or title))[:200],
            )
            target.assignment = assignment
            target.position = 1
            # Edited: re-extraction keeps it on the assignment rather than bringing it back as a
            # document-level target (services.document_reextract).
            target.edited = True
            target.save(update_fields=["assignment", "position", "edited"])
            created.append(assignment)
        audit_record(
            actor=actor,
            action="document.headline_track",
            obj=document,
            after={
                "assignments": [
                    {"title": a.title, "lead": a.lead_units_text, "co": a.responsible_units_text}
                    for a in created
                ]
            },
        )
    return created


# --- the table ---------------------------------------------------------------------------------


def split_list(text: str) -> list[str]:
    """ "统计局、发改委" (or commas, semicolons, new lines) as a list, without blanks or repeats."""
    out: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


_SEPARATORS = re.compile(r"[、，,;；\n]+")


def indicator_department_save(
    *,
    actor: User,
    indicator: str,
    aliases: list[str],
    unit_names: list[str],
    entry: IndicatorDepartment | None = None,
) -> IndicatorDepartment:
    """Create or change one row of the indicator table (supervisors only), audited."""
    if not can_supervise(actor):
        raise Refused(_("只有督查人员可以维护指标责任单位。"))
    indicator = indicator.strip()
    if not indicator_key(indicator):
        raise Refused(_("请填写指标名称。"))
    if not unit_names:
        raise Refused(_("请至少填写一个责任单位。"))
    with transaction.atomic():
        clash = IndicatorDepartment.objects.filter(indicator=indicator)
        if entry is not None:
            clash = clash.exclude(pk=entry.pk)
        if clash.exists():
            raise Refused(_("指标“%(name)s”已在表中。") % {"name": indicator})
        before: dict[str, Any] | None = None
        if entry is None:
            top = IndicatorDepartment.objects.aggregate(top=Max("position"))["top"] or 0
            entry = IndicatorDepartment(position=top + 1)
        else:
            entry = IndicatorDepartment.objects.select_for_update().get(pk=entry.pk)
            before = _values(entry)
        entry.indicator = indicator
        entry.aliases = aliases
        entry.unit_names = unit_names
        entry.save()
        audit_record(
            actor=actor,
            action="indicator_department.save",
            obj=entry,
            before=before,
            after=_values(entry),
        )
    return entry


def indicator_department_delete(*, actor: User, entry: IndicatorDepartment) -> None:
    if not can_supervise(actor):
        raise Refused(_("只有督查人员可以维护指标责任单位。"))
    with transaction.atomic():
        audit_record(
            actor=actor, action="indicator_department.delete", obj=entry, before=_values(entry)
        )
        entry.delete()


def _values(entry: IndicatorDepartment) -> dict[str, Any]:
    return {"indicator": entry.indicator, "aliases": entry.aliases, "units": entry.unit_names}

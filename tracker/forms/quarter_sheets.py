"""Reading a filled quarter's sheet back (季度填报表): each task's rows become exactly the data
the report form receives, judged by the form (numbers as typed, lengths) and by the service's
own checks (report_check), so a row is refused for the same reason the page would refuse it;
each refusal names its row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.access import can_edit_report
from tracker.forms.reports import ReportForm, assessment_field, note_field, value_field
from tracker.models import Assessment, ReportingPeriod, Target, User
from tracker.quarter_sheets import (
    ASSESSMENT,
    FIGURE,
    NARRATIVE,
    NEXT_STEPS,
    NOTE,
    PROBLEMS,
    SheetRow,
)
from tracker.selectors.quarter_sheets import SheetItem, sheet_items
from tracker.selectors.reports import report_is_editable
from tracker.services.reports import ReportInput, ReportRefused, report_check

_TEXTS = {NARRATIVE: "narrative", PROBLEMS: "problems_text", NEXT_STEPS: "next_steps"}


def _assessment(text: str) -> str:
    """A self-assessment as stored ("in_progress"), written as shown in either language
    ("推进中", "In progress") or as stored."""
    for language in ("zh-hans", "en"):
        with translation.override(language):
            shown = {str(label): value for value, label in Assessment.choices}
        if text in shown:
            return shown[text]
    return text


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("填好的季度填报表（.xlsx 或 .csv）"),
        help_text=gettext_lazy(
            "也可以在 Excel 中另存为 CSV 后上传（UTF-8 或 Excel 默认的中文编码均可）。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    submit = forms.TypedChoiceField(
        label=gettext_lazy("上传后"),
        choices=[("0", gettext_lazy("保存为草稿")), ("1", gettext_lazy("提交报送"))],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )


@dataclass
class SheetReport:
    """One task's rows: what would be saved, or why not (row number → messages)."""

    item: SheetItem
    rows: list[SheetRow]
    report_input: ReportInput | None = None
    version: int | None = None
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Nothing filled in for this task: left as it is, neither saved nor refused.
    empty: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.empty


@dataclass
class SheetCheck:
    reports: list[SheetReport]
    # Rows that name no task of the person's unit in this period.
    stray: list[tuple[int, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[tuple[int, str]]:
        found = list(self.stray)
        for report in self.reports:
            found.extend(report.errors)
        return sorted(found)

    @property
    def valid(self) -> list[SheetReport]:
        return [r for r in self.reports if r.ok]


def _form_data(
    report: SheetReport, targets: dict[int, Target]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The report form's POST data from a task's rows, and which row each field came from."""
    data: dict[str, Any] = {}
    origin: dict[str, int] = {}
    for row in report.rows:
        if row.target_id is None:
            data["assessment"] = _assessment(row.get(ASSESSMENT))
            origin["assessment"] = row.number
            continue
        target = targets.get(row.target_id)
        if target is None:
            report.errors.append(
                (row.number, _("该指标已不属于此任务（任务可能已调整），请重新下载填报表。"))
            )
            continue
        if target.kind == Target.Kind.QUALITATIVE:
            name = assessment_field(target)
            data[name] = _assessment(row.get(ASSESSMENT))
        else:
            name = value_field(target)
            data[name] = row.get(FIGURE)
        origin[name] = origin[f"target-{target.pk}"] = row.number
        data[note_field(target)] = row.get(NOTE)
        origin[note_field(target)] = row.number
    for column, name in _TEXTS.items():
        given = [(row.number, row.get(column)) for row in report.rows if row.get(column)]
        if len({text for _number, text in given}) > 1:
            report.errors.append(
                (
                    given[1][0],
                    _("同一任务的多行填写了不同的“%(column)s”，请只填在一行。")
                    % {"column": _(column)},
                )
            )
        if given:
            data[name] = given[0][1]
            origin[name] = given[0][0]
    versions = {row.version for row in report.rows}
    report.version = report.rows[0].version if len(versions) == 1 else None
    if len(versions) > 1:
        report.errors.append((report.rows[0].number, _("同一任务的“版本”列不一致，请勿修改该列。")))
    data["version"] = "" if report.version is None else str(report.version)
    return data, origin


def _place(
    errors: Mapping[str, Any], origin: Mapping[str, int], first: int
) -> list[tuple[int, str]]:
    placed = []
    for name, messages in errors.items():
        for message in messages if isinstance(messages, list) else [messages]:
            placed.append((origin.get(name, first), str(message)))
    return placed


def _filled(rows: Iterable[SheetRow]) -> bool:
    return any(row.get(column) for row in rows for column in (FIGURE, ASSESSMENT, NOTE, *_TEXTS))


def sheet_check(
    *, user: User, period: ReportingPeriod, rows: list[SheetRow], submit: bool, now: datetime
) -> SheetCheck:
    """Judge every row of an uploaded sheet as the form would, without writing anything."""
    items = {item.responsibility.pk: item for item in sheet_items(user, period)}
    grouped: dict[int, SheetReport] = {}
    stray: list[tuple[int, str]] = []
    for row in rows:
        item = items.get(row.responsibility_id)
        if item is None or not can_edit_report(user, item.responsibility):
            stray.append(
                (row.number, _("该行不是本单位本期需要填报的任务，请使用本单位的填报表。"))
            )
            continue
        grouped.setdefault(row.responsibility_id, SheetReport(item=item, rows=[])).rows.append(row)
    checked = []
    for report in grouped.values():
        checked.append(report)
        item = report.item
        first = report.rows[0].number
        if not _filled(report.rows):
            report.empty = True
            continue
        targets = {t.pk: t for t in item.targets}
        data, origin = _form_data(report, targets)
        current = item.report
        if current is not None and not report_is_editable(current, period):
            report.errors.append(
                (
                    first,
                    _("该任务本期报告已%(status)s，不能再修改。")
                    % {"status": current.get_status_display()},
                )
            )
            continue
        if (current.version if current else None) != report.version:
            report.errors.append(
                (
                    first,
                    _(
                        "该任务的报告在下载填报表后已有修改（当前版本 %(current)s），"
                        "请重新下载后填写。"
                    )
                    % {"current": current.version if current else "—"},
                )
            )
            continue
        form = ReportForm(data, targets=item.targets)
        if not form.is_valid():
            report.errors.extend(_place(form.errors, origin, first))
            continue
        report_input = form.report_input()
        try:
            report_check(
                responsibility=item.responsibility,
                period=period,
                actor=user,
                report_input=report_input,
                submit=submit,
                now=now,
            )
        except ReportRefused as exc:
            report.errors.extend(_place(exc.errors, origin, first) or [(first, exc.message)])
            continue
        report.report_input = report_input
    return SheetCheck(reports=checked, stray=stray)

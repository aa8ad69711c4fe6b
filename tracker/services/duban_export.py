"""The 督办单 as a Word file in the usual official layout: A4, the red 督办通知单 head, the
reference number (督办〔2026〕12号) and urgency, a table of the unit, the matter, the
requirement and the time limit, then each round of 反馈 with its evidence and the returns."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from tracker.l10n import date_text, datetime_text
from tracker.models import SupervisionAction

RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run: object, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


def duban_docx(action: SupervisionAction) -> bytes:
    doc = DocxDocument()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The head's letter spacing is part of the official layout; English has no such habit.
    run = head.add_run(_("督 办 通 知 单"))
    _font(run, "方正小标宋简体", 26, bold=True)
    run.font.color.rgb = RED

    line = doc.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(line.add_run(action.reference), "仿宋_GB2312", 16)
    urgency = doc.add_paragraph()
    urgency.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(
        urgency.add_run(_("紧急程度：%(urgency)s") % {"urgency": action.get_urgency_display()}),
        "黑体",
        14,
        bold=True,
    )

    rows = [
        (_("督办单位"), action.unit.name),
        (
            _("督办事项"),
            _("%(subject)s：《%(document)s》%(period)s")
            % {
                "subject": action.get_subject_display(),
                "document": action.period.document.title,
                "period": str(action.period),
            },
        ),
        (_("督办要求"), action.requirement),
        (
            _("办理时限"),
            _("%(date)s前") % {"date": date_text(action.deadline)} if action.deadline else "",
        ),
        (_("下发时间"), datetime_text(action.created_at)),
        (_("办理状态"), str(action.get_status_display())),
    ]
    if action.responsibility is not None:
        assignment = action.responsibility.assignment
        rows.insert(2, (_("相关任务"), f"{assignment.ref} {assignment.title}"))
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(3.2), Cm(12.4)
        _font(cells[0].paragraphs[0].add_run(label), "黑体", 14)
        _font(cells[1].paragraphs[0].add_run(value), "仿宋_GB2312", 14)

    title = doc.add_paragraph()
    _font(title.add_run(_("办理反馈")), "黑体", 16, bold=True)
    feedback = list(action.feedback.order_by("round").prefetch_related("evidence"))
    if not feedback:
        _font(doc.add_paragraph().add_run(_("（尚未反馈）")), "仿宋_GB2312", 14)
    for item in feedback:
        p = doc.add_paragraph()
        _font(
            p.add_run(
                _("第%(round)s次反馈（%(time)s）：")
                % {"round": item.round, "time": datetime_text(item.created_at)}
            ),
            "楷体_GB2312",
            14,
            bold=True,
        )
        _font(doc.add_paragraph().add_run(item.text), "仿宋_GB2312", 14)
        for evidence in item.evidence.all():
            attached = _("附件：%(name)s") % {"name": evidence.original_name}
            _font(doc.add_paragraph().add_run(attached), "仿宋_GB2312", 12)
        if item.return_reason:
            returned = _("退回意见：%(reason)s") % {"reason": item.return_reason}
            _font(doc.add_paragraph().add_run(returned), "仿宋_GB2312", 14)
    if action.closed_at:
        closing = doc.add_paragraph()
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        closed = _("已于%(date)s办结") % {"date": date_text(action.closed_at.date())}
        _font(closing.add_run(closed), "仿宋_GB2312", 14)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

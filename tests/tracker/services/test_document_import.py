"""Importing: a file becomes a draft document once; a bad file changes nothing and says why."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from tests.samples import DEMO_DOCUMENTS
from tracker.models import Assignment, AuditEvent, Document, Target
from tracker.services.document_import import DocumentRejected, document_import, source_digest

pytestmark = pytest.mark.django_db

PLAN = DEMO_DOCUMENTS / "yunjiang-2026-county-development-plan.txt"
DIVISION = DEMO_DOCUMENTS / "yunjiang-2026-key-tasks-division.txt"


def counts() -> tuple[int, int, int, int]:
    return (
        Document.objects.count(),
        Assignment.objects.count(),
        Target.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_document_is_stored_as_a_draft_with_assignments_targets_and_spans():
    outcome = document_import(data=PLAN.read_bytes(), source_name=PLAN.name, actor=None)
    document = outcome.document
    assert outcome.created
    assert document.status == Document.Status.DRAFT
    assert document.title == "云江市2026年推动县域经济高质量发展实施方案"
    assert document.year == 2026
    schedule = document.schedules.get(is_default=True)
    assert (schedule.frequency, schedule.after_period, schedule.month, schedule.day) == (
        "quarterly",
        False,
        3,
        25,
    )
    assignments = list(document.assignments.order_by("position"))
    assert len(assignments) == 18
    first = assignments[0]
    assert first.ref == "二.(一).1"
    assert first.section == ["主要任务", "综合指标"]
    assert first.lead_units_text == ["市发展改革委"]
    assert "各县(区)党委和政府" in first.responsible_units_text
    # The span points at the assignment in the stored text, for side-by-side review.
    assert first.title in document.source_text[first.span_start : first.span_end]
    assert first.targets.exists()
    assert all(t.value is not None for t in first.targets.all())
    event = AuditEvent.objects.get(action="document.import")
    assert event.after["assignments"] == 18


def test_targets_keep_value_unit_and_comparator():
    document = document_import(
        data=DIVISION.read_bytes(), source_name=DIVISION.name, actor=None
    ).document
    gdp = document.assignments.get(ref="二.(一).1").targets.get()
    assert (gdp.value, gdp.measure_unit, gdp.comparator) == (6, "%", "~")


def test_importing_the_same_file_twice_keeps_one_copy():
    first = document_import(data=PLAN.read_bytes(), source_name=PLAN.name, actor=None)
    before = counts()
    again = document_import(data=PLAN.read_bytes(), source_name="renamed.txt", actor=None)
    assert not again.created
    assert again.document == first.document
    assert counts() == before


def test_line_endings_and_encoding_do_not_make_a_new_document():
    document_import(data=PLAN.read_bytes(), source_name=PLAN.name, actor=None)
    before = counts()
    text = PLAN.read_text(encoding="utf-8")
    windows = text.replace("\n", "\r\n").encode("gb18030")
    assert not document_import(data=windows, source_name="gbk.txt", actor=None).created
    assert counts() == before
    assert source_digest(text) == source_digest(text.replace("\n", "\r\n") + "\n\n")


def _broken_docx() -> bytes:
    """A zip that calls itself a Word file but lacks the parts Word writes."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"", "empty", "空"),
        (b"   \n\t\n", "empty", "空"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary", "不是文本"),
        (_broken_docx(), "corrupt", "损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "unsupported", ".docx"),
        (
            "这是一段普通文字，没有任何编号任务。".encode(),
            "no_assignments",
            "未能从文件中识别出任何编号任务",
        ),
    ],
    ids=["empty", "blank", "png", "broken-docx", "legacy-doc", "no-tasks"],
)
def test_a_bad_file_is_refused_with_a_reason_and_changes_nothing(data, code, words):
    before = counts()
    with pytest.raises(DocumentRejected) as caught:
        document_import(data=data, source_name="bad.txt", actor=None)
    assert caught.value.code == code
    assert words in caught.value.message
    assert counts() == before


def test_a_word_file_imports(db):
    import docx

    paper = docx.Document()
    paper.add_paragraph("云江市2026年重点工作任务分工方案")
    paper.add_paragraph("一、稳增长")
    paper.add_paragraph("1.固定资产投资增长6.5%。(牵头单位:市发展改革委;责任单位:市财政局)")
    buffer = BytesIO()
    paper.save(buffer)
    outcome = document_import(data=buffer.getvalue(), source_name="方案.docx", actor=None)
    assignment = outcome.document.assignments.get()
    assert assignment.lead_units_text == ["市发展改革委"]
    assert assignment.targets.get().value == 6.5


def test_traditional_text_with_ruby_is_stored_prepared_and_spans_point_into_it(db):
    text = (
        "雲江市2026年重點工作任務分工方案\n一、穩增長\n"
        "1.實(shí)現(xiàn)固定資產投資增長6.5%。(牽頭單位:市發展改革委)\n"
    )
    document = document_import(data=text.encode(), source_name="t.txt", actor=None).document
    assert document.extraction["script"] == "traditional"
    assert "实现固定资产投资增长6.5%" in document.source_text
    assignment = document.assignments.get()
    span = document.source_text[assignment.span_start : assignment.span_end]
    assert span.startswith("1.实现固定资产投资") and assignment.lead_units_text == ["市发展改革委"]

"""What the draft review pages read: each unit name of a draft with what it resolves to (and
suggestions for the unknown ones), what publishing would create, and the source text cut at
every assignment's span."""

from __future__ import annotations

import pytest

from tracker.models import Unit
from tracker.selectors.documents import (
    document_publish_preview,
    document_unit_mentions,
    source_segments,
)
from tracker.services.document_publish import (
    document_publish,
)

pytestmark = pytest.mark.django_db


def test_unknown_names_get_suggestions(draft, district, units):
    Unit.objects.create(name="云江市工业和信息化局")
    mentions = {m.mention: m for m in document_unit_mentions(draft)}
    assert mentions["市发展改革委"].known
    assert mentions["市发展改革委"].units == [units["fgw"]]
    unknown = mentions["区发改局"]
    assert not unknown.known
    assert unknown.suggestions[0].unit == district
    assert mentions["市工信局"].suggestions[0].unit.name == "云江市工业和信息化局"
    assert len(unknown.suggestions) <= 5
    # Unknown names come first: they are the ones that need the reviewer.
    statuses = list(mentions.values())
    assert [m.known for m in statuses] == sorted(m.known for m in statuses)


def test_publish_preview_counts_what_publishing_creates(draft, supervisor):
    preview = document_publish_preview(draft)
    assert preview.assignments == 3
    # 1: 发改委 + 财政局 + 区发改局; 2: 人社局; 3: 工信局 + 统计局.
    assert preview.responsibilities == 6
    assert sorted(preview.new_units) == sorted(["区发改局", "市人社局", "市工信局", "市统计局"])
    assert preview.unconfirmed == preview.new_units
    outcome = document_publish(document=draft, actor=supervisor)
    assert outcome.responsibilities_created == preview.responsibilities
    assert len(outcome.units_created) == len(preview.new_units)


# --- the source column --------------------------------------------------------------------------


def test_source_segments_mark_each_span_once_and_cover_the_text():
    text = "0123456789"
    segments = source_segments(text, [(1, 2, 5), (2, 6, 8), (3, None, None)])
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.assignment_id, s.first) for s in segments] == [
        ("01", None, False),
        ("234", 1, True),
        ("5", None, False),
        ("67", 2, True),
        ("89", None, False),
    ]


def test_nested_spans_give_the_inner_assignment_its_own_mark():
    segments = source_segments("abcdefghij", [(1, 0, 10), (2, 3, 6)])
    assert [(s.text, s.assignment_id, s.first) for s in segments] == [
        ("abc", 1, True),
        ("def", 2, True),
        ("ghij", 1, False),
    ]


def test_spans_beyond_the_text_are_clipped():
    segments = source_segments("abc", [(1, 1, 99), (2, 50, 60)])
    assert [(s.text, s.assignment_id) for s in segments] == [("a", None), ("bc", 1)]

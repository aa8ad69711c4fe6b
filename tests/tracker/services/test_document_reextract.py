"""Re-extraction: a newer extractor's draft merged with the reviewer's, every correction and
deletion kept, what nobody touched replaced."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

import extraction
from tests.samples import SMALL, first
from tracker.models import Assignment, AuditEvent, Target
from tracker.services.document_drafts import (
    StaleDraft,
    TargetEdit,
    draft_assignment_create,
    draft_assignment_delete,
    draft_assignment_update,
    draft_metadata_update,
)
from tracker.services.document_import import document_import
from tracker.services.document_reextract import document_reextract

pytestmark = pytest.mark.django_db


def newer_extractor(monkeypatch, *, extra: bool = True, retitle: bool = True) -> None:
    """A newer extractor: finds a fourth assignment, reads the third's title differently, and
    gives the first a second target."""
    real = extraction.extract

    def extract(text):
        result = copy.deepcopy(real(text))
        items = result["assignments"]
        if retitle:
            items[2]["title"] = "规模以上工业增加值增速"
        items[0]["targets"].append(
            {
                "indicator": "地区生产总值总量",
                "value": 1380,
                "value_high": None,
                "unit": "亿元",
                "comparator": "=",
                "kind": "level",
                "direction": "increase",
                "text": "地区生产总值达到1380亿元",
            }
        )
        if extra:
            items.append(
                {
                    "ref": "一.4",
                    "number": "4",
                    "section": ["主要任务"],
                    "title": "社会消费品零售总额增长6%",
                    "text": "社会消费品零售总额增长6%。",
                    "lead_units": ["市商务局"],
                    "responsible_units": [],
                    "targets": [],
                    "deadline": None,
                    "category": None,
                    "span": [0, 10],
                }
            )
        return result

    monkeypatch.setattr("tracker.services.document_reextract.extraction.extract", extract)


def test_reextraction_keeps_every_edit_and_adds_what_is_new(draft, supervisor, monkeypatch):
    one, two, _three = draft.assignments.order_by("position")
    value_target = one.targets.get()
    # The reviewer: retitles 1 and changes its target's value; deletes 2's target and adds one;
    # adds an assignment after 2.
    draft_assignment_update(
        assignment=one,
        actor=supervisor,
        version=1,
        changes={"title": "GDP 增速（人工）"},
        targets=[TargetEdit(value_target.pk, {"value": Decimal("6.5")})],
    )
    removed = two.targets.get()
    draft_assignment_update(
        assignment=two,
        actor=supervisor,
        version=1,
        changes={},
        targets=[
            TargetEdit(removed.pk, None),
            TargetEdit(
                None,
                {
                    "indicator": "城镇新增就业（人工）",
                    "value": Decimal(3),
                    "measure_unit": "万人",
                    "kind": "count",
                },
            ),
        ],
    )
    added = draft_assignment_create(
        document=draft, actor=supervisor, values={"title": "人工补充的任务"}, after=two
    )
    newer_extractor(monkeypatch)

    outcome = document_reextract(document=draft, actor=supervisor)

    one.refresh_from_db()
    assert one.title == "GDP 增速（人工）"
    kept_target = one.targets.get(pk=value_target.pk)
    assert kept_target.value == Decimal("6.5")
    # The target the newer extractor found besides it is added.
    assert one.targets.filter(indicator="地区生产总值总量", value=1380).exists()
    assert one.targets.count() == 2
    # The deleted target stays deleted, the added one stays.
    assert list(two.targets.values_list("indicator", flat=True)) == ["城镇新增就业（人工）"]
    assert Assignment.objects.filter(pk=added.pk).exists()
    # Nobody edited 3: it takes the new title. 4 is new.
    titles = list(draft.assignments.order_by("position").values_list("title", flat=True))
    assert titles == [
        "GDP 增速（人工）",
        "城镇新增就业2.8万人以上",
        "人工补充的任务",
        "规模以上工业增加值增速",
        "社会消费品零售总额增长6%",
    ]
    assert (outcome.added, outcome.removed) == (1, 0)
    assert outcome.updated == 2  # 1 (a new target) and 3 (its title)
    # Kept: 1's title and its edited target, 2's added target and its deletion, the added
    # assignment, and the document title the extractor read again unchanged does not count.
    assert outcome.kept == 5
    event = AuditEvent.objects.get(action="document.reextract")
    assert event.after["added"] == 1 and event.after["kept"] == 5


def test_reextracting_with_the_same_extractor_changes_nothing(draft, supervisor):
    before = list(draft.assignments.order_by("position").values_list("pk", "title", "position"))
    targets = set(Target.objects.filter(document=draft).values_list("pk", flat=True))
    outcome = document_reextract(document=draft, actor=supervisor)
    assert (outcome.added, outcome.updated, outcome.removed) == (0, 0, 0)
    after = list(draft.assignments.order_by("position").values_list("pk", "title", "position"))
    assert after == before
    assert set(Target.objects.filter(document=draft).values_list("pk", flat=True)) == targets


def test_reextraction_does_not_bring_back_a_deleted_assignment(draft, supervisor):
    draft_assignment_delete(assignment=first(draft), actor=supervisor, version=1)
    outcome = document_reextract(document=draft, actor=supervisor)
    assert not draft.assignments.filter(ref="一.1").exists()
    assert outcome.added == 0 and outcome.kept == 1


def test_reextraction_matches_an_edited_ref_by_what_was_extracted(draft, supervisor, monkeypatch):
    assignment = first(draft)
    draft_assignment_update(
        assignment=assignment, actor=supervisor, version=1, changes={"ref": "一.(一)"}
    )
    newer_extractor(monkeypatch, extra=False, retitle=False)
    outcome = document_reextract(document=draft, actor=supervisor)
    assert outcome.added == 0
    assignment.refresh_from_db()
    assert assignment.ref == "一.(一)" and assignment.targets.count() == 2


def test_reextraction_removes_what_nobody_touched_and_the_new_extractor_lost(
    draft, supervisor, monkeypatch
):
    real = extraction.extract

    def fewer(text):
        result = copy.deepcopy(real(text))
        result["assignments"] = result["assignments"][:2]
        return result

    monkeypatch.setattr("tracker.services.document_reextract.extraction.extract", fewer)
    outcome = document_reextract(document=draft, actor=supervisor)
    assert outcome.removed == 1
    assert draft.assignments.count() == 2


def test_reextraction_keeps_an_edited_document_title(draft, supervisor):
    draft_metadata_update(document=draft, actor=supervisor, changes={"title": "人工标题"})
    document_reextract(document=draft, actor=supervisor)
    draft.refresh_from_db()
    assert draft.title == "人工标题"


def test_a_form_opened_before_re_extraction_is_stale_after_it(units, supervisor, monkeypatch):
    document = document_import(data=SMALL.encode(), source_name="s.txt", actor=supervisor).document
    first = document.assignments.order_by("position").first()
    version = first.version
    newer_extractor(monkeypatch)
    document_reextract(document=document, actor=supervisor)
    first.refresh_from_db()
    assert first.version > version
    with pytest.raises(StaleDraft):
        draft_assignment_update(
            assignment=first, actor=supervisor, version=version, changes={"title": "人工标题"}
        )

"""Correcting a draft: edits are audited and marked as the reviewer's, stale saves are refused, and
a published document is no longer a draft."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.samples import first
from tracker.models import Assignment, AuditEvent, Target
from tracker.selectors.documents import (
    metadata_token,
)
from tracker.services.document_drafts import (
    DraftRefused,
    StaleDraft,
    TargetEdit,
    draft_assignment_create,
    draft_assignment_delete,
    draft_assignment_update,
    draft_metadata_update,
)
from tracker.services.document_publish import (
    document_publish,
)

pytestmark = pytest.mark.django_db


def test_the_small_document_imports_as_expected(draft):
    assert draft.year == 2026
    assert [a.ref for a in draft.assignments.order_by("position")] == ["一.1", "一.2", "一.3"]
    assert first(draft).extracted_key == "一.1"
    assert first(draft).targets.get().extracted_key.endswith("|地区生产总值")


def test_an_edit_is_saved_audited_and_marked_as_the_reviewers(draft, supervisor):
    assignment = first(draft)
    target = assignment.targets.get()
    draft_assignment_update(
        assignment=assignment,
        actor=supervisor,
        version=1,
        changes={"title": "地区生产总值增速", "lead_units_text": ["市发展改革委", "市统计局"]},
        targets=[TargetEdit(target.pk, {"value": Decimal("6.5")})],
    )
    assignment.refresh_from_db()
    target.refresh_from_db()
    assert assignment.title == "地区生产总值增速"
    assert assignment.version == 2
    assert set(assignment.edited_fields) == {"title", "lead_units_text"}
    assert target.value == Decimal("6.5") and target.edited
    event = AuditEvent.objects.get(action="assignment.review_update")
    assert event.actor == supervisor
    assert event.before["title"] == "地区生产总值增长6%左右"
    assert event.after["title"] == "地区生产总值增速"
    assert event.before["targets"][0]["value"] == "6.000000"
    assert event.after["targets"][0]["value"] == "6.5"
    assert (event.before["version"], event.after["version"]) == (1, 2)


def test_saving_without_a_change_writes_nothing(draft, supervisor):
    assignment = first(draft)
    draft_assignment_update(
        assignment=assignment, actor=supervisor, version=1, changes={"title": assignment.title}
    )
    assignment.refresh_from_db()
    assert assignment.version == 1 and assignment.edited_fields == []
    assert not AuditEvent.objects.filter(action="assignment.review_update").exists()


def test_a_stale_save_is_refused_and_changes_nothing(draft, supervisor):
    assignment = first(draft)
    draft_assignment_update(
        assignment=assignment, actor=supervisor, version=1, changes={"title": "甲的修改"}
    )
    with pytest.raises(StaleDraft) as refused:
        draft_assignment_update(
            assignment=assignment, actor=supervisor, version=1, changes={"title": "乙的修改"}
        )
    assert "已被他人修改" in refused.value.message
    assert refused.value.current is not None and refused.value.current.title == "甲的修改"
    assignment.refresh_from_db()
    assert assignment.title == "甲的修改" and assignment.version == 2


def test_targets_are_added_and_deleted_with_the_deletion_remembered(draft, supervisor):
    assignment = first(draft)
    extracted = assignment.targets.get()
    draft_assignment_update(
        assignment=assignment,
        actor=supervisor,
        version=1,
        targets=[
            TargetEdit(extracted.pk, None),
            TargetEdit(
                None,
                {
                    "indicator": "地区生产总值",
                    "value": Decimal("1380"),
                    "measure_unit": "亿元",
                    "kind": Target.Kind.LEVEL,
                },
            ),
        ],
        changes={},
    )
    assignment.refresh_from_db()
    added = assignment.targets.get()
    assert added.value == 1380 and added.edited and added.extracted_key == ""
    assert assignment.dismissed_targets == [extracted.extracted_key]
    event = AuditEvent.objects.get(action="assignment.review_update")
    assert event.before["targets"][0]["indicator"] == "地区生产总值"
    assert event.after["targets"][0] is None
    assert event.after["targets"][1]["value"] == "1380"


@pytest.mark.parametrize(
    "values, message",
    [
        ({"kind": Target.Kind.LEVEL, "value": None}, "量化指标须填写目标值"),
        ({"kind": Target.Kind.QUALITATIVE, "value": Decimal(1)}, "定性指标不填目标值"),
        ({"value": Decimal(7), "value_high": Decimal(6)}, "目标上限不能小于目标值"),
    ],
)
def test_a_target_breaking_the_rules_is_refused(draft, supervisor, values, message):
    assignment = first(draft)
    target = assignment.targets.get()
    with pytest.raises(DraftRefused, match=message):
        draft_assignment_update(
            assignment=assignment,
            actor=supervisor,
            version=1,
            changes={"title": "不会保存"},
            targets=[TargetEdit(target.pk, values)],
        )
    assignment.refresh_from_db()
    assert assignment.title != "不会保存" and assignment.version == 1


def test_an_assignment_is_inserted_where_asked_and_audited(draft, supervisor):
    after = first(draft)
    created = draft_assignment_create(
        document=draft,
        actor=supervisor,
        values={"title": "补充任务", "lead_units_text": ["市财政局"]},
        after=after,
        targets=[TargetEdit(None, {"indicator": "补充", "kind": "qualitative"})],
    )
    titles = list(draft.assignments.order_by("position").values_list("title", flat=True))
    assert titles[1] == "补充任务" and len(titles) == 4
    assert created.added_by_reviewer and created.extracted_key == ""
    assert created.targets.get().edited
    event = AuditEvent.objects.get(action="assignment.review_create")
    assert event.after["title"] == "补充任务"


def test_deleting_an_extracted_assignment_remembers_it(draft, supervisor):
    assignment = first(draft)
    draft_assignment_delete(assignment=assignment, actor=supervisor, version=1)
    draft.refresh_from_db()
    assert draft.dismissed_assignments == ["一.1"]
    event = AuditEvent.objects.get(action="assignment.review_delete")
    assert event.before["title"] == "地区生产总值增长6%左右"
    assert event.before["targets"][0]["indicator"] == "地区生产总值"


def test_deleting_with_a_stale_version_is_refused(draft, supervisor):
    assignment = first(draft)
    with pytest.raises(StaleDraft):
        draft_assignment_delete(assignment=assignment, actor=supervisor, version=7)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_metadata_edits_are_audited_and_stale_ones_refused(draft, supervisor):
    seen = metadata_token(draft)
    changed = draft_metadata_update(
        document=draft, actor=supervisor, changes={"year": 2027, "issuer": "云江市"}, seen=seen
    )
    assert set(changed) == {"year", "issuer"}
    draft.refresh_from_db()
    assert draft.year == 2027 and set(draft.edited_fields) == {"year", "issuer"}
    event = AuditEvent.objects.get(action="document.review_update")
    assert event.before["year"] == 2026
    assert event.after == {"year": 2027, "issuer": "云江市"}
    with pytest.raises(StaleDraft):
        draft_metadata_update(document=draft, actor=supervisor, changes={"year": 2028}, seen=seen)


def test_a_published_document_cannot_be_edited(draft, supervisor):
    document_publish(document=draft, actor=supervisor)
    with pytest.raises(DraftRefused, match="已发布"):
        draft_assignment_update(
            assignment=first(draft), actor=supervisor, version=1, changes={"title": "迟到的修改"}
        )

"""Reviewing a draft: edits are audited and marked as the reviewer's, stale saves are refused,
unit names are mapped or confirmed, and re-extraction keeps every correction."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

import extraction
from tracker.models import Assignment, AuditEvent, Document, Target, Unit, UnitAlias, UnitGroup
from tracker.selectors.documents import (
    document_publish_preview,
    document_unit_mentions,
    metadata_token,
)
from tracker.selectors.units import UnitDirectory
from tracker.services.document_archive import ArchiveRefused, document_archive
from tracker.services.document_drafts import (
    DraftRefused,
    StaleDraft,
    TargetEdit,
    assignment_create,
    assignment_delete,
    assignment_update,
    document_metadata_update,
)
from tracker.services.document_import import document_import
from tracker.services.document_publish import (
    PublishRefused,
    document_publish,
    document_publish_request,
)
from tracker.services.document_reextract import document_reextract
from tracker.services.unit_mentions import unit_mention_accept, unit_mention_map

pytestmark = pytest.mark.django_db

SMALL = """云江市2026年测试工作任务分工方案

一、主要任务

1.地区生产总值增长6%左右。(牵头单位:市发展改革委;责任单位:市财政局、区发改局)

2.城镇新增就业2.8万人以上。(牵头单位:市人社局)

3.规模以上工业增加值增长8%。(责任单位:市工信局、市统计局)

各牵头单位于每季度末月25日前将完成情况报送市发展改革委。
"""


@pytest.fixture
def draft(units, supervisor) -> Document:
    return document_import(data=SMALL.encode(), source_name="small.txt", actor=supervisor).document


def first(document: Document) -> Assignment:
    return document.assignments.order_by("position").first()  # type: ignore[return-value]


def test_the_small_document_imports_as_expected(draft):
    assert draft.year == 2026
    assert [a.ref for a in draft.assignments.order_by("position")] == ["一.1", "一.2", "一.3"]
    assert first(draft).extracted_key == "一.1"
    assert first(draft).targets.get().extracted_key.endswith("|地区生产总值")


# --- editing ------------------------------------------------------------------------------------


def test_an_edit_is_saved_audited_and_marked_as_the_reviewers(draft, supervisor):
    assignment = first(draft)
    target = assignment.targets.get()
    assignment_update(
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
    assignment_update(
        assignment=assignment, actor=supervisor, version=1, changes={"title": assignment.title}
    )
    assignment.refresh_from_db()
    assert assignment.version == 1 and assignment.edited_fields == []
    assert not AuditEvent.objects.filter(action="assignment.review_update").exists()


def test_a_stale_save_is_refused_and_changes_nothing(draft, supervisor):
    assignment = first(draft)
    assignment_update(
        assignment=assignment, actor=supervisor, version=1, changes={"title": "甲的修改"}
    )
    with pytest.raises(StaleDraft) as refused:
        assignment_update(
            assignment=assignment, actor=supervisor, version=1, changes={"title": "乙的修改"}
        )
    assert "已被他人修改" in refused.value.message
    assert refused.value.current is not None and refused.value.current.title == "甲的修改"
    assignment.refresh_from_db()
    assert assignment.title == "甲的修改" and assignment.version == 2


def test_targets_are_added_and_deleted_with_the_deletion_remembered(draft, supervisor):
    assignment = first(draft)
    extracted = assignment.targets.get()
    assignment_update(
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
        assignment_update(
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
    created = assignment_create(
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
    assignment_delete(assignment=assignment, actor=supervisor, version=1)
    draft.refresh_from_db()
    assert draft.dismissed_assignments == ["一.1"]
    event = AuditEvent.objects.get(action="assignment.review_delete")
    assert event.before["title"] == "地区生产总值增长6%左右"
    assert event.before["targets"][0]["indicator"] == "地区生产总值"


def test_deleting_with_a_stale_version_is_refused(draft, supervisor):
    assignment = first(draft)
    with pytest.raises(StaleDraft):
        assignment_delete(assignment=assignment, actor=supervisor, version=7)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_metadata_edits_are_audited_and_stale_ones_refused(draft, supervisor):
    seen = metadata_token(draft)
    changed = document_metadata_update(
        document=draft, actor=supervisor, changes={"year": 2027, "issuer": "云江市"}, seen=seen
    )
    assert set(changed) == {"year", "issuer"}
    draft.refresh_from_db()
    assert draft.year == 2027 and set(draft.edited_fields) == {"year", "issuer"}
    event = AuditEvent.objects.get(action="document.review_update")
    assert event.before["year"] == 2026
    assert event.after == {"year": 2027, "issuer": "云江市"}
    with pytest.raises(StaleDraft):
        document_metadata_update(
            document=draft, actor=supervisor, changes={"year": 2028}, seen=seen
        )


def test_a_published_document_cannot_be_edited(draft, supervisor):
    document_publish(document=draft, actor=supervisor)
    with pytest.raises(DraftRefused, match="已发布"):
        assignment_update(
            assignment=first(draft), actor=supervisor, version=1, changes={"title": "迟到的修改"}
        )


# --- unit names ---------------------------------------------------------------------------------


@pytest.fixture
def district(db) -> Unit:
    return Unit.objects.create(name="云江区发展和改革局", level=Unit.Level.COUNTY)


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


def test_suggestions_leave_out_unrelated_names(units):
    directory = UnitDirectory.load()
    assert directory.suggest("市教育局") == []


def test_mapping_an_unknown_name_creates_an_audited_alias(draft, district, supervisor):
    alias = unit_mention_map(document=draft, mention="区发改局", actor=supervisor, unit=district)
    assert alias.unit == district
    event = AuditEvent.objects.get(action="unitalias.create")
    assert event.after["unit_name"] == "云江区发展和改革局"
    mentions = {m.mention: m for m in document_unit_mentions(draft)}
    assert mentions["区发改局"].units == [district]


def test_mapping_a_name_that_already_means_a_unit_is_refused(draft, district, supervisor):
    with pytest.raises(DraftRefused, match="已对应到"):
        unit_mention_map(document=draft, mention="市发展改革委", actor=supervisor, unit=district)
    assert (
        UnitAlias.objects.filter(alias="市发展改革委").get().unit.name == "云江市发展和改革委员会"
    )


def test_mapping_a_name_the_document_does_not_use_is_refused(draft, district, supervisor):
    with pytest.raises(DraftRefused, match="没有"):
        unit_mention_map(document=draft, mention="某某局", actor=supervisor, unit=district)
    assert not UnitAlias.objects.filter(alias="某某局").exists()


def test_mapping_to_a_group_without_members_is_refused(draft, supervisor):
    empty = UnitGroup.objects.create(name="各镇")
    with pytest.raises(DraftRefused, match="还没有成员单位"):
        unit_mention_map(document=draft, mention="区发改局", actor=supervisor, group=empty)


def test_confirming_a_new_unit_is_recorded_and_can_be_withdrawn(draft, supervisor):
    unit_mention_accept(document=draft, mention="市人社局", actor=supervisor)
    draft.refresh_from_db()
    assert draft.new_unit_names == ["市人社局"]
    mentions = {m.mention: m for m in document_unit_mentions(draft)}
    assert mentions["市人社局"].accepted
    unit_mention_accept(document=draft, mention="市人社局", actor=supervisor, accept=False)
    draft.refresh_from_db()
    assert draft.new_unit_names == []
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="document.unit_")] == [
        "document.unit_unaccept",
        "document.unit_accept",
    ]


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


# --- re-extraction ------------------------------------------------------------------------------


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
    assignment_update(
        assignment=one,
        actor=supervisor,
        version=1,
        changes={"title": "GDP 增速（人工）"},
        targets=[TargetEdit(value_target.pk, {"value": Decimal("6.5")})],
    )
    removed = two.targets.get()
    assignment_update(
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
    added = assignment_create(
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
    assignment_delete(assignment=first(draft), actor=supervisor, version=1)
    outcome = document_reextract(document=draft, actor=supervisor)
    assert not draft.assignments.filter(ref="一.1").exists()
    assert outcome.added == 0 and outcome.kept == 1


def test_reextraction_matches_an_edited_ref_by_what_was_extracted(draft, supervisor, monkeypatch):
    assignment = first(draft)
    assignment_update(
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
    document_metadata_update(document=draft, actor=supervisor, changes={"title": "人工标题"})
    document_reextract(document=draft, actor=supervisor)
    draft.refresh_from_db()
    assert draft.title == "人工标题"


# --- archive and background publish -------------------------------------------------------------


def test_archiving_needs_a_published_document_and_a_reason(draft, supervisor):
    with pytest.raises(ArchiveRefused, match="只有已发布"):
        document_archive(document=draft, actor=supervisor, reason="过期")
    document_publish(document=draft, actor=supervisor)
    with pytest.raises(ArchiveRefused, match="归档原因"):
        document_archive(document=draft, actor=supervisor, reason="  ")
    document_archive(document=draft, actor=supervisor, reason="已被新方案替代")
    draft.refresh_from_db()
    assert draft.status == Document.Status.ARCHIVED
    event = AuditEvent.objects.get(action="document.archive")
    assert event.after == {"status": "archived", "reason": "已被新方案替代"}


def test_a_background_publish_request_freezes_the_draft(draft, supervisor):
    document_publish_request(document=draft, actor=supervisor)
    assert draft.publish_requested_at is not None
    with pytest.raises(DraftRefused, match="正在后台发布"):
        assignment_update(
            assignment=first(draft), actor=supervisor, version=1, changes={"title": "x"}
        )
    with pytest.raises(PublishRefused, match="已提交发布"):
        document_publish_request(document=draft, actor=supervisor)
    assert AuditEvent.objects.filter(action="document.publish_request").count() == 1


def test_a_form_opened_before_re_extraction_is_stale_after_it(units, supervisor, monkeypatch):
    document = document_import(data=SMALL.encode(), source_name="s.txt", actor=supervisor).document
    first = document.assignments.order_by("position").first()
    version = first.version
    newer_extractor(monkeypatch)
    document_reextract(document=document, actor=supervisor)
    first.refresh_from_db()
    assert first.version > version
    with pytest.raises(StaleDraft):
        assignment_update(
            assignment=first, actor=supervisor, version=version, changes={"title": "人工标题"}
        )

"""Merging two units that are one body: everything moves to the survivor and nothing is lost —
the counts of responsibilities, reports and audit events are the same before and after (the
merge adds its own two events), the merged name resolves to the survivor, and where both units
held the same task the report that counts ends on the survivor's current responsibility."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import (
    AuditEvent,
    LeaderScope,
    Problem,
    ProgressReport,
    Responsibility,
    SupervisionAction,
    Unit,
    UnitAlias,
    UnitContact,
    UnitGroup,
    User,
)
from tracker.periods import SHANGHAI
from tracker.selectors.reports import unit_reports
from tracker.selectors.units import UnitDirectory
from tracker.services.reports import ReportInput, TargetInput, report_save
from tracker.services.unit_merge import MergeRefused, unit_merge
from tracker.services.units import UnitRefused

pytestmark = pytest.mark.django_db
IN_Q2 = datetime(2026, 6, 20, 10, tzinfo=SHANGHAI)


def _submit(responsibility, period, actor, value="3", problems=""):
    target = responsibility.assignment.targets.get()
    return report_save(
        responsibility=responsibility,
        period=period,
        actor=actor,
        report_input=ReportInput(
            values={target.pk: TargetInput(actual=Decimal(value))},
            narrative="推进中",
            problems_text=problems,
        ),
        expected_version=None,
        submit=True,
        now=IN_Q2,
    )


@pytest.fixture
def pair(units, supervisor):
    """区生态环境分局 (the survivor) and 区环保分局 (the same body under its old name): each with a
    reporter, a contact, an alias; one task each alone, one task both hold, with reports."""
    survivor = Unit.objects.create(name="沙市区生态环境分局", level="county", position=5)
    merged = Unit.objects.create(name="区环保分局", level="county", needs_review=True)
    UnitAlias.objects.create(alias="环保分局", unit=merged)
    UnitContact.objects.create(unit=survivor, email="sthj@example.cn")
    UnitContact.objects.create(unit=merged, email="STHJ@example.cn")
    UnitContact.objects.create(unit=merged, email="hb@example.cn")
    mine = User.objects.create_user("sthj", role="reporter", unit=survivor)
    theirs = User.objects.create_user("hb", role="reporter", unit=merged)
    leader = User.objects.create_user("ld", role="leader")
    LeaderScope.objects.create(leader=leader, unit=merged)
    group = UnitGroup.objects.create(name="环境工作成员单位")
    group.members.add(merged)
    document = make_document()
    alone = make_assignment(document, title="空气质量优良天数")
    make_target(alone, value="300", unit="天", kind="count")
    shared = make_assignment(document, title="持续改善环境质量")
    make_target(shared, value="90", unit="%", kind="share")
    survivor_only = make_assignment(document, title="地表水达标")
    make_target(survivor_only, value="80", unit="%", kind="share")
    periods = make_periods(document)
    q1, q2 = periods[0], periods[1]
    r_alone = make_responsibility(alone, merged, "lead")
    r_shared_mine = make_responsibility(shared, survivor, "co")
    r_shared_theirs = make_responsibility(shared, merged, "lead")
    make_responsibility(survivor_only, survivor, "lead")
    reports = {
        "alone": _submit(r_alone, q2, theirs, problems="监测站点不足"),
        # Q1 only the merged unit reported; Q2 the survivor has a draft and the merged unit
        # submitted: both must end counting on the survivor's responsibility.
        "shared_q1": _submit(r_shared_theirs, q1, theirs, value="70"),
        "shared_q2_theirs": _submit(r_shared_theirs, q2, theirs, value="85"),
    }
    reports["shared_q2_draft"] = report_save(
        responsibility=r_shared_mine,
        period=q2,
        actor=mine,
        report_input=ReportInput(narrative="草稿"),
        expected_version=None,
        submit=False,
        now=IN_Q2,
    )
    SupervisionAction.objects.create(
        kind="urge",
        unit=merged,
        period=q2,
        responsibility=r_alone,
        reason="逾期",
        author=supervisor,
    )
    return {
        "survivor": survivor,
        "merged": merged,
        "theirs": theirs,
        "leader": leader,
        "group": group,
        "shared": shared,
        "r_shared_mine": r_shared_mine,
        "r_shared_theirs": r_shared_theirs,
        "reports": reports,
        "q2": q2,
    }


def _counts():
    return (
        Responsibility.all_objects.count(),
        ProgressReport.objects.count(),
        Problem.objects.count(),
        SupervisionAction.objects.count(),
    )


def test_merge_keeps_every_responsibility_report_and_audit_event(pair, supervisor):
    before = _counts()
    events_before = set(AuditEvent.objects.values_list("pk", "action", "object_id"))
    outcome = unit_merge(unit=pair["merged"], into=pair["survivor"], actor=supervisor)
    assert _counts() == before
    events_after = set(AuditEvent.objects.values_list("pk", "action", "object_id"))
    assert events_before <= events_after
    assert sorted(a for _pk, a, _o in events_after - events_before) == [
        "unit.merge",
        "unit.merged_into",
    ]
    survivor, merged = pair["survivor"], pair["merged"]
    merged.refresh_from_db()
    assert merged.merged_into == survivor and not merged.is_active and not merged.needs_review
    # Everything the merged unit held now points at the survivor.
    assert not Responsibility.all_objects.filter(unit=merged).exists()
    assert not ProgressReport.objects.filter(responsibility__unit=merged).exists()
    assert Problem.objects.get().unit == survivor
    assert SupervisionAction.objects.get().unit == survivor
    assert User.objects.get(username="hb").unit == survivor
    assert LeaderScope.objects.get(leader=pair["leader"]).unit == survivor
    assert list(pair["group"].members.all()) == [survivor]
    # A mailbox both listed (in either case) is kept once; the other moves.
    assert sorted(survivor.contacts.values_list("email", flat=True)) == [
        "hb@example.cn",
        "sthj@example.cn",
    ]
    assert outcome.contacts_dropped == ["STHJ@example.cn"]
    # Documents using either old name now mean the survivor.
    directory = UnitDirectory.load()
    for name in ("区环保分局", "环保分局", "沙市区生态环境分局"):
        assert directory.find(name).units == [survivor], name


def test_a_task_both_units_held_keeps_one_current_responsibility_and_the_counting_reports(
    pair, supervisor
):
    outcome = unit_merge(unit=pair["merged"], into=pair["survivor"], actor=supervisor)
    shared = pair["shared"]
    current = Responsibility.objects.get(assignment=shared)
    assert current.pk == pair["r_shared_mine"].pk
    assert current.unit == pair["survivor"]
    assert current.role == "lead"  # the merged unit led it
    aside = Responsibility.all_objects.get(pk=pair["r_shared_theirs"].pk)
    assert aside.unit == pair["survivor"] and aside.removed_at is not None
    assert "单位合并" in aside.removal_reason
    assert outcome.set_aside == [aside.pk]
    reports = pair["reports"]
    # Q1: only the merged unit had reported: the report moved to the current responsibility.
    assert ProgressReport.objects.get(pk=reports["shared_q1"].pk).responsibility_id == current.pk
    # Q2: the submitted report counts; the survivor's draft waits on the set-aside row.
    assert (
        ProgressReport.objects.get(pk=reports["shared_q2_theirs"].pk).responsibility_id
        == current.pk
    )
    draft = ProgressReport.objects.get(pk=reports["shared_q2_draft"].pk)
    assert draft.responsibility_id == aside.pk and draft.narrative == "草稿"
    assert sorted(outcome.reports_moved) == sorted(
        [reports["shared_q1"].pk, reports["shared_q2_theirs"].pk]
    )


def test_the_merged_reporters_history_survives(pair, supervisor):
    reporter = pair["theirs"]
    mine = set(ProgressReport.objects.filter(submitted_by=reporter).values_list("pk", flat=True))
    unit_merge(unit=pair["merged"], into=pair["survivor"], actor=supervisor)
    reporter.refresh_from_db()
    assert mine <= set(unit_reports(reporter).values_list("pk", flat=True))


def test_a_survivor_below_the_merged_unit_takes_its_place(units, supervisor):
    top = Unit.objects.create(name="甲单位", parent=units["city"])
    middle = Unit.objects.create(name="乙单位", parent=top)
    survivor = Unit.objects.create(name="丙单位", parent=middle)
    unit_merge(unit=top, into=survivor, actor=supervisor)
    survivor.refresh_from_db()
    middle.refresh_from_db()
    assert survivor.parent == units["city"]
    assert middle.parent == survivor


def test_merging_a_unit_into_itself_or_twice_is_refused(pair, supervisor):
    with pytest.raises(MergeRefused):
        unit_merge(unit=pair["merged"], into=pair["merged"], actor=supervisor)
    unit_merge(unit=pair["merged"], into=pair["survivor"], actor=supervisor)
    before = _counts()
    with pytest.raises(MergeRefused, match="已并入"):
        unit_merge(unit=pair["merged"], into=pair["survivor"], actor=supervisor)
    with pytest.raises(MergeRefused, match="已并入"):
        unit_merge(unit=pair["survivor"], into=pair["merged"], actor=supervisor)
    assert _counts() == before


def test_a_reporter_may_not_merge(pair, reporter):
    with pytest.raises(UnitRefused):
        unit_merge(unit=pair["merged"], into=pair["survivor"], actor=reporter)
    assert Unit.objects.get(pk=pair["merged"].pk).merged_into is None

"""Scoping lives in tracker.access; these tests pin who sees what (DESIGN §5)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tests.factories import make_assignment, make_document, make_periods, make_responsibility
from tracker import access
from tracker.models import LeaderScope, ProgressReport, Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor):
    """bob (发改委) leads task 1 with 财政局 as co-unit; 财政局 (charlie) alone holds task 2;
    a third unit holds task 3 that neither bob nor charlie may see."""
    document = make_document()
    periods = make_periods(document)
    other = Unit.objects.create(name="云江市商务局")
    t1, t2, t3 = (make_assignment(document, title=t) for t in ("任务一", "任务二", "任务三"))
    r1_lead = make_responsibility(t1, units["fgw"], "lead")
    r1_co = make_responsibility(t1, units["czj"], "co")
    r2 = make_responsibility(t2, units["czj"], "lead")
    r3 = make_responsibility(t3, other, "lead")
    reports = {
        r: ProgressReport.objects.create(responsibility=r, period=periods[0])
        for r in (r1_lead, r1_co, r2, r3)
    }
    return {
        "doc": document,
        "r1_lead": r1_lead,
        "r1_co": r1_co,
        "r2": r2,
        "r3": r3,
        "reports": reports,
    }


def test_supervisor_sees_everything(world, supervisor):
    assert access.visible_responsibilities(supervisor).count() == 4
    assert access.visible_reports(supervisor).count() == 4
    assert access.document_for_user(supervisor, world["doc"].pk) == world["doc"]


def test_lead_unit_also_sees_its_co_units_on_the_tasks_it_leads(world, reporter):
    visible = set(access.visible_responsibilities(reporter))
    assert visible == {world["r1_lead"], world["r1_co"]}
    assert set(access.visible_reports(reporter)) == {
        world["reports"][world["r1_lead"]],
        world["reports"][world["r1_co"]],
    }


def test_co_unit_sees_only_its_own(world, outsider):
    assert set(access.visible_responsibilities(outsider)) == {world["r1_co"], world["r2"]}


@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_others_work_is_404_not_403(world, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(Http404):
        access.responsibility_for_user(user, world["r3"].pk)
    with pytest.raises(Http404):
        access.report_for_user(user, world["reports"][world["r3"]].pk)


def test_outsider_cannot_see_the_lead_units_own_report(world, outsider):
    with pytest.raises(Http404):
        access.report_for_user(outsider, world["reports"][world["r1_lead"]].pk)


def test_only_the_units_own_people_edit_its_report(world, reporter, outsider, supervisor):
    assert access.can_edit_report(reporter, world["r1_lead"])
    assert not access.can_edit_report(reporter, world["r1_co"])  # the lead unit reads, not writes
    assert not access.can_edit_report(outsider, world["r1_lead"])
    assert not access.can_edit_report(supervisor, world["r1_lead"])


def test_anonymous_and_inactive_users_see_nothing(world, reporter):
    assert not access.visible_responsibilities(AnonymousUser()).exists()
    assert not access.visible_documents(AnonymousUser()).exists()
    reporter.is_active = False
    reporter.save()
    assert not access.visible_responsibilities(reporter).exists()


def test_reporters_see_only_published_documents_they_work_on(world, reporter, units):
    draft = make_document(published=False)
    make_responsibility(make_assignment(draft), units["fgw"])
    assert list(access.visible_documents(reporter)) == [world["doc"]]
    unrelated = User.objects.create_user(
        "dave", role=User.Role.REPORTER, unit=Unit.objects.create(name="无任务单位")
    )
    assert not access.visible_documents(unrelated).exists()


# --- leaders in charge and lead-unit reviewers -------------------------------------------


def test_a_leader_reads_what_they_oversee_and_writes_no_report(world, units):
    leader = User.objects.create_user("wfz", role=User.Role.LEADER, unit=units["city"])
    LeaderScope.objects.create(leader=leader, unit=units["czj"])
    LeaderScope.objects.create(leader=leader, assignment=world["r3"].assignment)
    seen = set(access.visible_responsibilities(leader))
    assert seen == {world["r1_co"], world["r2"], world["r3"]}
    assert set(access.visible_reports(leader)) == {
        world["reports"][r] for r in (world["r1_co"], world["r2"], world["r3"])
    }
    assert list(access.visible_documents(leader)) == [world["doc"]]
    assert not access.can_edit_report(leader, world["r2"])
    assert not access.can_supervise(leader)
    with pytest.raises(Http404):
        access.responsibility_for_user(leader, world["r1_lead"].pk)


def test_a_lead_unit_with_a_reviewer_returns_co_units_input_only_through_them(
    world, reporter, units
):
    co_report = world["reports"][world["r1_co"]]
    assert access.can_review_report(reporter, co_report)  # no reviewer yet: as before
    reviewer = User.objects.create_user("sh", role=User.Role.REVIEWER, unit=units["fgw"])
    assert access.can_review_report(reviewer, co_report)
    assert not access.can_review_report(reporter, co_report)
    # Both still write the unit's own (compiled) report.
    assert access.can_edit_report(reporter, world["r1_lead"])
    assert access.can_edit_report(reviewer, world["r1_lead"])

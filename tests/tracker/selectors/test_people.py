"""Reads about people: who the leader in charge of a unit or task is, which units have work and
nobody to report it, and whom telling a set of units reaches."""

from __future__ import annotations

import pytest

from tests.factories import make_assignment, make_document, make_responsibility
from tracker.models import LeaderScope, Unit, UnitContact, User
from tracker.selectors.people import (
    leaders_for,
    unit_addresses,
    units_reach,
    units_without_reporter,
)

pytestmark = pytest.mark.django_db


def test_leaders_are_found_for_the_task_then_the_unit_then_its_parents(units):
    task = make_assignment(make_document(), title="招商引资")
    of_city = User.objects.create_user("sz", role=User.Role.LEADER)
    of_fgw = User.objects.create_user("fsz", role=User.Role.LEADER)
    of_task = User.objects.create_user("cw", role=User.Role.LEADER)
    LeaderScope.objects.create(leader=of_city, unit=units["city"])
    assert leaders_for(unit=units["fgw"], assignment=task) == [of_city]  # via the parent
    LeaderScope.objects.create(leader=of_fgw, unit=units["fgw"])
    assert leaders_for(unit=units["fgw"], assignment=task) == [of_fgw]
    LeaderScope.objects.create(leader=of_task, assignment=task)
    assert leaders_for(unit=units["fgw"], assignment=task) == [of_task]
    of_task.is_active = False
    of_task.save()
    assert leaders_for(unit=units["fgw"], assignment=task) == [of_fgw]
    assert leaders_for(unit=Unit.objects.create(name="孤立单位")) == []


def test_units_with_work_and_no_active_reporter_are_flagged(units, reporter, outsider):
    task = make_assignment(make_document(), title="任务")
    for unit in (units["fgw"], units["czj"], units["city"]):
        make_responsibility(task, unit, "co")
    draft_task = make_assignment(make_document(published=False), title="草稿任务")
    lonely = Unit.objects.create(name="只有草稿任务的单位")
    make_responsibility(draft_task, lonely, "co")
    assert [u.name for u in units_without_reporter()] == ["云江市人民政府"]
    outsider.is_active = False
    outsider.save()
    flagged = list(units_without_reporter())
    assert [u.name for u in flagged] == ["云江市人民政府", "云江市财政局"]
    assert flagged[0].responsibility_total == 1


def test_a_reviewer_counts_as_someone_to_report(units):
    task = make_assignment(make_document(), title="任务")
    make_responsibility(task, units["czj"], "co")
    User.objects.create_user("sh", role=User.Role.REVIEWER, unit=units["czj"])
    assert list(units_without_reporter()) == []


def test_the_reach_of_a_set_of_units_counts_each_address_once(units, reporter, outsider):
    reporter.email = "bob@fgw.cn"
    reporter.save()
    outsider.email = "Shared@x.cn"
    outsider.save()
    UnitContact.objects.create(unit=units["czj"], email="shared@x.cn")
    UnitContact.objects.create(unit=units["fgw"], email="office@fgw.cn")
    reach = units_reach([units["fgw"].pk, units["czj"].pk, units["city"].pk])
    assert (reach.addresses, reach.people) == (3, 2)
    assert [u.name for u in reach.without_reporter] == ["云江市人民政府"]
    assert unit_addresses([units["czj"].pk, units["fgw"].pk]) == {
        units["czj"].pk: ["Shared@x.cn"],
        units["fgw"].pk: ["bob@fgw.cn", "office@fgw.cn"],
    }

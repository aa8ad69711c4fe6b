"""Two people submit the same report at the same instant on PostgreSQL: exactly one wins, the
other gets the conflict error, and what the winner wrote is what is stored."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import AuditEvent, ProgressReport, TargetValue, User
from tracker.services.reports import (
    ReportInput,
    StaleReport,
    TargetInput,
    report_save,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(units):
    document = make_document()
    task = make_assignment(document, title="城镇新增就业2.8万人")
    target = make_target(task, value="2.8", unit="万人", kind="count")
    responsibility = make_responsibility(task, units["fgw"])
    period = make_periods(document)[1]
    people = [
        User.objects.create_user(f"clerk{i}", password="x", role="reporter", unit=units["fgw"])
        for i in range(2)
    ]
    return {"resp": responsibility, "period": period, "target": target, "people": people}


def _race(world, expected_version):
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def submit(person: User, value: str) -> None:
        barrier.wait()
        try:
            report_save(
                responsibility=world["resp"],
                period=world["period"],
                actor=person,
                report_input=ReportInput(
                    values={world["target"].pk: TargetInput(actual=Decimal(value))},
                    narrative=f"{person.username} 的填报",
                ),
                expected_version=expected_version,
                submit=True,
            )
            outcomes[value] = "won"
        except StaleReport as exc:
            outcomes[value] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(person, value))
        for person, value in zip(world["people"], ("1.1", "1.2"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _check(outcomes):
    assert connection.vendor == "postgresql"
    winners = [value for value, outcome in outcomes.items() if outcome == "won"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, StaleReport)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "已被他人修改" in losers[0].message
    report = ProgressReport.objects.get()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert TargetValue.objects.get().actual == Decimal(winners[0])
    assert AuditEvent.objects.filter(action="report.submit").count() == 1


def test_two_first_submissions_at_once(world):
    _check(_race(world, expected_version=None))


def test_two_submissions_of_one_draft_at_once(world):
    draft = report_save(
        responsibility=world["resp"],
        period=world["period"],
        actor=world["people"][0],
        report_input=ReportInput(narrative="草稿"),
        expected_version=None,
        submit=False,
    )
    AuditEvent.objects.all().delete()
    _check(_race(world, expected_version=draft.version))

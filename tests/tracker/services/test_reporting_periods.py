"""The quarter's lock: late saves refused until a supervisor reopens the unit's report with a
reason; a wrong lock released with a reason; after the lock only a supervisor returns (and so
reopens) a report; every change audited."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.samples import review_submit, review_world
from tracker.models import AuditEvent, ProgressReport, User
from tracker.periods import SHANGHAI
from tracker.services.report_review import (
    ReviewRefused,
    report_return,
)
from tracker.services.reporting_periods import (
    PeriodRefused,
    period_lock,
    period_reopen,
    period_unlock,
)
from tracker.services.reports import (
    ReportRefused,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider):
    return review_world(units)


def test_lock_refuses_late_saves_until_reopened_with_a_reason(world, reporter, supervisor):
    period = world["period"]
    with pytest.raises(PeriodRefused):
        period_lock(period=period, actor=reporter)
    period_lock(period=period, actor=supervisor)
    with pytest.raises(ReportRefused, match="已锁定"):
        review_submit(world, reporter, world["lead"])
    with pytest.raises(PeriodRefused, match="原因"):
        period_reopen(responsibility=world["lead"], period=period, actor=supervisor, reason="")
    report = period_reopen(
        responsibility=world["lead"], period=period, actor=supervisor, reason="系统故障补报"
    )
    after_lock = datetime(2026, 7, 2, 9, 0, tzinfo=SHANGHAI)
    late = review_submit(world, reporter, world["lead"], version=report.version, at=after_lock)
    assert late.status == ProgressReport.Status.SUBMITTED and late.is_late
    # Only the reopened report: the co-unit is still locked out.
    other = User.objects.get(username="charlie")
    with pytest.raises(ReportRefused, match="已锁定"):
        review_submit(world, other, world["co"])
    assert AuditEvent.objects.filter(action="report.reopen").get().after["reason"] == "系统故障补报"


def test_returning_after_the_lock_reopens_the_report(world, reporter, supervisor):
    report = review_submit(world, reporter, world["lead"])
    period_lock(period=world["period"], actor=supervisor)
    returned = report_return(report=report, actor=supervisor, reason="数据需更正")
    assert returned.reopened_at is not None
    again = review_submit(world, reporter, world["lead"], version=returned.version, value="5")
    assert again.status == ProgressReport.Status.SUBMITTED


def test_unlock_needs_a_reason_and_is_audited(world, supervisor):
    period = world["period"]
    period_lock(period=period, actor=supervisor)
    with pytest.raises(PeriodRefused, match="原因"):
        period_unlock(period=period, actor=supervisor, reason="")
    period_unlock(period=period, actor=supervisor, reason="误锁")
    period.refresh_from_db()
    assert not period.is_locked
    actions = list(
        AuditEvent.objects.filter(object_id=str(period.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["period.lock", "period.unlock"]


def test_after_the_lock_only_a_supervisor_returns_and_so_reopens(
    world, reporter, outsider, supervisor
):
    co_report = review_submit(world, outsider, world["co"])
    period_lock(period=world["period"], actor=supervisor)
    with pytest.raises(ReviewRefused, match="督查人员"):
        report_return(report=co_report, actor=reporter, reason="数据有误")
    co_report.refresh_from_db()
    assert co_report.status == ProgressReport.Status.SUBMITTED and co_report.reopened_at is None
    returned = report_return(report=co_report, actor=supervisor, reason="数据有误")
    assert returned.reopened_by == supervisor

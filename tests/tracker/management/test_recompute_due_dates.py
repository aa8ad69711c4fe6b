"""recompute_due_dates: after chinesecalendar learns a new year, the periods not yet due that
were counted on weekends only are computed again."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.factories import make_assignment, make_document, make_responsibility, make_schedule
from tracker import holidays
from tracker.models import AuditEvent, ReportingPeriod
from tracker.periods import SHANGHAI
from tracker.services.reporting_periods import assignments_activate, periods_ensure

pytestmark = pytest.mark.django_db


def test_a_newer_package_moves_the_due_dates_it_now_knows(units, monkeypatch):
    with time_machine.travel(datetime(2026, 12, 6, 10, tzinfo=SHANGHAI), tick=False):
        document = make_document(title="云江市2026年重点工作推进方案")
        make_schedule(document, after_period=True, working_days=5)
        make_responsibility(make_assignment(document), units["fgw"], "lead")
        assignments_activate(document)
        periods_ensure(document)
        q4 = ReportingPeriod.objects.get(document=document, number=4)
        q3 = ReportingPeriod.objects.get(document=document, number=3)
        assert (q3.due_on, q4.due_on) == (date(2026, 10, 13), date(2027, 1, 7))

        # The package's next release knows 元旦 2027 (the edge: third-party data).
        official = holidays.official_days

        def newer(year):
            days = official(year)
            if year == 2027:
                days = [holidays.OfficialDay(date(2027, 1, 1), False, "元旦"), *days]
            return days

        monkeypatch.setattr(holidays, "official_days", newer)
        out = StringIO()
        call_command("recompute_due_dates", stdout=out)
    assert "已重新计算 1 个报送周期的日期" in out.getvalue()
    q3.refresh_from_db()
    q4.refresh_from_db()
    # The third quarter is past its due date: it stays as it was.
    assert (q3.due_on, q4.due_on) == (date(2026, 10, 13), date(2027, 1, 8))
    event = AuditEvent.objects.get(action="period.reschedule")
    assert event.before["due_on"] == "2027-01-07" and event.after["due_on"] == "2027-01-08"

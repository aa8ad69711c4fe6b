"""The inbox beyond the calendar: an amendment reaches the inbox of each reporter of the units
it concerns, once however often its announcement runs; marking read is the person's own."""

from __future__ import annotations

from datetime import date

import pytest

from tests.samples import AMENDMENT_REASON as REASON
from tests.samples import amendment_world
from tracker.models import DocumentAmendment, Notice, NoticeKind
from tracker.services.amendment_notices import amendment_announce
from tracker.services.amendments import amendment_deadline_change
from tracker.services.inbox import notice_mark_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider):
    return amendment_world(units, reporter, outsider)


def test_an_amendment_reaches_the_inbox_of_the_units_people_once(
    world, supervisor, reporter, outsider
):
    amendment_deadline_change(
        assignment=world["task"], deadline=date(2026, 9, 30), actor=supervisor, reason=REASON
    )
    amendment = DocumentAmendment.objects.get()
    amendment_announce(amendment_id=amendment.pk)
    amendment_announce(amendment_id=amendment.pk)  # a retried task
    told = {
        user: n
        for user, n in Notice.objects.filter(kind=NoticeKind.AMENDMENT).values_list(
            "user__username", "pk"
        )
    }
    expected = {u.username for u in (reporter, outsider) if u.unit_id in amendment.notified_units}
    assert set(told) == expected and expected
    notice = Notice.objects.get(pk=next(iter(told.values())))
    assert "完成时限由无调整为2026年9月30日" in notice.text
    assert notice.url == f"/documents/{world['document'].pk}/"


def test_marking_read_touches_only_ones_own_notices(world, supervisor, reporter, outsider):
    amendment_deadline_change(
        assignment=world["task"], deadline=date(2026, 9, 30), actor=supervisor, reason=REASON
    )
    amendment_announce(amendment_id=DocumentAmendment.objects.get().pk)
    notices = list(Notice.objects.all())
    owner = notices[0].user
    someone_else = reporter if owner != reporter else outsider
    assert notice_mark_read(user=someone_else, notice_ids=[n.pk for n in notices]) == sum(
        1 for n in notices if n.user == someone_else
    )
    assert notice_mark_read(user=owner) == sum(1 for n in notices if n.user == owner)
    assert not Notice.objects.filter(user=owner, read_at__isnull=True).exists()

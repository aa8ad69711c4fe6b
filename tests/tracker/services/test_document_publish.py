"""Publishing: names become units (groups expanded, unknown ones flagged), responsibilities and
the year's four periods are created once, however often it runs; a large document is published
on a worker, its draft frozen meanwhile."""

from __future__ import annotations

from datetime import date

import pytest

from tests.samples import DEMO_DOCUMENTS, first
from tracker.models import AuditEvent, Document, ReportingPeriod, Responsibility, Unit
from tracker.services.document_drafts import DraftRefused, draft_assignment_update
from tracker.services.document_import import document_import
from tracker.services.document_publish import (
    PublishRefused,
    document_publish,
    document_publish_request,
)

pytestmark = pytest.mark.django_db

PLAN = DEMO_DOCUMENTS / "yunjiang-2026-county-development-plan.txt"
DIVISION = DEMO_DOCUMENTS / "yunjiang-2026-key-tasks-division.txt"


def imported(path):
    return document_import(data=path.read_bytes(), source_name=path.name, actor=None).document


def test_publish_creates_responsibilities_with_groups_expanded(roster, supervisor):
    document = imported(PLAN)
    outcome = document_publish(document=document, actor=supervisor)
    document.refresh_from_db()
    assert outcome.newly_published
    assert document.status == Document.Status.PUBLISHED
    assert document.published_by == supervisor
    first = document.assignments.get(ref="二.(一).1")
    roles = dict(first.responsibilities.values_list("unit__name", "role"))
    assert roles["云江市发展和改革委员会"] == "lead"
    # 各县(区)党委和政府 is a known group: its four members each hold the task.
    for county in ("江北区人民政府", "江南区人民政府", "青山县人民政府", "白水县人民政府"):
        assert roles[county] == "co"
    assert first.responsibilities.get(unit__name="江北区人民政府").mention == "各县(区)党委和政府"
    assert outcome.units_created == []


def test_quarters_follow_the_documents_reporting_rule(roster):
    document = imported(PLAN)
    document_publish(document=document, actor=None)
    periods = list(document.periods.order_by("quarter"))
    assert [p.due_on for p in periods] == [
        date(2026, 3, 25),
        date(2026, 6, 25),
        date(2026, 9, 25),
        date(2026, 12, 25),
    ]
    assert periods[0].first_checkpoint_on == date(2026, 2, 15)


def test_unknown_names_become_units_flagged_for_review(roster):
    document = imported(DIVISION)
    outcome = document_publish(document=document, actor=None)
    assert [unit.name for unit in outcome.units_created] == ["市数据局"]
    unknown = Unit.objects.get(name="市数据局")
    assert unknown.needs_review
    assert unknown.level == Unit.Level.CITY
    assert AuditEvent.objects.filter(
        action="unit.create_unknown", object_id=str(unknown.pk)
    ).exists()


def test_a_unit_named_as_lead_and_co_unit_leads_once(roster):
    document = imported(DIVISION)
    assignment = document.assignments.first()
    assignment.lead_units_text = ["市发展改革委"]
    assignment.responsible_units_text = ["市发改委", "市财政局"]
    assignment.save()
    document_publish(document=document, actor=None)
    rows = list(assignment.responsibilities.values_list("unit__name", "role"))
    assert sorted(rows) == [("云江市发展和改革委员会", "lead"), ("云江市财政局", "co")]


def test_publishing_again_duplicates_nothing(roster):
    document = imported(PLAN)
    document_publish(document=document, actor=None)
    counts = (Responsibility.objects.count(), ReportingPeriod.objects.count(), Unit.objects.count())
    again = document_publish(document=document, actor=None)
    assert not again.newly_published
    assert (again.responsibilities_created, again.periods_created) == (0, 0)
    assert (
        Responsibility.objects.count(),
        ReportingPeriod.objects.count(),
        Unit.objects.count(),
    ) == counts
    assert AuditEvent.objects.filter(action="document.publish").count() == 1


def test_without_a_roster_every_name_is_created_once_and_flagged():
    document = imported(PLAN)
    outcome = document_publish(document=document, actor=None)
    names = [unit.name for unit in outcome.units_created]
    assert len(names) == len(set(names))
    group = Unit.objects.get(name="各县(区)党委和政府")
    assert group.kind == Unit.Kind.COLLECTIVE
    assert group.level == Unit.Level.COUNTY


def test_publishing_needs_a_year_and_an_unarchived_document(roster):
    document = imported(PLAN)
    Document.objects.filter(pk=document.pk).update(year=None)
    with pytest.raises(PublishRefused, match="年度"):
        document_publish(document=document, actor=None)
    assert not Responsibility.objects.exists()
    Document.objects.filter(pk=document.pk).update(
        year=2026, status="archived", published_at="2026-01-01T00:00Z"
    )
    with pytest.raises(PublishRefused, match="归档"):
        document_publish(document=document, actor=None)


def test_only_supervisors_publish_or_edit_a_draft(roster):
    from tracker.models import User
    from tracker.services.document_drafts import DraftRefused, draft_assignment_delete

    reporter = User.objects.create_user(
        "clerk", role=User.Role.REPORTER, unit=Unit.objects.get(name="云江市财政局")
    )
    document = imported(PLAN)
    with pytest.raises(PublishRefused, match="督查人员"):
        document_publish(document=document, actor=reporter)
    assignment = document.assignments.first()
    with pytest.raises(DraftRefused, match="督查人员"):
        draft_assignment_delete(assignment=assignment, actor=reporter, version=assignment.version)
    document.refresh_from_db()
    assert document.status == Document.Status.DRAFT and document.assignments.count() > 0


def test_a_background_publish_request_freezes_the_draft(draft, supervisor):
    document_publish_request(document=draft, actor=supervisor)
    assert draft.publish_requested_at is not None
    with pytest.raises(DraftRefused, match="正在后台发布"):
        draft_assignment_update(
            assignment=first(draft), actor=supervisor, version=1, changes={"title": "x"}
        )
    with pytest.raises(PublishRefused, match="已提交发布"):
        document_publish_request(document=draft, actor=supervisor)
    assert AuditEvent.objects.filter(action="document.publish_request").count() == 1

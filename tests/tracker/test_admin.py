"""The back office: every model's list opens, searches and filters; non-staff are kept out; every
edit lands in the audit trail."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import AuditEvent, ReportingPeriod, Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="pw", role=User.Role.ADMINISTRATOR)


@pytest.fixture
def data(units):
    document = make_document()
    make_periods(document)
    task = make_assignment(document, title="固定资产投资")
    make_target(task)
    make_responsibility(task, units["fgw"])
    return document


MODELS = [model for model in admin.site._registry if model._meta.app_label == "tracker"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_opens_and_searches(client, superuser, data, model):
    client.force_login(superuser)
    url = reverse(f"admin:tracker_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "发展"}).status_code == 200


def test_change_pages_open(client, superuser, data):
    client.force_login(superuser)
    for name, obj in [
        ("document", data),
        ("assignment", data.assignments.first()),
        ("unit", Unit.objects.first()),
    ]:
        assert client.get(reverse(f"admin:tracker_{name}_change", args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("who", ["reporter", "outsider", "supervisor"])
def test_non_staff_are_sent_to_the_admin_login(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:tracker_unit_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_an_edit_in_the_admin_is_audited_with_before_and_after(client, superuser, units):
    client.force_login(superuser)
    unit = units["czj"]
    response = client.post(
        reverse("admin:tracker_unit_change", args=[unit.pk]),
        {
            "name": "云江市财政局",
            "level": "county",
            "kind": "department",
            "parent": "",
            "is_active": "on",
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
            "aliases-0-alias": "财政局",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEvent.objects.get(action="admin.unit.change")
    assert change.before["level"] == "city" and change.after["level"] == "county"
    assert change.actor == superuser
    assert AuditEvent.objects.filter(action="admin.unitalias.add").exists()


def test_a_role_change_is_audited(client, superuser, reporter):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:tracker_user_change", args=[reporter.pk]),
        {
            "username": "bob",
            "role": "supervisor",
            "unit": reporter.unit_id,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="admin.user.change")
    assert (event.before["role"], event.after["role"]) == ("reporter", "supervisor")
    assert "password" not in event.after


def test_audit_and_reminder_records_cannot_be_edited(client, superuser):
    client.force_login(superuser)
    event = AuditEvent.objects.create(actor_name="系统", action="test")
    assert client.get(reverse("admin:tracker_auditevent_add")).status_code == 403
    response = client.post(
        reverse("admin:tracker_auditevent_change", args=[event.pk]), {"action": "x"}
    )
    assert response.status_code == 403


def test_reports_problems_and_actions_are_read_only_in_the_back_office(client, superuser):
    from tracker.models import Problem, ProgressReport, SupervisionAction

    client.force_login(superuser)
    for model in (ProgressReport, Problem, SupervisionAction):
        name = model._meta.model_name
        assert client.get(f"/admin/tracker/{name}/add/").status_code == 403


@pytest.fixture
def reported(units, reporter, outsider, settings, tmp_path):
    """A report of each kind (submitted, draft with evidence), a problem, a unit group."""
    from tests.samples import PDF, pages_world, submit_co
    from tracker.models import UnitGroup
    from tracker.services.evidence import evidence_attach
    from tracker.services.reports import ReportInput, report_save

    world = pages_world(units, settings, tmp_path)
    submit_co(world, outsider, problems="资金未到位")
    draft = report_save(
        responsibility=world["lead"],
        period=world["q2"],
        actor=reporter,
        report_input=ReportInput(values={}, narrative="草稿"),
        expected_version=None,
        submit=False,
    )
    evidence_attach(report=draft, actor=reporter, filename="佐证.pdf", data=PDF)
    UnitGroup.objects.create(name="各区政府").members.add(units["fgw"])
    return world


def test_every_admin_page_opens_for_every_object(client, superuser, reported):
    """The progress report's change page was a 500 for every report (its evidence inline
    edited a field that is not editable); now every registered model's add page and the change
    page of each of its objects (up to five) open."""
    client.force_login(superuser)
    opened = 0
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.has_add_permission(_request_for(superuser)):
            assert client.get(reverse(info + "_add")).status_code == 200, info
        for obj in model._default_manager.all()[:5]:
            response = client.get(reverse(info + "_change", args=[obj.pk]))
            assert response.status_code == 200, (info, obj.pk)
            opened += 1
    assert opened > 20


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_leader_scopes_and_amendments_open_in_the_back_office(client, superuser, data, units):
    """Registered for issue 15/18: a leader's scope is edited here, an amendment only read."""
    from datetime import date

    from tracker.models import DocumentAmendment, LeaderScope
    from tracker.services.amendments import amendment_deadline_change

    leader = User.objects.create_user("lead", role=User.Role.LEADER, last_name="王")
    task = data.assignments.first()
    scope = LeaderScope.objects.create(leader=leader, assignment=task)
    LeaderScope.objects.create(leader=leader, unit=units["fgw"])
    amendment = amendment_deadline_change(
        assignment=task, deadline=date(2026, 9, 30), actor=superuser, reason="会议决定提前"
    )
    client.force_login(superuser)
    for name, obj in [("leaderscope", scope), ("documentamendment", amendment)]:
        changelist = client.get(reverse(f"admin:tracker_{name}_changelist"))
        assert changelist.status_code == 200
        assert client.get(reverse(f"admin:tracker_{name}_change", args=[obj.pk])).status_code == 200
    assert (
        "会议决定提前"
        in client.get(
            reverse("admin:tracker_documentamendment_change", args=[amendment.pk])
        ).content.decode()
    )
    # An amendment is history: it is neither added nor changed here.
    assert client.get(reverse("admin:tracker_documentamendment_add")).status_code == 403
    response = client.post(
        reverse("admin:tracker_documentamendment_change", args=[amendment.pk]), {"reason": "改"}
    )
    assert response.status_code == 403
    assert DocumentAmendment.objects.get().reason == "会议决定提前"
    # A scope is changed here, and the change is audited.
    response = client.post(
        reverse("admin:tracker_leaderscope_change", args=[scope.pk]),
        {"leader": leader.pk, "unit": units["czj"].pk, "assignment": ""},
    )
    assert response.status_code == 302
    scope.refresh_from_db()
    assert scope.unit == units["czj"] and scope.assignment is None
    assert AuditEvent.objects.filter(object_id=str(scope.pk)).exists()


def _form_fields(html: str) -> dict[str, str]:
    """The values a browser would post from the page's main form: inputs, chosen options and
    text areas (enough for the admin's change pages, which have one form)."""
    from html.parser import HTMLParser

    fields: dict[str, str] = {}

    class Form(HTMLParser):
        select: str | None = None
        textarea: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") in ("checkbox", "radio"):
                    if "checked" in a:
                        fields[name] = a.get("value") or "on"
                else:
                    fields[name] = a.get("value") or ""
            elif tag == "select" and name:
                self.select = name
                fields.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in a:
                fields[self.select] = a.get("value") or ""
            elif tag == "textarea" and name:
                self.textarea = name
                fields[name] = ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data: str) -> None:
            if self.textarea:
                fields[self.textarea] += data

    Form().feed(html)
    return fields


def test_a_period_moved_on_the_documents_admin_page_moves_its_summary_rows(
    client, superuser, reported
):
    """The document's page edits its periods inline; the dashboard's summary rows take the new
    due date in the same request (they kept the old one: the refresh looked at the document)."""
    from datetime import timedelta

    from tracker.models import SlotSummary

    period_id = SlotSummary.objects.values_list("period_id", flat=True).first()
    period = ReportingPeriod.objects.get(pk=period_id)
    client.force_login(superuser)
    url = reverse("admin:tracker_document_change", args=[period.document_id])
    fields = _form_fields(client.get(url).content.decode())
    key = next(k for k, v in fields.items() if k.endswith("-id") and v == str(period.pk))
    moved = period.due_on + timedelta(days=3)
    fields[key.removesuffix("-id") + "-due_on"] = moved.isoformat()
    response = client.post(url, fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(SlotSummary.objects.filter(period=period).values_list("due_on", flat=True)) == {
        moved
    }

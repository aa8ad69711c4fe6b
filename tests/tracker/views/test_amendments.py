"""The amendment pages of a published document: each change with its reason, reports kept,
the document's page listing the amendments; reporters get 404; a report form opened before an
amendment is refused as stale, with the reporter's input kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tests.samples import REVIEW_AT
from tracker.models import DocumentAmendment, ProgressReport, Responsibility, Target

pytestmark = pytest.mark.django_db
REASON = "区政府常务会议研究调整"


@pytest.fixture
def world(units):
    document = make_document()
    task = make_assignment(document, title="重点项目开工40个")
    target = make_target(task, value="40", unit="个", kind="count", indicator="重点项目开工")
    lead = make_responsibility(task, units["fgw"], "lead")
    co = make_responsibility(task, units["czj"], "co")
    periods = make_periods(document)
    return {
        "document": document,
        "task": task,
        "target": target,
        "lead": lead,
        "co": co,
        "q2": periods[1],
    }


@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_no_one_but_supervisors_learns_the_pages_exist(client, request, world, who):
    client.force_login(request.getfixturevalue(who))
    page = reverse("document-amend", args=[world["document"].pk])
    task_page = reverse("assignment-amend", args=[world["document"].pk, world["task"].pk])
    for method, url, data in [
        ("get", page, {}),
        ("post", page, {"new-title": "偷加的任务", "new-reason": "x"}),
        ("get", task_page, {}),
        ("post", task_page, {"action": "remove_task", "remove_task-reason": "x"}),
    ]:
        assert getattr(client, method)(url, data).status_code == 404, url
    assert not DocumentAmendment.objects.exists()


def test_a_draft_has_no_amendment_page(client, supervisor, draft):
    client.force_login(supervisor)
    assert client.get(reverse("document-amend", args=[draft.pk])).status_code == 404


def test_amendments_are_made_with_reasons_and_listed_on_the_document(client, supervisor, world):
    client.force_login(supervisor)
    url = reverse("assignment-amend", args=[world["document"].pk, world["task"].pk])
    missing = client.post(url, {"action": "deadline", "deadline-deadline": "2026-09-30"})
    assert missing.status_code == 400 and "请填写修订原因" in missing.content.decode()
    client.post(
        url, {"action": "deadline", "deadline-deadline": "2026-09-30", "deadline-reason": REASON}
    )
    client.post(
        url,
        {
            "action": "remove_unit",
            "row": world["co"].pk,
            f"remove_unit-{world['co'].pk}-reason": REASON,
        },
    )
    client.post(
        url,
        {
            "action": "add_target",
            "add_target-indicator": "新增投资",
            "add_target-value": "20",
            "add_target-measure_unit": "亿元",
            "add_target-kind": "level",
            "add_target-comparator": ">=",
            "add_target-direction": "increase",
            "add_target-reason": REASON,
        },
    )
    client.post(
        url,
        {
            "action": "remove_target",
            "row": world["target"].pk,
            f"remove_target-{world['target'].pk}-reason": REASON,
        },
    )
    assert DocumentAmendment.objects.count() == 4
    assert Target.objects.get(assignment=world["task"]).indicator == "新增投资"
    assert not Responsibility.objects.filter(pk=world["co"].pk).exists()
    detail = client.get(reverse("document-detail", args=[world["document"].pk])).content.decode()
    assert "修订记录" in detail and "第4次修订" in detail
    assert "完成时限由无调整为2026年9月30日" in detail
    assert "云江市财政局不再作为责任单位" in detail


def test_a_row_refusal_is_shown_above_the_page(client, supervisor, world):
    client.force_login(supervisor)
    url = reverse("assignment-amend", args=[world["document"].pk, world["task"].pk])
    response = client.post(url, {"action": "remove_unit", "row": world["co"].pk})
    assert response.status_code == 400 and "请填写修订原因" in response.content.decode()
    assert Responsibility.objects.filter(pk=world["co"].pk).exists()


def test_a_new_task_is_added_from_the_document_page(client, supervisor, world, units):
    client.force_login(supervisor)
    response = client.post(
        reverse("document-amend", args=[world["document"].pk]),
        {
            "new-title": "新增任务",
            "new-ref": "一.2",
            "new-lead_units": [units["fgw"].pk],
            "new-reason": REASON,
            "newt-indicator": "",
            "newt-comparator": "=",
            "newt-kind": "level",
            "newt-direction": "increase",
        },
    )
    assert response.status_code == 302
    added = DocumentAmendment.objects.get().assignment
    assert added.title == "新增任务" and added.responsibilities.get().unit == units["fgw"]


def test_a_report_form_opened_before_an_amendment_is_refused_with_the_input_kept(
    client, supervisor, reporter, world
):
    url = reverse("report-work", args=[world["lead"].pk, world["q2"].pk])
    with time_machine.travel(REVIEW_AT, tick=False):
        client.force_login(reporter)
        form = client.get(url).content.decode()
        assert f'name="assignment_version" value="{world["task"].version}"' in form
        opened = world["task"].version
        client.force_login(supervisor)
        client.post(
            reverse("assignment-amend", args=[world["document"].pk, world["task"].pk]),
            {"action": "deadline", "deadline-deadline": "2026-10-31", "deadline-reason": REASON},
        )
        client.force_login(reporter)
        response = client.post(
            url,
            {
                f"target-{world['target'].pk}": "18",
                "narrative": "上半年开工18个",
                "assignment_version": opened,
                "action": "submit",
            },
        )
    assert response.status_code == 409
    page = response.content.decode()
    assert "已调整" in page and "上半年开工18个" in page
    assert not ProgressReport.objects.exists()


def test_a_form_for_a_withdrawn_responsibility_says_so(client, supervisor, outsider, world):
    url = reverse("report-work", args=[world["co"].pk, world["q2"].pk])
    client.force_login(supervisor)
    client.post(
        reverse("assignment-amend", args=[world["document"].pk, world["task"].pk]),
        {
            "action": "remove_unit",
            "row": world["co"].pk,
            f"remove_unit-{world['co'].pk}-reason": REASON,
        },
    )
    client.force_login(outsider)
    response = client.post(url, {"narrative": "x", "action": "submit", "target-1": Decimal("1")})
    assert response.status_code == 410 and REASON in response.content.decode()


def test_a_report_on_a_withdrawn_responsibility_stays_readable_and_says_so(
    client, supervisor, outsider, world
):
    report = ProgressReport.objects.create(
        responsibility=world["co"], period=world["q2"], narrative="已开工12个"
    )
    client.force_login(supervisor)
    client.post(
        reverse("assignment-amend", args=[world["document"].pk, world["task"].pk]),
        {
            "action": "remove_target",
            "row": world["target"].pk,
            f"remove_target-{world['target'].pk}-reason": REASON,
        },
    )
    client.post(
        reverse("assignment-amend", args=[world["document"].pk, world["task"].pk]),
        {
            "action": "remove_unit",
            "row": world["co"].pk,
            f"remove_unit-{world['co'].pk}-reason": REASON,
        },
    )
    client.force_login(outsider)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "已开工12个" in page and "本报告保留备查，不再计入统计" in page and REASON in page

"""Reviewing a report on its page: a supervisor returns then approves; a lead unit returns its
co-units' input but cannot approve."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.samples import pages_world, submit_co, work_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def test_supervisor_returns_then_approves(client, supervisor, outsider, world):
    report = submit_co(world, outsider)
    client.force_login(supervisor)
    queue = client.get(reverse("review-queue")).content.decode()
    assert "云江市财政局" in queue
    url = reverse("report-review", args=[report.pk])
    response = client.post(url, {"decision": "return", "reason": "", "version": report.version})
    assert response.status_code == 400 and "退回时请填写原因" in response.content.decode()
    client.post(url, {"decision": "return", "reason": "请补充项目清单", "version": report.version})
    report.refresh_from_db()
    assert report.status == "returned"
    # The reporter sees the reason and resubmits.
    client.force_login(outsider)
    page = client.get(work_url(world, "co")).content.decode()
    assert "请补充项目清单" in page
    client.post(
        work_url(world, "co"),
        {
            f"target-{world['target'].pk}": "5.5",
            "narrative": "已补充",
            "version": report.version,
            "action": "submit",
        },
    )
    report.refresh_from_db()
    assert report.status == "submitted"
    client.force_login(supervisor)
    client.post(url, {"decision": "approve", "version": report.version})
    report.refresh_from_db()
    assert report.status == "approved"


def test_a_lead_unit_can_return_but_not_approve(client, reporter, outsider, world):
    report = submit_co(world, outsider)
    client.force_login(reporter)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "退回修改" in page and "审核通过" not in page
    url = reverse("report-review", args=[report.pk])
    client.post(url, {"decision": "approve", "version": report.version})
    report.refresh_from_db()
    assert report.status == "submitted"
    client.post(url, {"decision": "return", "reason": "数据口径不一致", "version": report.version})
    report.refresh_from_db()
    assert report.status == "returned"

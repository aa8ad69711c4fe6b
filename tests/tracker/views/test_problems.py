"""The problem pages and settling a problem."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.samples import pages_world, submit_co
from tracker.models import (
    Problem,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    return pages_world(units, settings, tmp_path)


def test_problem_pages_and_resolution(client, outsider, reporter, world):
    submit_co(world, outsider, problems="项目用地报批慢")
    problem = Problem.objects.get()
    client.force_login(reporter)  # the lead unit may resolve it
    assert "项目用地报批慢" in client.get(reverse("problem-list")).content.decode()
    url = reverse("problem-resolve", args=[problem.pk])
    response = client.post(url, {"resolution": ""})
    assert response.status_code == 400
    client.post(url, {"resolution": "已协调自然资源局加快报批"})
    problem.refresh_from_db()
    assert problem.resolved_at is not None

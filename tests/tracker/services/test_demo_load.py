"""The demo a new user sees after `make run`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.http import HttpRequest

from tracker.models import Document, Problem, ProgressReport, SupervisionAction, Unit, User
from tracker.services.demo_load import DEMO_PASSWORD, demo_load

pytestmark = pytest.mark.django_db


def test_demo_loads_documents_people_and_reports_once(client):
    outcome = demo_load()
    assert outcome.loaded
    assert outcome.warnings == []
    assert Document.objects.filter(status="published").count() == 2
    assert outcome.reports_submitted == ProgressReport.objects.exclude(status="draft").count()
    assert outcome.reports_submitted >= 30
    # Supervisors approved the lead units' first half-year, returned one Q3 report, locked Q1-Q2.
    assert ProgressReport.objects.filter(status="approved", period__quarter__lte=2).exists()
    assert not ProgressReport.objects.filter(
        status="submitted", period__quarter__lte=2, responsibility__role="lead"
    ).exists()
    assert ProgressReport.objects.get(status="returned").period.quarter == 3
    assert SupervisionAction.objects.count() == 2
    assert Problem.objects.filter(resolved_at__isnull=False).count() == 1
    assert ProgressReport.objects.filter(is_late=True).exists()
    assert Problem.objects.count() == 2
    # One reporter per unit (the jurisdiction itself has none), a supervisor and an administrator.
    reporters = User.objects.filter(role="reporter")
    assert reporters.count() == Unit.objects.filter(needs_review=False).count() - 1
    assert User.objects.get(username="supervisor").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert Unit.objects.filter(needs_review=True).values_list("name", flat=True).get() == "市数据局"
    # The city's official order is its roster's; a leader in charge oversees the economy.
    assert Unit.objects.get(name="云江市人民政府").position == 1
    assert Unit.objects.get(name="云江市发展和改革委员会").position == 2
    leader = User.objects.get(username="fsz")
    assert leader.role == "leader" and leader.check_password(DEMO_PASSWORD)
    assert leader.leader_scopes.count() == 3
    assert client.login(request=HttpRequest(), username="fgw", password=DEMO_PASSWORD)
    assert "地区生产总值" in client.get("/tasks/").content.decode()
    # Loading again adds nothing.
    before = (
        Document.objects.count(),
        ProgressReport.objects.count(),
        User.objects.count(),
        Unit.objects.count(),
    )
    assert not demo_load().warnings
    assert (
        Document.objects.count(),
        ProgressReport.objects.count(),
        User.objects.count(),
        Unit.objects.count(),
    ) == before


def test_command_prints_the_logins_and_skips_a_loaded_database():
    out = StringIO()
    call_command("load_demo", "--if-empty", "--allow-known-passwords", stdout=out)
    text = out.getvalue()
    assert "已载入并发布" in text
    assert f"密码均为 {DEMO_PASSWORD}" in text
    assert "supervisor" in text and "fgw" in text
    out = StringIO()
    call_command("load_demo", "--if-empty", "--allow-known-passwords", stdout=out)
    assert "未重复载入" in out.getvalue()
    assert "supervisor" in out.getvalue()


def test_the_command_refuses_outside_debug_without_the_flag():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="公开"):
        call_command("load_demo", stdout=StringIO())
    assert not Document.objects.exists()

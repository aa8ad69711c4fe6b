"""Programs sign in to /api/ with a per-person token (`Authorization: Bearer …`): created on
我的 API 令牌 and shown once, refused once revoked or expired or when its person is
deactivated, never over plain HTTP on an HTTPS site; scoped like its person; HTTP Basic is
refused; wrong tokens lock their address out (django-axes) and not the account."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import ApiToken, AuditEvent, ProgressReport, Unit, User
from tracker.services.api_tokens import api_token_create
from tracker.services.people import person_set_active
from tracker.services.reports import ReportInput, TargetInput, report_save

pytestmark = pytest.mark.django_db

SECRET = re.compile(r'value="(trk_[A-Za-z0-9_-]+)"')


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_is_shown_once_works_and_stops_when_revoked(client, reporter):
    client.force_login(reporter)
    created = client.post(reverse("api-token-list"), {"name": "统计数据自动报送"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    secret = SECRET.search(created.content.decode()).group(1)
    token = ApiToken.objects.get(user=reporter)
    # Listed again, the token shows only its prefix.
    again = client.get(reverse("api-token-list")).content.decode()
    assert secret not in again and token.prefix in again and "统计数据自动报送" in again

    program = Client()
    response = program.get(reverse("api-periods"), **bearer(secret))
    assert response.status_code == 200, response.content
    token.refresh_from_db()
    assert token.last_used_at is not None

    confirm = client.get(reverse("api-token-revoke", args=[token.pk]))
    assert confirm.status_code == 200 and "确定吊销" in confirm.content.decode()
    assert program.get(reverse("api-periods"), **bearer(secret)).status_code == 200
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 302
    refused = program.get(reverse("api-periods"), **bearer(secret))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert set(refused.json()) == {"detail", "errors"}
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="api_token")] == [
        "api_token.revoke",
        "api_token.create",
    ]


def test_an_expired_token_is_refused(client, reporter):
    issued = api_token_create(actor=reporter, name="脚本")
    assert client.get(reverse("api-periods"), **bearer(issued.secret)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("api-periods"), **bearer(issued.secret)).status_code == 401


def test_a_deactivated_persons_token_is_refused(client, reporter, supervisor):
    issued = api_token_create(actor=reporter, name="脚本")
    person_set_active(person=reporter, actor=supervisor, active=False)
    assert client.get(reverse("api-periods"), **bearer(issued.secret)).status_code == 401
    # Deactivation revoked it (audited, by the supervisor): reactivated months later, the
    # person does not bring back a token some forgotten program still holds.
    issued.token.refresh_from_db()
    assert issued.token.revoked_by == supervisor
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=supervisor).count() == 1
    person_set_active(person=reporter, actor=supervisor, active=True)
    assert client.get(reverse("api-periods"), **bearer(issued.secret)).status_code == 401


def test_http_basic_is_refused_even_with_the_right_password(client, reporter):
    basic = "Basic " + base64.b64encode(b"bob:pw-bob").decode()
    response = client.get(reverse("api-periods"), HTTP_AUTHORIZATION=basic)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get(reverse("api-periods")).status_code == 401
    # A malformed or unknown bearer is refused too.
    for header in ("Bearer", "Bearer a b", "Bearer trk_unknown", "Bearer \u00e9"):
        assert client.get(reverse("api-periods"), HTTP_AUTHORIZATION=header).status_code == 401


def test_a_token_over_plain_http_is_refused_when_the_site_is_https(client, reporter, settings):
    issued = api_token_create(actor=reporter, name="脚本")
    settings.HTTPS = True
    response = client.get(reverse("api-periods"), **bearer(issued.secret))
    assert response.status_code == 401 and "HTTPS" in response.json()["detail"]
    secure = client.get(reverse("api-periods"), secure=True, **bearer(issued.secret))
    assert secure.status_code == 200


def test_wrong_tokens_lock_the_address_not_the_account(client, reporter, settings):
    settings.AXES_FAILURE_LIMIT = 5
    issued = api_token_create(actor=reporter, name="脚本")
    url = reverse("api-periods")
    address = {"REMOTE_ADDR": "198.51.100.9"}
    codes = [client.get(url, **address, **bearer(f"trk_guess{n}")).status_code for n in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    locked = client.get(url, **address, **bearer(issued.secret))
    assert locked.status_code == 429 and "登录失败次数过多" in locked.json()["detail"]
    # The attempt is listed by address only, for the supervisors' 登录锁定 page.
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "198.51.100.9" and attempt.username is None
    # Another address, and the owner's own sign-in, are not locked.
    other = client.get(url, REMOTE_ADDR="192.0.2.1", **bearer(issued.secret))
    assert other.status_code == 200
    signed_in = client.post(
        reverse("login"), {"username": "bob", "password": "pw-bob"}, REMOTE_ADDR="192.0.2.1"
    )
    assert signed_in.status_code == 302


# --- scoped as its person ---------------------------------------------------------------------


@pytest.fixture
def world(units, reporter, outsider):
    document = make_document()
    task = make_assignment(document, title="城镇新增就业2.8万人")
    target = make_target(task, value="2.8", unit="万人", kind="count")
    lead = make_responsibility(task, units["fgw"], "lead")
    co = make_responsibility(task, units["czj"], "co")
    q2 = make_periods(document)[1]
    stranger = User.objects.create_user(
        "dan", password="pw-dan", role="reporter", unit=Unit.objects.create(name="云江市审计局")
    )
    # The lead's report is a draft (a program may still change it), the co-unit's submitted.
    for responsibility, actor, submit in ((lead, reporter, False), (co, outsider, True)):
        report_save(
            responsibility=responsibility,
            period=q2,
            actor=actor,
            report_input=ReportInput(
                values={target.pk: TargetInput(actual=Decimal("1.5"))}, narrative="上半年新增就业"
            ),
            expected_version=None,
            submit=submit,
        )
    return {"target": target, "lead": lead, "co": co, "q2": q2, "stranger": stranger}


def test_a_token_sees_what_its_person_sees(client, reporter, outsider, supervisor, world):
    def results(user: User, name: str) -> list[dict[str, object]]:
        secret = api_token_create(actor=user, name="脚本").secret
        response = client.get(reverse(name), **bearer(secret))
        assert response.status_code == 200, response.content
        return response.json()["results"]

    # The lead unit reads its co-unit's report; the co-unit only its own; a stranger nothing.
    assert len(results(reporter, "api-reports")) == 2
    own = results(outsider, "api-reports")
    assert [r["responsibility"] for r in own] == [world["co"].pk]
    assert results(world["stranger"], "api-reports") == []
    assert len(results(supervisor, "api-responsibilities")) == 2
    stranger = api_token_create(actor=world["stranger"], name="再试").secret
    report_id = own[0]["id"]
    assert (
        client.get(reverse("api-report", args=[report_id]), **bearer(stranger)).status_code == 404
    )


def test_a_token_writes_without_csrf(client, reporter, world):
    """A program holds no session and no CSRF cookie: the token is its whole credential."""
    secret = api_token_create(actor=reporter, name="脚本").secret
    program = Client(enforce_csrf_checks=True)
    body = {
        "responsibility": world["lead"].pk,
        "period": world["q2"].pk,
        "values": [{"target": world["target"].pk, "actual": "1.8万人"}],
        "narrative": "上半年新增就业1.8万人",
    }
    current = program.get(reverse("api-reports"), **bearer(secret)).json()["results"]
    version = next(r["version"] for r in current if r["responsibility"] == world["lead"].pk)
    response = program.post(
        reverse("api-reports"),
        {**body, "version": version},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code in (200, 201), response.content
    assert ProgressReport.objects.get(responsibility=world["lead"]).narrative == body["narrative"]


def test_unlocking_one_address_leaves_another_locked(client, reporter, supervisor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    secret = api_token_create(actor=reporter, name="脚本").secret
    url = reverse("api-periods")
    for address in ("198.51.100.1", "198.51.100.2"):
        for n in range(2):
            client.get(url, REMOTE_ADDR=address, **bearer(f"trk_guess{n}"))
    first = AccessAttempt.objects.get(ip_address="198.51.100.1")
    client.force_login(supervisor)
    page = client.get(reverse("lockout-list")).content.decode()
    assert "198.51.100.1" in page and "198.51.100.2" in page
    assert client.post(reverse("lockout-unlock", args=[first.pk])).status_code == 302
    client.logout()
    assert client.get(url, REMOTE_ADDR="198.51.100.1", **bearer(secret)).status_code == 200
    assert client.get(url, REMOTE_ADDR="198.51.100.2", **bearer(secret)).status_code == 429

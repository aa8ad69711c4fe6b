"""Sign-in abuse (issue 18, item 1): repeated failures lock the account and the address, on the
pages and on the API, with a Chinese message; a supervisor unlocks on 登录锁定; password resets
and the API are throttled."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from tracker.models import AuditEvent
from tracker.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db


def _fail_logins(client, username: str, times: int, address: str = "198.51.100.7"):
    for _ in range(times):
        response = client.post(
            reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address
        )
    return response


def test_the_right_password_is_refused_once_the_account_is_locked(client, reporter, settings):
    settings.AXES_FAILURE_LIMIT = 5
    assert _fail_logins(client, "bob", 4).status_code == 200
    locked = _fail_logins(client, "bob", 1)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # The right password from another address: the account itself is locked.
    response = client.post(
        reverse("login"), {"username": "bob", "password": "pw-bob"}, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_address_trying_many_accounts_is_locked(client, reporter, outsider, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for name in ("x1", "x2", "x3", "x4", "x5"):
        _fail_logins(client, name, 1)
    response = client.post(
        reverse("login"),
        {"username": "charlie", "password": "pw-charlie"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429


def _bearer(secret: str) -> str:
    return f"Bearer {secret}"


def test_the_api_locks_out_wrong_credentials_too(client, reporter, settings):
    settings.AXES_FAILURE_LIMIT = 5
    secret = api_token_create(actor=reporter, name="脚本").secret
    url = reverse("api-periods")
    for n in range(5):
        response = client.get(url, HTTP_AUTHORIZATION=_bearer(f"trk_wrong{n}"))
        assert response.status_code in (401, 403, 429)
    response = client.get(url, HTTP_AUTHORIZATION=_bearer(secret))
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["detail"]


def test_api_credentials_over_plain_http_are_refused_when_the_site_is_https(
    client, reporter, settings
):
    secret = api_token_create(actor=reporter, name="脚本").secret
    settings.HTTPS = True
    response = client.get(reverse("api-periods"), HTTP_AUTHORIZATION=_bearer(secret))
    assert response.status_code in (401, 403)
    assert "HTTPS" in response.json()["detail"]
    secure = client.get(reverse("api-periods"), HTTP_AUTHORIZATION=_bearer(secret), secure=True)
    assert secure.status_code == 200


def test_a_supervisor_unlocks_and_the_unlock_is_audited(client, reporter, supervisor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _fail_logins(client, "bob", 3)
    client.force_login(supervisor)
    page = client.get(reverse("lockout-list")).content.decode()
    assert "bob" in page and "198.51.100.7" in page
    attempt = AccessAttempt.objects.get(username="bob")
    response = client.post(reverse("lockout-unlock", args=[attempt.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="bob").exists()
    assert AuditEvent.objects.filter(action="lockout_clear", actor=supervisor).exists()
    client.logout()
    response = client.post(
        reverse("login"), {"username": "bob", "password": "pw-bob"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["reporter", "outsider", None])
def test_only_supervisors_see_or_use_the_lockout_page(client, request, settings, reporter, who):
    settings.AXES_FAILURE_LIMIT = 1
    _fail_logins(client, "mallory", 1)
    attempt = AccessAttempt.objects.get(username="mallory")
    if who:
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("lockout-list")).status_code == 404
        assert client.post(reverse("lockout-unlock", args=[attempt.pk])).status_code == 404
    else:
        assert client.get(reverse("lockout-list")).status_code == 302
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_twenty_password_resets_send_three_mails(client, reporter, settings):
    settings.TRACKER_PASSWORD_RESET_PER_HOUR = 3
    reporter.email = "bob@example.gov.cn"
    reporter.save()
    for _ in range(20):
        response = client.post(reverse("password_reset"), {"email": "bob@example.gov.cn"})
        assert response.status_code == 302
    assert len(mail.outbox) == 3


def test_the_api_throttles_a_caller(client, reporter, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"}
    )
    client.force_login(reporter)
    codes = [client.get(reverse("api-periods")).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert "限流" in client.get(reverse("api-periods")).json()["detail"]

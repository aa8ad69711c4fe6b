"""我的 API 令牌: every signed-in person lists and revokes their own tokens; a supervisor opens
and revokes those of anyone whose account they keep; anyone else gets 404, as for another unit's
data, and anonymous visitors are sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tracker.models import ApiToken, AuditEvent, User
from tracker.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(reporter):
    return api_token_create(actor=reporter, name="季度数据同步脚本").token


def test_the_user_menu_links_to_the_page(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("api-token-list") in page


def test_a_blank_name_is_refused_with_nothing_created(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("api-token-list"), {"name": "  "})
    assert response.status_code == 200 and 'value="trk_' not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_list_shows_only_ones_own_tokens(client, outsider, token):
    client.force_login(outsider)
    page = client.get(reverse("api-token-list")).content.decode()
    assert token.prefix not in page and "季度数据同步脚本" not in page


@pytest.mark.parametrize("who", ["outsider", "leader"])
def test_an_outsider_can_neither_see_nor_revoke_anothers_token(client, request, token, who):
    person = (
        request.getfixturevalue("outsider")
        if who == "outsider"
        else User.objects.create_user("lee", role=User.Role.LEADER)
    )
    client.force_login(person)
    assert client.get(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("person-api-tokens", args=[token.user_id])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, token):
    for url in (
        reverse("api-token-list"),
        reverse("api-token-revoke", args=[token.pk]),
        reverse("person-api-tokens", args=[token.user_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("api-token-list"), {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 1


def test_a_supervisor_sees_and_revokes_a_persons_token(client, supervisor, reporter, token):
    client.force_login(supervisor)
    person_page = client.get(reverse("person-detail", args=[reporter.pk])).content.decode()
    assert reverse("person-api-tokens", args=[reporter.pk]) in person_page
    page = client.get(reverse("person-api-tokens", args=[reporter.pk])).content.decode()
    assert token.prefix in page and "季度数据同步脚本" in page
    # The supervisor's page creates no token for someone else.
    assert 'name="name"' not in page
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response["Location"] == reverse("person-api-tokens", args=[reporter.pk])
    token.refresh_from_db()
    assert token.revoked_by == supervisor
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == supervisor and event.after["user_id"] == reporter.pk
    page = client.get(reverse("person-api-tokens", args=[reporter.pk])).content.decode()
    assert "已吊销" in page and reverse("api-token-revoke", args=[token.pk]) not in page


def test_an_administrators_tokens_are_the_administrators_alone(client, supervisor):
    admin = User.objects.create_user("root", role=User.Role.ADMINISTRATOR)
    theirs = api_token_create(actor=admin, name="运维").token
    client.force_login(supervisor)
    assert client.get(reverse("person-api-tokens", args=[admin.pk])).status_code == 404
    assert client.post(reverse("api-token-revoke", args=[theirs.pk])).status_code == 404
    other_admin = User.objects.create_user("root2", role=User.Role.ADMINISTRATOR)
    client.force_login(other_admin)
    assert client.get(reverse("person-api-tokens", args=[admin.pk])).status_code == 200


def test_revoking_twice_says_so_and_changes_nothing(client, reporter, token):
    client.force_login(reporter)
    client.post(reverse("api-token-revoke", args=[token.pk]))
    page = client.get(reverse("api-token-revoke", args=[token.pk])).content.decode()
    assert "该令牌已吊销" in page and "确定吊销" not in page
    client.post(reverse("api-token-revoke", args=[token.pk]))
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1

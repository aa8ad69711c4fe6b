"""API tokens: the secret exists only in the answer to its creation (the row keeps a SHA-256 and
a short prefix), a person revokes their own and a supervisor anyone's they keep, each create and
revoke is audited, and a use is noted at most once a minute."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from tracker.models import ApiToken, AuditEvent, User
from tracker.selectors.api_tokens import api_token_active
from tracker.services.api_tokens import (
    MAX_ACTIVE_TOKENS,
    ApiTokenRefused,
    api_token_create,
    api_token_mark_used,
    api_token_revoke,
)

pytestmark = pytest.mark.django_db


def test_only_a_digest_and_a_prefix_are_stored(reporter, settings):
    settings.TRACKER_API_TOKEN_DAYS = 30
    issued = api_token_create(actor=reporter, name="  统计数据自动报送 ")
    token = ApiToken.objects.get()
    assert issued.secret.startswith("trk_") and len(issued.secret) >= 40
    assert token.name == "统计数据自动报送" and token.user == reporter
    assert token.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert token.prefix == issued.secret[:12]
    # Nothing stored, audited or printed holds the secret.
    stored = [str(v) for v in ApiToken.objects.values().get().values()]
    trail = [str(e.after) for e in AuditEvent.objects.all()]
    assert not any(issued.secret in text for text in stored + trail + [str(token)])
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert api_token_active(issued.secret, at=timezone.now()) == token
    assert api_token_active(issued.secret + "x", at=timezone.now()) is None


def test_no_lifetime_setting_means_until_revoked(reporter, settings):
    settings.TRACKER_API_TOKEN_DAYS = 0
    assert api_token_create(actor=reporter, name="长期").token.expires_at is None


def test_create_and_revoke_are_audited(reporter):
    issued = api_token_create(actor=reporter, name="脚本")
    created = AuditEvent.objects.get(action="api_token.create")
    assert created.actor == reporter and created.after["prefix"] == issued.token.prefix
    api_token_revoke(token=issued.token, actor=reporter)
    revoked = AuditEvent.objects.get(action="api_token.revoke")
    assert revoked.actor == reporter and revoked.object_id == str(issued.token.pk)
    assert issued.token.revoked_by == reporter and issued.token.revoked_at is not None
    # Revoking again changes nothing and records nothing.
    api_token_revoke(token=issued.token, actor=reporter)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    assert api_token_active(issued.secret, at=timezone.now()) is None


def test_a_supervisor_revokes_anyones_and_an_outsider_no_ones(reporter, outsider, supervisor):
    token = api_token_create(actor=reporter, name="脚本").token
    with pytest.raises(ApiTokenRefused):
        api_token_revoke(token=token, actor=outsider)
    token.refresh_from_db()
    assert token.revoked_at is None
    api_token_revoke(token=token, actor=supervisor)
    assert token.revoked_by == supervisor
    # An administrator's token is the administrators' alone, as their account is.
    admin = User.objects.create_user("root", role=User.Role.ADMINISTRATOR)
    theirs = api_token_create(actor=admin, name="运维").token
    with pytest.raises(ApiTokenRefused):
        api_token_revoke(token=theirs, actor=supervisor)


def test_a_name_is_required_and_active_tokens_are_capped(reporter):
    with pytest.raises(ApiTokenRefused) as refused:
        api_token_create(actor=reporter, name="  ")
    assert "name" in refused.value.errors
    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(actor=reporter, name=f"脚本{n}")
    with pytest.raises(ApiTokenRefused):
        api_token_create(actor=reporter, name="再来一个")
    api_token_revoke(token=ApiToken.objects.first(), actor=reporter)
    assert api_token_create(actor=reporter, name="再来一个").token.pk


def test_a_deactivated_persons_token_stops_and_they_cannot_make_one(reporter):
    issued = api_token_create(actor=reporter, name="脚本")
    User.objects.filter(pk=reporter.pk).update(is_active=False)
    assert api_token_active(issued.secret, at=timezone.now()) is None
    reporter.refresh_from_db()
    with pytest.raises(ApiTokenRefused):
        api_token_create(actor=reporter, name="另一个")


def test_an_expired_token_stops(reporter):
    issued = api_token_create(actor=reporter, name="脚本")
    assert api_token_active(issued.secret, at=issued.token.expires_at - timedelta(seconds=1))
    assert api_token_active(issued.secret, at=issued.token.expires_at) is None


def test_a_use_is_written_at_most_once_a_minute(reporter, django_assert_num_queries):
    token = api_token_create(actor=reporter, name="脚本").token
    start = timezone.now()
    assert api_token_mark_used(token=token, at=start)
    with django_assert_num_queries(0):
        assert not api_token_mark_used(token=token, at=start + timedelta(seconds=59))
    # Another process holding a stale copy does not write either.
    stale = ApiToken.objects.get(pk=token.pk)
    stale.last_used_at = None
    assert not api_token_mark_used(token=stale, at=start + timedelta(seconds=30))
    assert api_token_mark_used(token=token, at=start + timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)

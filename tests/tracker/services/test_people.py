"""People kept in the product: an account for a unit with a role, invited by an e-mail sent
after commit whose one-time link sets the password and expires; reset makes the old password
useless at once; only administrators hand out the supervisor and administrator roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tracker.celery import app
from tracker.models import AuditEvent, LeaderScope, User
from tracker.services.people import (
    PersonRefused,
    invitation_link,
    person_create,
    person_password_set,
    person_reset,
    person_set_active,
    person_update,
)
from tracker.tokens import invitation_tokens

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://\S+/accounts/invitation/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/")


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def admin(db):
    return User.objects.create_user("root", role=User.Role.ADMINISTRATOR, email="root@x.cn")


def test_an_invitation_is_sent_after_commit_with_a_working_one_time_link(
    units, supervisor, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person = person_create(
            actor=supervisor,
            username="czj-li",
            full_name="李明",
            email="li@czj.example.cn",
            role=User.Role.REPORTER,
            unit=units["czj"],
        )
    assert mail.outbox == []  # nothing leaves before the account commits
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["li@czj.example.cn"]
    assert "账号开通" in message.subject and "云江市财政局" in message.subject
    token = LINK.search(message.body).group("token")
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert invitation_tokens.check_token(person, token)
    person_password_set(person=person, password="Caizheng-2026!")
    person.refresh_from_db()
    assert person.check_password("Caizheng-2026!")
    # Spent: the token covers the password hash.
    assert not invitation_tokens.check_token(person, token)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["user.create", "user.invite", "user.password_set"]


def test_the_link_expires_and_a_newer_invitation_retires_the_older(units, supervisor, settings):
    person = person_create(
        actor=supervisor, username="p1", email="p1@x.cn", unit=units["czj"], invite=False
    )
    person.invited_at = timezone.now()
    person.save()
    first = invitation_link(person).rstrip("/").rsplit("/", 1)[-1]
    assert invitation_tokens.check_token(person, first)
    # A day past the limit (Django reads the token's clock in naive local time).
    with time_machine.travel(timezone.now() + timedelta(days=settings.TRACKER_INVITATION_DAYS + 1)):
        assert not invitation_tokens.check_token(person, first)
    person.invited_at = timezone.now() + timedelta(seconds=5)
    person.save()
    assert not invitation_tokens.check_token(person, first)


def test_reset_makes_the_old_password_useless_and_sends_a_link(units, supervisor, eager):
    person = User.objects.create_user(
        "p2", password="old-Password-1", email="p2@x.cn", role="reporter", unit=units["czj"]
    )
    person_reset(person=person, actor=supervisor)
    person.refresh_from_db()
    assert not person.check_password("old-Password-1")
    assert not person.has_usable_password()


def test_bad_people_are_refused_with_the_field(units, supervisor):
    with pytest.raises(PersonRefused) as refused:
        person_create(actor=supervisor, username="x y", email="not-an-email", unit=units["czj"])
    assert set(refused.value.errors) == {"username", "email"}
    with pytest.raises(PersonRefused) as refused:
        person_create(actor=supervisor, username="nounit", email="n@x.cn", role="reporter")
    assert "unit" in refused.value.errors
    with pytest.raises(PersonRefused) as refused:
        person_create(actor=supervisor, username="alice", email="a@x.cn", unit=units["czj"])
    assert "已被使用" in refused.value.errors["username"]
    assert not User.objects.filter(username__in=["x y", "nounit"]).exists()


def test_only_an_administrator_gives_the_supervisor_role(units, supervisor, admin):
    with pytest.raises(PersonRefused) as refused:
        person_create(actor=supervisor, username="dc2", email="d@x.cn", role="supervisor")
    assert "role" in refused.value.errors
    made = person_create(actor=admin, username="dc2", email="d@x.cn", role="supervisor")
    # A supervisor cannot touch that account afterwards either.
    with pytest.raises(PersonRefused):
        person_set_active(person=made, actor=supervisor, active=False)


def test_a_leader_oversees_the_units_and_tasks_given(units, supervisor):
    leader = person_create(
        actor=supervisor,
        username="ld",
        email="ld@x.cn",
        role=User.Role.LEADER,
        leader_units=[units["fgw"], units["czj"]],
        invite=False,
    )
    assert set(LeaderScope.objects.values_list("unit_id", flat=True)) == {
        units["fgw"].pk,
        units["czj"].pk,
    }
    person_update(
        person=leader,
        actor=supervisor,
        full_name="王副市长",
        email="ld@x.cn",
        phone="",
        role=User.Role.LEADER,
        unit=None,
        leader_units=[units["fgw"]],
    )
    assert list(LeaderScope.objects.values_list("unit_id", flat=True)) == [units["fgw"].pk]
    event = AuditEvent.objects.get(action="user.update")
    assert event.before["units"] == sorted([units["fgw"].pk, units["czj"].pk])
    assert event.after["units"] == [units["fgw"].pk]


def test_deactivating_is_audited_and_not_for_oneself(units, supervisor, reporter, admin):
    person_set_active(person=reporter, actor=supervisor, active=False)
    reporter.refresh_from_db()
    assert not reporter.is_active
    assert AuditEvent.objects.filter(action="user.deactivate").count() == 1
    with pytest.raises(PersonRefused, match="自己"):
        person_set_active(person=admin, actor=admin, active=False)

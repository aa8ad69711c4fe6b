"""The people pages: an account created for a unit and invited, the invitation link that sets a
password once (public, but useless without a valid token), reset and deactivation; supervisor
and administrator accounts stay the administrators'; reporters get 404 everywhere."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tracker.celery import app
from tracker.models import User

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://\S+(/accounts/invitation/\S+/)")


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_no_one_but_supervisors_learns_the_pages_exist(client, request, units, reporter, who):
    client.force_login(request.getfixturevalue(who))
    for method, url in [
        ("get", reverse("person-list")),
        ("get", reverse("person-new")),
        ("post", reverse("person-new")),
        ("get", reverse("person-detail", args=[reporter.pk])),
        ("post", reverse("person-detail", args=[reporter.pk])),
        ("post", reverse("person-action", args=[reporter.pk, "deactivate"])),
        ("post", reverse("person-action", args=[reporter.pk, "reset"])),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    reporter.refresh_from_db()
    assert reporter.is_active and reporter.has_usable_password()


def test_a_supervisor_does_not_see_an_administrators_account(client, supervisor):
    root = User.objects.create_user("root", role=User.Role.ADMINISTRATOR)
    client.force_login(supervisor)
    assert client.get(reverse("person-detail", args=[root.pk])).status_code == 404
    page = client.get(reverse("person-new")).content.decode()
    assert 'value="reporter"' in page and 'value="supervisor"' not in page


def test_an_invited_reporter_sets_a_password_once_and_is_signed_in(
    client, supervisor, units, eager, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("person-new"),
            {
                "username": "czj-li",
                "full_name": "李明",
                "email": "li@czj.example.cn",
                "unit": units["czj"].pk,
                "role": "reporter",
                "invite": "on",
            },
        )
    assert response.status_code == 302
    person = User.objects.get(username="czj-li")
    page = client.get(response["Location"]).content.decode()
    assert "已邀请" in page and "邀请邮件已发往 li@czj.example.cn" in page
    (message,) = mail.outbox
    path = LINK.search(message.body).group(1)
    client.logout()
    form = client.get(path)
    assert form.status_code == 200 and "czj-li" in form.content.decode()
    weak = client.post(path, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and not User.objects.get(pk=person.pk).has_usable_password()
    done = client.post(path, {"new_password1": "Caizheng-2026!", "new_password2": "Caizheng-2026!"})
    assert done.status_code == 302
    assert client.get(reverse("my-tasks")).status_code == 200  # signed in
    client.logout()
    assert client.get(path).status_code == 410  # spent


def test_a_forged_link_opens_nothing(client, reporter):
    assert client.get("/accounts/invitation/MQ/abc-def/").status_code == 410
    assert client.get("/accounts/invitation/%%%/x/").status_code == 410


def test_reset_and_deactivate_from_the_person_page(client, supervisor, reporter, eager):
    reporter.email = "bob@x.cn"
    reporter.save()
    client.force_login(supervisor)
    client.post(reverse("person-action", args=[reporter.pk, "reset"]))
    reporter.refresh_from_db()
    assert not reporter.has_usable_password() and reporter.invited_at is not None
    client.post(reverse("person-action", args=[reporter.pk, "deactivate"]))
    reporter.refresh_from_db()
    assert not reporter.is_active
    assert client.post(reverse("person-action", args=[reporter.pk, "promote"])).status_code == 404

"""The units pages: the list in the official order, a unit changed in the product (its old name
kept), aliases, a merge previewed then confirmed, groups defined once (suggested members ticked);
nobody but a supervisor or an administrator learns the pages exist (404)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_assignment, make_document, make_responsibility
from tracker.models import AuditEvent, Responsibility, Unit, UnitAlias, UnitGroup, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(units):
    made = UnitGroup.objects.create(name="各市直部门")
    made.members.add(units["fgw"])
    return made


def _urls(units, group):
    alias = UnitAlias.objects.get(alias="市财政局")
    return [
        ("get", reverse("unit-list")),
        ("get", reverse("unit-new")),
        ("post", reverse("unit-new")),
        ("get", reverse("unit-detail", args=[units["czj"].pk])),
        ("post", reverse("unit-detail", args=[units["czj"].pk])),
        ("post", reverse("unit-alias-add", args=[units["czj"].pk])),
        ("post", reverse("unit-alias-delete", args=[alias.pk])),
        ("get", reverse("unit-merge", args=[units["czj"].pk])),
        ("post", reverse("unit-merge", args=[units["czj"].pk])),
        ("get", reverse("group-list")),
        ("get", reverse("group-new")),
        ("post", reverse("group-new")),
        ("get", reverse("group-edit", args=[group.pk])),
        ("post", reverse("group-delete", args=[group.pk])),
    ]


@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_no_one_but_supervisors_learns_the_pages_exist(client, request, units, group, who):
    client.force_login(request.getfixturevalue(who))
    for method, url in _urls(units, group):
        assert getattr(client, method)(url).status_code == 404, url
    assert UnitAlias.objects.filter(alias="市财政局").exists()
    assert UnitGroup.objects.filter(pk=group.pk).exists()


def test_the_list_follows_the_official_order_and_flags_units_without_reporters(
    client, supervisor, units, reporter
):
    units["czj"].position = 1
    units["czj"].save()
    make_responsibility(make_assignment(make_document(), title="任务"), units["czj"], "lead")
    client.force_login(supervisor)
    page = client.get(reverse("unit-list")).content.decode()
    assert page.index("云江市财政局") < page.index("云江市发展和改革委员会")
    assert "无填报人员" in page


def test_renaming_keeps_the_old_name_and_a_refusal_shows_beside_the_field(
    client, supervisor, units
):
    client.force_login(supervisor)
    url = reverse("unit-detail", args=[units["czj"].pk])
    data = {
        "name": "云江市财政局（国资委）",
        "level": "city",
        "kind": "department",
        "parent": units["city"].pk,
        "position": "4",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    assert UnitAlias.objects.filter(alias="云江市财政局", unit=units["czj"]).exists()
    refused = client.post(url, {**data, "name": "市发展改革委"})
    assert refused.status_code == 200
    assert "已是单位“云江市发展和改革委员会”的名称或别名" in refused.content.decode()
    units["czj"].refresh_from_db()
    assert units["czj"].name == "云江市财政局（国资委）"


def test_a_merge_is_previewed_then_confirmed(client, supervisor, units, outsider):
    duplicate = Unit.objects.create(name="市财政", needs_review=True)
    task = make_assignment(make_document(), title="任务")
    make_responsibility(task, duplicate, "co")
    outsider.unit = duplicate
    outsider.save()
    client.force_login(supervisor)
    url = reverse("unit-merge", args=[duplicate.pk])
    preview = client.get(url, {"into": units["czj"].pk}).content.decode()
    assert "将转到“云江市财政局”的内容" in preview and "确认合并" in preview
    unconfirmed = client.post(url, {"into": units["czj"].pk})
    assert "请勾选确认" in unconfirmed.content.decode()
    assert Responsibility.objects.get().unit == duplicate
    done = client.post(url, {"into": units["czj"].pk, "confirm": "on"})
    assert done.status_code == 302
    assert Responsibility.objects.get().unit == units["czj"]
    assert User.objects.get(pk=outsider.pk).unit == units["czj"]
    history = client.get(reverse("unit-detail", args=[units["czj"].pk])).content.decode()
    assert "合并单位：“市财政”并入本单位" in history


def test_a_group_from_a_document_name_comes_with_its_likely_members_ticked(
    client, supervisor, units, draft
):
    towns = [Unit.objects.create(name=n, level="town") for n in ("岑河镇", "关沮镇")]
    client.force_login(supervisor)
    url = reverse("group-new") + f"?name=各镇&document={draft.pk}"
    page = client.get(url).content.decode()
    assert "已按名称预先勾选" in page
    for town in towns:
        assert re.search(rf'name="members" value="{town.pk}"[^>]*checked', page), town.name
    assert not re.search(rf'name="members" value="{units["czj"].pk}"[^>]*checked', page)
    response = client.post(
        url,
        {"name": "各镇", "members": [t.pk for t in towns], "new_members": "锣场镇"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("document-units", args=[draft.pk])
    group = UnitGroup.objects.get(name="各镇")
    assert sorted(u.name for u in group.members.all()) == ["关沮镇", "岑河镇", "锣场镇"]
    assert AuditEvent.objects.filter(action="unitgroup.create").exists()


def test_the_lists_query_count_does_not_grow_with_units_and_people(client, supervisor, units):
    client.force_login(supervisor)

    def counts() -> list[int]:
        found = []
        for name in ("unit-list", "group-list", "person-list"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            found.append(len(queries))
        return found

    UnitGroup.objects.create(name="一个集合").members.add(units["fgw"])
    client.get(reverse("unit-list"))  # warm caches (content types, sessions)
    few = counts()
    for n in range(20):
        unit = Unit.objects.create(name=f"新增单位{n}", position=n)
        UnitAlias.objects.create(alias=f"新增{n}", unit=unit)
        User.objects.create_user(f"u{n}", role="reporter", unit=unit)
        group = UnitGroup.objects.create(name=f"集合{n}")
        group.members.add(unit)
    assert counts() == few

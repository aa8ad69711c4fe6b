"""Applying a roster file: all of it in one transaction, or — when any row is refused (an
unknown parent, a duplicate name, a bad e-mail, a loop of parents, an unknown role, …) — none
of it, each refusal naming its row."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core import mail
from django.utils import translation

from tests.samples import SHASHI_ECOLOGY, SHASHI_GOVERNMENT, roster_workbook, shashi_roster
from tracker.celery import app
from tracker.models import AuditEvent, LeaderScope, Unit, UnitAlias, UnitContact, UnitGroup, User
from tracker.roster_files import (
    COLUMNS,
    GROUPS,
    PEOPLE,
    UNITS,
    RosterRow,
    read_roster,
    roster_xlsx,
)
from tracker.selectors.rosters import roster_plan, roster_tables
from tracker.selectors.units import UnitDirectory
from tracker.services.rosters import RosterRefused, roster_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return User.objects.create_user("root", role=User.Role.ADMINISTRATOR)


def rows(sheet: str, *table: list[str]) -> list[RosterRow]:
    """Rows as a spreadsheet numbers them: the header is row 1."""
    return [
        RosterRow(sheet, number, dict(zip(COLUMNS[sheet], values, strict=False)))
        for number, values in enumerate(table, start=2)
    ]


def everything() -> tuple[int, ...]:
    return (
        Unit.objects.count(),
        UnitAlias.objects.count(),
        UnitContact.objects.count(),
        UnitGroup.objects.count(),
        User.objects.count(),
        LeaderScope.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_shashi_roster_is_applied_whole(tmp_path, admin, django_capture_on_commit_callbacks):
    path = roster_workbook(shashi_roster(), tmp_path / "roster.xlsx")
    parsed = read_roster(path.read_bytes(), path.name)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = roster_apply(rows=parsed, actor=admin)
    assert (outcome.units_created, outcome.people_created, outcome.groups_saved) == (49, 2, 3)
    assert len(outcome.invited) == 2 and len(callbacks) == 1
    government = Unit.objects.get(name=SHASHI_GOVERNMENT)
    ecology = Unit.objects.get(name=SHASHI_ECOLOGY)
    assert (ecology.parent, ecology.level, ecology.position) == (government, "county", 13)
    assert UnitDirectory.load().find("区生态环境分局").units == [ecology]
    assert sorted(u.name for u in UnitGroup.objects.get(name="各街道").members.all())[0] == (
        "中山街道办事处"
    )
    leader = User.objects.get(username="fzld")
    assert leader.role == "leader" and not leader.has_usable_password()
    assert set(LeaderScope.objects.filter(leader=leader).values_list("unit__name", flat=True)) == {
        SHASHI_ECOLOGY,
        "荆州市沙市区发展和改革局",
    }
    assert AuditEvent.objects.filter(action="roster.import").count() == 1
    # The same file again changes nothing.
    again = roster_plan(parsed, actor=admin)
    assert again.count("unchanged") == len(parsed)


BAD_ROWS = [
    (UNITS, [["甲局", "市级", "不存在的单位"]], "单位表第2行：上级单位“不存在的单位”不存在"),
    (
        UNITS,
        [["甲局", "市级"], ["乙局"], ["甲局", "县级"]],
        "单位表第4行：单位名称“甲局”与单位表第2行重复",
    ),
    (
        UNITS,
        [["甲局", "", "", "", "", "", "jia@@x"]],
        "单位表第2行：联系邮箱“jia@@x”格式不正确",
    ),
    (
        UNITS,
        [["甲局", "", "丙局"], ["乙局", "", "甲局"], ["丙局", "", "乙局"]],
        "单位表第2行：上级单位形成循环：甲局 → 丙局 → 乙局 → 甲局",
    ),
    (UNITS, [["甲局", "中央级"]], "单位表第2行：层级“中央级”无效"),
    (UNITS, [["甲局", "", "", "第一"]], "单位表第2行：排序号“第一”应为正整数"),
    (UNITS, [["市财政局"]], "单位表第2行：“市财政局”已是“云江市财政局”的别名"),
    (
        PEOPLE,
        [["li", "李明", "li@x.cn", "", "云江市财政局", "科长"]],
        "人员表第2行：角色“科长”无效",
    ),
    (
        PEOPLE,
        [["li", "李明", "li@x", "", "云江市财政局"]],
        "人员表第2行：电子邮箱“li@x”格式不正确",
    ),
    (
        PEOPLE,
        [["li", "李明", "li@x.cn", "", "不存在的局"]],
        "人员表第2行：所属单位“不存在的局”不存在",
    ),
    (PEOPLE, [["li", "李明", "", "", "云江市财政局"]], "人员表第2行：新人员须填写电子邮箱"),
    (GROUPS, [["各镇", "甲镇、乙镇"]], "单位集合表第2行：成员单位不存在：甲镇、乙镇"),
]


@pytest.mark.parametrize(("sheet", "table", "message"), BAD_ROWS)
def test_a_bad_row_is_refused_with_its_number_and_nothing_changes(
    units, admin, sheet, table, message
):
    before = everything()
    parsed = [*rows(UNITS, ["新单位", "市级", "云江市人民政府"]), *rows(sheet, *table)]
    with pytest.raises(RosterRefused) as refused:
        roster_apply(rows=parsed, actor=admin)
    errors = [e for row in refused.value.plan.refused for e in row.errors]
    assert any(e.startswith(message) for e in errors), errors
    assert everything() == before


def test_a_supervisor_cannot_import_a_supervisor(units, supervisor):
    parsed = rows(PEOPLE, ["dc2", "", "dc2@x.cn", "", "", "督查员"])
    with pytest.raises(RosterRefused) as refused:
        roster_apply(rows=parsed, actor=supervisor)
    assert "只有管理员" in refused.value.plan.refused[0].errors[0]
    assert not User.objects.filter(username="dc2").exists()


def test_a_later_row_may_name_its_parent_and_existing_units_are_changed_not_doubled(units, admin):
    parsed = rows(
        UNITS,
        ["云江市财政局", "", "", "7", "", "财政局、市财政", "czj@x.cn"],
        ["区税务分局", "县级", "云江区政府"],
        ["云江区政府", "县级", "云江市人民政府", "20", "党委政府"],
    )
    plan = roster_plan(parsed, actor=admin)
    assert [r.action for r in plan.rows] == ["update", "create", "create"]
    assert "排序号改为7" in plan.rows[0].changes
    roster_apply(rows=parsed, actor=admin)
    czj = Unit.objects.get(name="云江市财政局")
    assert czj.position == 7 and czj.contacts.get().email == "czj@x.cn"
    assert Unit.objects.get(name="区税务分局").parent.name == "云江区政府"
    assert Unit.objects.filter(name="云江市财政局").count() == 1


def test_the_export_reads_back_as_the_same_roster(tmp_path, admin):
    path = roster_workbook(shashi_roster(), tmp_path / "roster.xlsx")
    roster_apply(rows=read_roster(path.read_bytes(), path.name), actor=admin, invite=False)
    exported = roster_xlsx(roster_tables())
    plan = roster_plan(read_roster(exported, "export.xlsx"), actor=admin)
    assert {row.action for row in plan.rows} == {"unchanged"}, [
        (r.label, r.changes, r.errors) for r in plan.rows if r.action != "unchanged"
    ]


def test_the_export_in_english_reads_back_as_the_same_roster(tmp_path, admin):
    """Sheet names, headings, levels, kinds and roles written in English are read back."""
    path = roster_workbook(shashi_roster(), tmp_path / "roster.xlsx")
    roster_apply(rows=read_roster(path.read_bytes(), path.name), actor=admin, invite=False)
    with translation.override("en"):
        exported = roster_xlsx(roster_tables())
    book = openpyxl.load_workbook(io.BytesIO(exported))
    assert book.sheetnames == ["Units", "People", "Groups"]
    assert "Administrator" in {c.value for row in book["People"].iter_rows() for c in row}
    plan = roster_plan(read_roster(exported, "export.xlsx"), actor=admin)
    assert {row.action for row in plan.rows} == {"unchanged"}, [
        (r.label, r.changes, r.errors) for r in plan.rows if r.action != "unchanged"
    ]


def test_imported_people_are_invited_after_commit(admin, units, django_capture_on_commit_callbacks):
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            roster_apply(
                rows=rows(PEOPLE, ["li", "李明", "li@x.cn", "", "云江市财政局", "填报员"]),
                actor=admin,
            )
        assert mail.outbox == []
        for callback in callbacks:
            callback()
    finally:
        app.conf.task_always_eager = False
    (message,) = mail.outbox
    assert message.to == ["li@x.cn"] and "/accounts/invitation/" in message.body

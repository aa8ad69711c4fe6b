"""The 督办单 loop: issued with a numbered reference to units, answered with 反馈 and files,
returned, answered again, closed; every step told once (inbox + e-mail) by the calendar's
sweep; an overdue one escalated to the unit's 分管领导, else the supervisors; the .docx."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from docx import Document as DocxDocument

from tests.samples import at, calendar_world, claimed, sweep_and_send
from tracker.models import (
    LeaderScope,
    Notice,
    NoticeKind,
    Problem,
    SupervisionAction,
    User,
)
from tracker.services.duban import (
    DubanRefused,
    Upload,
    duban_close,
    duban_feedback_submit,
    duban_issue,
    duban_return,
)
from tracker.services.duban_export import duban_docx

NOW = at(5, 10, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(units, reporter, outsider):
    return calendar_world(units, reporter, outsider)


def issue(world, *, units=None, deadline=date(2026, 5, 15), urgency="red", now=NOW):
    return duban_issue(
        actor=world["supervisor"],
        units=units or [world["units"]["fgw"]],
        period=world["period"],
        urgency=urgency,
        requirement="请于5月15日前报送固定资产投资项目开工情况，并说明滞后原因。",
        deadline=deadline,
        now=now,
    )


def test_a_duban_gets_the_years_next_number_shared_by_its_units(world):
    (first,) = issue(world)
    both = issue(world, units=[world["units"]["fgw"], world["units"]["czj"]])
    assert first.reference == "督办〔2026〕1号"
    assert [a.reference for a in both] == ["督办〔2026〕2号", "督办〔2026〕2号"]
    assert {a.unit.name for a in both} == {"云江市发展和改革委员会", "云江市财政局"}
    assert all(a.status == "open" and a.kind == "urge" for a in both)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requirement": "  "}, "督办要求"),
        ({"deadline": date(2026, 5, 9)}, "办理时限"),
        ({"urgency": "purple"}, "紧急程度"),
        ({"units": []}, "对象单位"),
    ],
)
def test_an_incomplete_duban_is_refused(world, change, message):
    arguments = {
        "actor": world["supervisor"],
        "units": [world["units"]["fgw"]],
        "period": world["period"],
        "urgency": "blue",
        "requirement": "请报送",
        "deadline": date(2026, 5, 15),
        "now": NOW,
        **change,
    }
    with pytest.raises(DubanRefused, match=message):
        duban_issue(**arguments)
    assert not SupervisionAction.objects.exists()


def test_only_supervisors_issue_and_only_the_unit_answers(world):
    with pytest.raises(DubanRefused, match="督查人员"):
        duban_issue(
            actor=world["reporter"],
            units=[world["units"]["czj"]],
            period=world["period"],
            urgency="red",
            requirement="x",
            deadline=date(2026, 5, 15),
            now=NOW,
        )
    (action,) = issue(world)
    with pytest.raises(DubanRefused, match="被督办单位"):
        duban_feedback_submit(action=action, actor=world["outsider"], text="不是我们的", now=NOW)
    with pytest.raises(DubanRefused, match="督查人员"):
        duban_close(action=action, actor=world["reporter"], now=NOW)


def test_answer_return_answer_close_each_told_once_in_the_inbox_and_by_mail(world):
    reporter, supervisor = world["reporter"], world["supervisor"]
    (action,) = issue(world)
    mails = sweep_and_send(NOW)
    assert [m.to for m in mails] == [["fgw@yunjiang.example.cn"]]
    assert "督办〔2026〕1号" in mails[0].body and "收到督办单" in mails[0].body
    assert list(Notice.objects.filter(user=reporter).values_list("kind", flat=True)) == [
        NoticeKind.DUBAN_ISSUED
    ]
    assert not Notice.objects.filter(user=world["outsider"]).exists()
    assert sweep_and_send(NOW + timedelta(minutes=10)) == []

    duban_feedback_submit(
        action=action,
        actor=reporter,
        text="已开工12个项目，其余3个5月底前开工。",
        files=[Upload("开工情况.pdf", PDF)],
        now=NOW,
    )
    action.refresh_from_db()
    assert (action.status, action.round) == ("answered", 1)
    assert action.feedback.get().evidence.get().original_name == "开工情况.pdf"
    mails = sweep_and_send(NOW + timedelta(minutes=20))
    assert [m.to for m in mails] == [["dcs@yunjiang.example.cn"]]
    assert "督办单已反馈" in mails[0].body

    with pytest.raises(DubanRefused, match="退回理由"):
        duban_return(action=action, actor=supervisor, reason=" ", now=NOW)
    duban_return(action=action, actor=supervisor, reason="请逐个说明未开工项目原因。", now=NOW)
    mails = sweep_and_send(NOW + timedelta(minutes=30))
    assert [m.to for m in mails] == [["fgw@yunjiang.example.cn"]]
    assert "请逐个说明未开工项目原因" in mails[0].body

    with pytest.raises(DubanRefused, match="单位反馈后"):
        duban_close(action=action, actor=supervisor, now=NOW)
    duban_feedback_submit(action=action, actor=reporter, text="3个项目因用地审批延后。", now=NOW)
    duban_close(action=action, actor=supervisor, now=NOW)
    action.refresh_from_db()
    assert (action.status, action.round, action.closed_by) == ("closed", 2, supervisor)
    sweep_and_send(NOW + timedelta(minutes=40))
    assert sorted(Notice.objects.filter(user=reporter).values_list("kind", flat=True)) == sorted(
        [NoticeKind.DUBAN_ISSUED, NoticeKind.DUBAN_RETURNED, NoticeKind.DUBAN_CLOSED]
    )
    assert sorted(Notice.objects.filter(user=supervisor).values_list("item_key", flat=True)) == [
        f"duban:{action.pk}@1#{action.period_id}",
        f"duban:{action.pk}@2#{action.period_id}",
    ]
    assert all(n.action_id == action.pk for n in Notice.objects.all())
    # Nothing is told twice, whatever the number of sweeps.
    before = Notice.objects.count()
    assert sweep_and_send(NOW + timedelta(minutes=50)) == []
    assert Notice.objects.count() == before


def test_an_overdue_duban_escalates_to_the_units_leader_else_the_supervisors(world, units):
    leader = User.objects.create_user("wfz", email="wfz@yunjiang.example.cn", role=User.Role.LEADER)
    LeaderScope.objects.create(leader=leader, unit=units["fgw"])
    (led,) = issue(world, deadline=date(2026, 5, 12))
    (unled,) = issue(world, units=[units["czj"]], deadline=date(2026, 5, 12))
    sweep_and_send(NOW)
    late = at(5, 13, 10)
    sweep_and_send(late)
    overdue = claimed(kind=NoticeKind.DUBAN_OVERDUE)
    assert overdue == {
        ("fgw@yunjiang.example.cn", "duban_overdue", f"duban:{led.pk}"),
        ("wfz@yunjiang.example.cn", "duban_overdue", f"duban:{led.pk}"),
        ("czj@yunjiang.example.cn", "duban_overdue", f"duban:{unled.pk}"),
        ("dcs@yunjiang.example.cn", "duban_overdue", f"duban:{unled.pk}"),
    }
    assert Notice.objects.filter(user=leader, kind=NoticeKind.DUBAN_OVERDUE, action=led).exists()
    sweep_and_send(at(5, 14, 10))
    assert claimed(kind=NoticeKind.DUBAN_OVERDUE) == overdue


def test_a_problem_at_the_top_rung_tells_its_leader_in_charge(world, units, outsider):
    from tests.samples import PROBLEM_RAISED as RAISED
    from tests.samples import raise_problem
    from tracker.services.problems import problems_escalate_due

    leader = User.objects.create_user("wfz", email="wfz@yunjiang.example.cn", role=User.Role.LEADER)
    LeaderScope.objects.create(leader=leader, unit=units["czj"])
    problem = raise_problem(world["co"], world["target"], world["period"], outsider)
    problems_escalate_due(now=RAISED + timedelta(days=4))
    problems_escalate_due(now=RAISED + timedelta(days=8))
    problem.refresh_from_db()
    assert (problem.level, problem.leader) == (Problem.Level.LEADER, leader)
    sweep_and_send(RAISED + timedelta(days=8, minutes=10))
    told = {r for r, kind, _ in claimed(kind=NoticeKind.PROBLEM_LEADER)}
    assert told == {"wfz@yunjiang.example.cn", "dcs@yunjiang.example.cn"}
    assert Notice.objects.filter(user=leader, kind=NoticeKind.PROBLEM_LEADER).count() == 1


def test_the_docx_shows_reference_requirement_deadline_and_feedback(world):
    (action,) = issue(world)
    duban_feedback_submit(action=action, actor=world["reporter"], text="已开工12个项目。", now=NOW)
    duban_return(action=action, actor=world["supervisor"], reason="请附照片。", now=NOW)
    document = DocxDocument(io.BytesIO(duban_docx(action)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "督 办 通 知 单" in text and "督办〔2026〕1号" in text and "特急" in text
    assert "请于5月15日前报送固定资产投资项目开工情况" in cells
    assert "2026年5月15日前" in cells
    assert "已开工12个项目。" in text and "退回意见：请附照片。" in text

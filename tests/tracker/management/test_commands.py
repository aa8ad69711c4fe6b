"""The management commands as an administrator types them."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.samples import CORPUS, DEMO_DOCUMENTS, calendar_world, data_strings
from tracker.models import (
    Assignment,
    AuditEvent,
    Document,
    ReminderDay,
    ReminderLog,
    ReportingPeriod,
    Responsibility,
    Unit,
)

pytestmark = pytest.mark.django_db

PLAN = DEMO_DOCUMENTS / "yunjiang-2026-county-development-plan.txt"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    return tuple(
        m.objects.count()
        for m in (Document, Assignment, Responsibility, ReportingPeriod, Unit, AuditEvent)
    )


def test_import_document_reports_what_it_stored():
    out, _ = run("import_document", str(PLAN))
    assert "已导入《云江市2026年推动县域经济高质量发展实施方案》" in out
    assert "18 项任务" in out
    assert Document.objects.get().status == "draft"


def test_import_and_publish_then_again_changes_nothing():
    run("import_document", str(PLAN), "--publish")
    before = snapshot()
    out, _ = run("import_document", str(PLAN), "--publish")
    assert "已导入过" in out
    assert snapshot() == before


def test_publish_names_the_units_it_had_to_create():
    out, _ = run("import_document", str(PLAN), "--publish")
    assert "新建待确认单位" in out
    assert "市发展改革委" in out


def test_a_garbage_file_prints_why_and_changes_nothing(tmp_path):
    garbage = tmp_path / "scan.txt"
    garbage.write_bytes(b"\x00\x01\x02\xff\xfe" * 200)
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        run("import_document", str(garbage))
    assert snapshot() == before
    assert "1 个文件未能导入" in str(caught.value)


def test_a_garbage_file_message_is_on_stderr(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_document", str(empty), stdout=StringIO(), stderr=err)
    assert "导入失败：文件是空的" in err.getvalue()
    assert "数据库未作任何改动" in err.getvalue()


def test_a_missing_file_is_reported(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_document", str(tmp_path / "nope.txt"), stdout=StringIO(), stderr=err)
    assert "无法读取文件" in err.getvalue()


def test_unknown_user_is_refused():
    with pytest.raises(CommandError, match="不存在"):
        run("import_document", str(PLAN), "--user", "ghost")


def test_load_units_reads_a_roster_and_refuses_a_broken_one(tmp_path):
    good = tmp_path / "roster.json"
    good.write_text(
        json.dumps(
            {
                "jurisdiction": {"name": "测试市人民政府"},
                "units": [
                    {
                        "name": "测试市财政局",
                        "short_names": ["市财政局"],
                        "parent": "测试市人民政府",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    out, _ = run("load_units", str(good))
    assert "新增单位 2 个" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        run("load_units", str(bad))


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        "lincang-2023-county-development-plan.txt",
        "shashi-14th-fyp-task-division.txt",
        "tongliao-2023-annual-plan.txt",
    ],
)
def test_every_corpus_document_imports_once(name):
    path = CORPUS / name
    run("import_document", str(path), "--publish")
    after_first = snapshot()
    assert Document.objects.count() == 1
    run("import_document", str(path), "--publish")
    assert snapshot() == after_first


@pytest.fixture
def world(units, reporter, outsider):
    """The calendar's quarter, for send_reminders."""
    return calendar_world(units, reporter, outsider)


def test_send_reminders_dry_run_prints_the_preview_and_writes_nothing(world):
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2026-06-28T09:00", stdout=out)
    text = out.getvalue()
    assert "czj@yunjiang.example.cn" in text and "逾期提请牵头单位督促" in text
    assert "督办" in text
    assert not ReminderLog.objects.exists() and not ReminderDay.objects.exists()
    out = StringIO()
    call_command("send_reminders", "--inline", "--now", "2026-06-28T09:00", stdout=out)
    assert "已发送 3 封" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "czj@yunjiang.example.cn",
        "dcs@yunjiang.example.cn",
        "fgw@yunjiang.example.cn",
    ]


# --- in English -------------------------------------------------------------------------------


def _chinese_left(text: str) -> list[str]:
    for value in data_strings():
        text = text.replace(value, " ")
    found = {m.group(0) for m in re.finditer(r".{0,20}[\u3400-\u9fff]+.{0,20}", text)}
    # Chinese punctuation left beside English words.
    found |= {m.group(0) for m in re.finditer(r".{0,20}[：，。；（）「」《》].{0,20}", text)}
    return sorted(found)


def test_what_the_commands_print_follows_the_language_they_run_in(world, tmp_path):
    """Commands speak the settings' language (Chinese); run under English (LANGUAGE_CODE=en or
    translation.override) they print no Chinese but the data: titles, unit names, tasks."""
    garbage = tmp_path / "scan.txt"
    garbage.write_bytes(b"\x00\x01\x02\xff\xfe" * 200)
    with translation.override("en"):
        printed = [
            run("import_document", str(PLAN), "--publish")[0],
            run("import_document", str(PLAN))[0],
            run("recompute_progress")[0],
            run("recompute_due_dates")[0],
            run("send_reminders", "--dry-run", "--now", "2026-06-28T09:00")[0],
            run("send_reminders", "--inline", "--now", "2026-06-28T09:00")[0],
        ]
        with pytest.raises(CommandError) as caught:
            run("import_document", str(garbage))
        printed.append(str(caught.value))
    text = "\n".join(printed)
    assert "Imported" in text and "Sent 3" in text and "1 file could not be imported" in text
    assert not _chinese_left(text)

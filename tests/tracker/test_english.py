"""The English interface: the catalogue is complete, the committed .mo says what the .po says,
and with the language switcher set to English the main pages carry no Chinese chrome (the data
itself — document titles, unit names, dates formatted in code — stays Chinese)."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tracker.models import ProgressReport
from tracker.periods import SHANGHAI

MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
# Chinese kept on purpose in the English text: examples of what a user types or what a Chinese
# document says ("4.8万元", "增长6%左右"), and the enumeration comma 、 named as a separator.
CHINESE_EXAMPLES = {
    "填写截至本季度末的累计值（增速类填累计同比增速，可为负数）。可带单位填写，如“4.8万元”。"
    "进度比＝完成率÷序时进度；增速、比重类指标显示与目标的差距。",
    "填写截至%(span)s的累计值（增速类填累计同比增速，可为负数）。可带单位填写，如“4.8万元”。"
    "进度比＝完成率÷序时进度；增速、比重类指标显示与目标的差距。",
    "多级章节用 › 分隔，如：主要任务 › 综合指标",
    "每行一个，或用逗号、顿号分隔。",
    "未能从文件中识别出任何编号任务（如“1.……（牵头单位：……）”）或量化目标"
    "（如“增长6%左右”），未导入。",
}


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[dict]:
    """The catalogue's entries: msgid, msgid_plural, msgstr (msgstr[n] as a list), flags.
    Obsolete (#~) entries are returned with obsolete=True."""
    entries: list[dict] = []
    entry: dict = {}
    field: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, field
        if "msgid" in entry:
            entries.append(entry)
        entry, field = {}, None

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if keyword:
            name, index, text = keyword.group(1), keyword.group(2), _unquote(keyword.group(3))
            if name == "msgstr" and index is not None:
                entry.setdefault("msgstr", [])
                entry["msgstr"].append(text)
                field = ("msgstr", int(index))
            else:
                entry[name] = text
                field = (name, None)
            continue
        assert line.startswith('"') and field is not None, f"unexpected line in {path}: {raw!r}"
        name, index = field
        if index is None:
            entry[name] += _unquote(line)
        else:
            entry[name][index] += _unquote(line)
    for item in entries:
        item.setdefault("flags", set())
        item.setdefault("obsolete", False)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    return parse_po(PO)


def _messages(catalogue: list[dict]) -> list[dict]:
    return [e for e in catalogue if e["msgid"] and not e["obsolete"]]


def _header(catalogue: list[dict]) -> dict[str, str]:
    header = next(e for e in catalogue if e["msgid"] == "")
    return dict(line.split(": ", 1) for line in header["msgstr"].splitlines() if ": " in line)


# --- the catalogue ----------------------------------------------------------------------------


def test_the_catalogue_is_complete_without_fuzzy_or_empty_entries(catalogue):
    messages = _messages(catalogue)
    assert len(messages) > 700
    assert not [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    empty = []
    for e in messages:
        strings = e["msgstr"] if isinstance(e["msgstr"], list) else [e["msgstr"]]
        if not all(s.strip() for s in strings) or ("msgid_plural" in e and len(strings) != 2):
            empty.append(e["msgid"])
    assert not empty


def test_the_header_declares_english_and_its_two_plural_forms(catalogue):
    header = _header(catalogue)
    assert header["Language"] == "en"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"


def test_every_translation_keeps_the_placeholders_and_is_english(catalogue):
    for e in _messages(catalogue):
        strings = e["msgstr"] if isinstance(e["msgstr"], list) else [e["msgstr"]]
        placeholders = sorted(PLACEHOLDER.findall(e["msgid"]))
        for text in strings:
            assert sorted(PLACEHOLDER.findall(text)) == placeholders, e["msgid"]
            if e["msgid"] not in CHINESE_EXAMPLES:
                assert not CJK.search(text), (e["msgid"], text)


def test_the_committed_mo_holds_exactly_the_po(catalogue):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected: dict = {}
    for e in _messages(catalogue):
        if "msgid_plural" in e:
            for n, text in enumerate(e["msgstr"]):
                expected[(e["msgid"], n)] = text
        else:
            expected[e["msgid"]] = e["msgstr"]
    actual = {key: value for key, value in compiled._catalog.items() if key != ""}
    assert actual == expected, "django.mo is stale: run `manage.py compilemessages -l en`"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_po_and_compiles_the_same_catalogue(tmp_path):
    target = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(target), str(PO)], check=True, capture_output=True
    )
    with target.open("rb") as fresh, MO.open("rb") as committed:
        assert (
            gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog
        )


def test_english_is_served_from_the_catalogue_with_plurals():
    with translation.override("en"):
        assert translation.gettext("督查看板") == "Supervision dashboard"
        one = translation.ngettext("%(counter)s 条分工", "%(counter)s 条分工", 1)
        many = translation.ngettext("%(counter)s 条分工", "%(counter)s 条分工", 3)
        assert one % {"counter": 1} == "1 responsibility"
        assert many % {"counter": 3} == "3 responsibilities"
    with translation.override("zh-hans"):
        assert translation.gettext("督查看板") == "督查看板"


# --- the pages in English ---------------------------------------------------------------------

# Labels of the page chrome (navigation, headings, buttons, table headers) that must be gone
# once the interface is English.
NAV = [
    "督查看板",
    "报告审核",
    "季度分析",
    "我的任务",
    "牵头任务",
    "督办",
    "提醒记录",
    "修改密码",
    "退出",
]


@pytest.fixture(autouse=True)
def back_to_chinese():
    yield
    translation.deactivate()


@pytest.fixture
def world(db, units, reporter, supervisor):
    """A published document whose one task bob's unit (发改委) leads and 财政局 shares, with bob's
    second-quarter report submitted; the clock stands in the second quarter's reporting window."""
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False):
        document = make_document(title="云江市重点任务分工方案")
        task = make_assignment(document, title="固定资产投资增长6.5%")
        make_target(task, value="6.5", indicator="固定资产投资")
        lead = make_responsibility(task, units["fgw"], "lead")
        make_responsibility(task, units["czj"], "co")
        periods = make_periods(document)
        ProgressReport.objects.create(
            responsibility=lead,
            period=periods[1],
            status=ProgressReport.Status.SUBMITTED,
            narrative="上半年完成投资",
            submitted_by=reporter,
            submitted_at=datetime(2026, 6, 19, 10, tzinfo=SHANGHAI),
            colour="green",
        )
    return {"document": document, "lead": lead, "q2": periods[1]}


def _in_english(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def _page(client, url: str) -> str:
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _header_text(page: str) -> str:
    """The top bar's visible text (navigation, account links, language switcher)."""
    header = re.search(r'<header class="bar">(.*?)</header>', page, re.S)
    assert header
    return re.sub(r"<[^>]+>", " ", header.group(1))


def _assert_english(page: str, *, present: list[str], absent: list[str], data: list[str]) -> None:
    assert '<html lang="en">' in page
    for word in present:
        assert word in page, word
    for label in absent:
        assert label not in page, label
    # The chrome is English throughout: what Chinese is left in the top bar is data (the unit's
    # name) and the name of the other language in the switcher.
    chrome = _header_text(page)
    for name in [*data, "简体中文"]:
        chrome = chrome.replace(name, "")
    assert not CJK.search(chrome), chrome


def test_the_sign_in_page_in_english(client, reporter):
    _in_english(client)
    page = _page(client, reverse("login"))
    _assert_english(
        page,
        present=["Log in", "Username", "Password", "Forgotten your password?"],
        absent=["登录", "用户名", "密码", "忘记密码"],
        data=[],
    )
    refused = client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    assert "Incorrect username or password" in refused.content.decode()


def test_my_tasks_in_english(client, reporter, world):
    _in_english(client)
    client.force_login(reporter)
    page = _page(client, reverse("my-tasks"))
    _assert_english(
        page,
        present=["My tasks", "Log out", "Due date", "Progress status", "Lead", "Submitted"],
        absent=[*NAV, "报送截止", "已报送", "牵头", "历史填报", "本期"],
        data=["bob", "云江市发展和改革委员会"],
    )
    assert "固定资产投资增长6.5%" in page  # the task's title is data, in Chinese


def test_the_report_form_in_english(client, reporter, world):
    ProgressReport.objects.filter(responsibility=world["lead"]).update(status="draft")
    _in_english(client)
    client.force_login(reporter)
    page = _page(client, reverse("report-work", args=[world["lead"].pk, world["q2"].pk]))
    _assert_english(
        page,
        present=[
            "Reporting period",
            "Elapsed share",
            "Annual target",
            "Progress",
            "Problems",
            "Next steps",
            "Save draft",
            "Submit",
            "Evidence",
        ],
        absent=[
            *NAV,
            "保存草稿",
            "提交报送",
            "佐证材料",
            "进展情况",
            "存在问题",
            "下步打算",
            "序时进度",
        ],
        data=["bob", "云江市发展和改革委员会"],
    )


def test_the_supervisor_dashboard_in_english(client, supervisor, world):
    _in_english(client)
    client.force_login(supervisor)
    page = _page(client, reverse("dashboard"))
    _assert_english(
        page,
        present=[
            "Supervision dashboard",
            "Traffic-light matrix",
            "Submission rate",
            "On track",
            "Overall ranking of units",
        ],
        absent=[*NAV, "报送概况", "红黄绿灯矩阵", "单位综合排名", "逾期未报", "各单位报送情况"],
        data=["alice"],
    )


def test_the_analysis_index_in_english(client, supervisor, world):
    _in_english(client)
    client.force_login(supervisor)
    page = _page(client, reverse("analysis-index"))
    _assert_english(
        page,
        present=["Quarterly analysis (one analysis per quarter)", "Not published"],
        absent=[*NAV, "一季一分析", "未发布", "季度未开始"],
        data=["alice"],
    )
    assert "云江市重点任务分工方案" in page


def test_the_documents_list_in_english(client, supervisor, world):
    _in_english(client)
    client.force_login(supervisor)
    page = _page(client, reverse("document-list"))
    _assert_english(
        page,
        present=["Documents", "Import document", "Title", "Issuer", "Responsibilities"],
        absent=[*NAV, "导入文件", "发文单位", "责任分工", "按标题搜索"],
        data=["alice"],
    )


def test_without_the_cookie_the_interface_stays_chinese(client, reporter, world):
    client.force_login(reporter)
    page = _page(client, reverse("my-tasks"))
    assert '<html lang="zh-hans">' in page
    assert "我的任务" in page and "My tasks" not in page

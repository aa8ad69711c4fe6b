"""The English interface: the catalogue is complete, the committed .mo says what the .po says,
and with the language switcher set to English the main pages carry no Chinese chrome (the data
itself — document titles, unit names, dates formatted in code — stays Chinese)."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import (
    make_assignment,
    make_document,
    make_periods,
    make_responsibility,
    make_target,
)
from tests.samples import data_strings, docx_texts, pages_world, submit_co, xlsx_texts
from tracker.models import (
    ExportJob,
    LeaderScope,
    Problem,
    ProgressReport,
    SupervisionAction,
    UnitGroup,
    User,
)
from tracker.periods import SHANGHAI
from tracker.services.api_tokens import api_token_create
from tracker.services.duban import duban_issue
from tracker.services.reports import ReportInput, TargetInput, report_save
from tracker.services.supervision import supervision_action_record
from tracker.tokens import invitation_tokens

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
        # gettext keys a message with a context as "context\x04msgid".
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            for n, text in enumerate(e["msgstr"]):
                expected[(key, n)] = text
        else:
            expected[key] = e["msgstr"]
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


# --- every page, in English, as every role --------------------------------------------------


class _Visible(HTMLParser):
    """The text a reader meets on a page: text nodes and the attributes read aloud or shown
    (title, aria-label, placeholder, alt, data-label, a button's value), without scripts,
    styles, typed-in text (textarea) and elements marked as Chinese content (lang="zh…")."""

    SKIP: ClassVar = {"script", "style", "textarea"}
    SHOWN: ClassVar = {"title", "aria-label", "placeholder", "alt", "data-label"}
    VOID: ClassVar = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # whether each open element is skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = (
            bool(self.stack and self.stack[-1])
            or tag in self.SKIP
            or (tag != "html" and (values.get("lang") or "").startswith("zh"))
        )
        if not skipped and tag != "html":
            self.parts += [v or "" for k, v in attrs if k in self.SHOWN]
            if tag == "input" and values.get("type") in {"submit", "button"}:
                self.parts.append(values.get("value") or "")
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def _examples() -> list[str]:
    """The Chinese examples inside English help texts (CHINESE_EXAMPLES), as shown."""
    with translation.override("en"):
        shown = [translation.gettext(example) for example in CHINESE_EXAMPLES]
    return [m.group(0) for text in shown for m in re.finditer(r"\S*[\u3400-\u9fff]+\S*", text)]


def _chinese_left(page: str, data: list[str]) -> list[str]:
    parser = _Visible()
    parser.feed(page)
    text = "\n".join(parser.parts)
    for value in [*data, *_examples(), "简体中文"]:
        text = text.replace(value, " ")
    # A supervision notice's reference number (文号) is an official identifier, cited as issued.
    text = re.sub(r"督办〔\d{4}〕\d+号", " ", text)
    found = {m.group(0) for m in re.finditer(r".{0,20}[\u3400-\u9fff]+.{0,20}", text)}
    # Chinese punctuation left beside English words: a label's colon or brackets outside its
    # msgid, or names run together with 、 (which English help texts may name as a separator).
    found |= {m.group(0) for m in re.finditer(r".{0,20}[：，。；（）「」《》].{0,20}", text)}
    found |= {m.group(0) for m in re.finditer(r".{0,20}[A-Za-z0-9)]、[A-Za-z0-9(].{0,20}", text)}
    return sorted(found)


@pytest.fixture
def every_role(db, units, supervisor, reporter, outsider):
    """alice (supervisor), bob (发改委, leads), charlie (财政局, the co-unit), a lead reviewer,
    a leader in charge of 财政局 and an administrator."""
    leader = User.objects.create_user(
        "wfz", password="pw", role=User.Role.LEADER, unit=units["city"]
    )
    LeaderScope.objects.create(leader=leader, unit=units["czj"])
    return {
        "supervisor": supervisor,
        "reporter": reporter,
        "co-unit": outsider,
        "reviewer": User.objects.create_user(
            "rev", password="pw", role=User.Role.REVIEWER, unit=units["fgw"], email="r@example.cn"
        ),
        "leader": leader,
        "admin": User.objects.create_user("root", password="pw", role=User.Role.ADMINISTRATOR),
    }


@pytest.fixture
def site(every_role, units, settings, tmp_path):
    """A quarter in progress: a published document (bob leads, charlie shares; both reported
    the second quarter, bob's with a problem, a supervision order on charlie's unit), a draft
    document under review, a unit group, and the links a person is sent."""
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False):
        world = pages_world(units, settings, tmp_path)
        submit_co(world, every_role["co-unit"], value="5.0")
        lead_report = report_save(
            responsibility=world["lead"],
            period=world["q2"],
            actor=every_role["reporter"],
            report_input=ReportInput(
                values={world["target"].pk: TargetInput(actual=Decimal("3.1"))},
                narrative="上半年完成投资",
                problems_text="项目资金未到位",
            ),
            expected_version=None,
            submit=True,
        )
        problem = Problem.objects.get(report=lead_report)
        supervision_action_record(
            kind=SupervisionAction.Kind.values[0],
            unit=units["czj"],
            period=world["q2"],
            reason="进度滞后",
            actor=every_role["supervisor"],
        )
        draft = make_document(title="云江市草稿方案", published=False)
        draft_task = make_assignment(draft, title="新增就业2.8万人")
        make_target(draft_task, value="2.8", unit="万人", kind="count", indicator="城镇新增就业")
        make_responsibility(draft_task, units["fgw"], "lead")
        group = UnitGroup.objects.create(name="各委办局")
        group.members.add(units["fgw"], units["czj"])
        schedule = world["doc"].schedules.first()
        duban = duban_issue(
            actor=every_role["supervisor"],
            units=[units["czj"]],
            period=world["q2"],
            urgency=SupervisionAction.Urgency.values[0],
            requirement="请于月底前报送整改情况",
            deadline=date(2026, 6, 30),
        )[0]
        # The analysis file a supervisor asked for, still queued for the worker.
        export = ExportJob.objects.create(
            requested_by=every_role["supervisor"],
            kind=ExportJob.Kind.ANALYSIS,
            params={"period": world["q2"].pk, "format": "xlsx"},
        )
    # dan has never signed in, so the links sent to him are still good.
    person = world["stranger"]
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    return {
        "world": world,
        "draft": draft,
        "draft_task": draft_task,
        "problem": problem,
        "group": group,
        "schedule": schedule,
        "export": export,
        "duban": duban,
        "uid": uid,
        "invitation": invitation_tokens.make_token(person),
        "reset": default_token_generator.make_token(person),
        "api_token": api_token_create(actor=every_role["reporter"], name="脚本").token,
    }


def _kwargs(site: dict) -> dict[str, dict]:
    """The arguments of each page that takes some, from the site above."""
    w = site["world"]
    work = {"responsibility_id": w["lead"].pk, "period_id": w["q2"].pk}
    doc, draft = w["doc"].pk, site["draft"].pk
    report = ProgressReport.objects.get(responsibility=w["lead"], period=w["q2"])
    return {
        "report-work": work,
        "report-preview": work,
        "quarter-sheet": {"period_id": w["q2"].pk},
        "export-job": {"job_id": site["export"].pk},
        "duban-detail": {"pk": site["duban"].pk},
        "duban-docx": {"pk": site["duban"].pk},
        "quarter-sheet-download": {"period_id": w["q2"].pk},
        "roster-export": {"fmt": "xlsx"},
        "document-detail": {"pk": doc},
        "document-review": {"pk": draft},
        "document-metadata": {"pk": draft},
        "document-assignment-new": {"pk": draft},
        "document-assignment": {"pk": draft, "assignment_pk": site["draft_task"].pk},
        "document-assignment-edit": {"pk": draft, "assignment_pk": site["draft_task"].pk},
        "document-units": {"pk": draft},
        "document-publish": {"pk": draft},
        "document-publish-periods": {"pk": draft},
        "document-amend": {"pk": doc},
        "assignment-amend": {"pk": doc, "assignment_pk": w["task"].pk},
        "document-schedules": {"pk": doc},
        "document-schedule-new": {"pk": doc},
        "document-schedule-edit": {"pk": doc, "schedule_pk": site["schedule"].pk},
        "analysis-detail": {"period_id": w["q2"].pk},
        "report-detail": {"pk": report.pk},
        "lead-assignment": {"pk": w["task"].pk},
        "report-review": {"pk": report.pk},
        "period-detail": {"pk": w["q2"].pk},
        "problem-detail": {"pk": site["problem"].pk},
        "unit-detail": {"pk": w["lead"].unit_id},
        "unit-merge": {"pk": w["lead"].unit_id},
        "group-edit": {"pk": site["group"].pk},
        "person-detail": {"pk": site["world"]["stranger"].pk},
        "api-token-revoke": {"pk": site["api_token"].pk},
        "person-api-tokens": {"pk": site["api_token"].user_id},
        "invitation-accept": {"uidb64": site["uid"], "token": site["invitation"]},
        "password_reset_confirm": {"uidb64": site["uid"], "token": site["reset"]},
    }


# Pages that are not HTML a person reads in a browser, or that only answer a form's POST.
NOT_PAGES = {
    "home": "a redirect to the role's first page",
    "report-preview": "POST only (the form's live figures)",
    "report-review": "POST only",
    "report-autosave": "POST only (htmx)",
    "report-withdraw": "POST only",
    "review-bulk-approve": "POST only",
    "document-leaders": "POST only",
    "duban-feedback": "POST only",
    "duban-review": "POST only",
    "duban-link": "POST only",
    "webhook-delete": "POST only",
    "inbox-read": "POST only",
    "lockout-unlock": "POST only",
    "health": "the load balancers' status (no chrome; 503 without a running worker)",
    "duban-evidence": "a file a person uploaded (data)",
    "inbox-open": "a redirect to what the notice is about",
    "quarter-sheet-upload": "POST only",
    "quarter-sheet-confirm": "POST only",
    "quarter-sheet-export": "POST only (the worker builds the file: export-job)",
    "export-download": "the queued job has no file yet (the analysis files it serves are built "
    "in English in test_english_exports)",
    "set_language": "the language switcher's POST",
    "logout": "POST only",
    "evidence-download": "a file a person uploaded (data)",
    "analysis-export": "queues the file and redirects to the job's page",
    "evidence-upload": "POST only (htmx)",
    "evidence-delete": "POST only",
    "document-reextract": "POST only",
    "document-archive": "POST only",
    "document-assignment-delete": "POST only",
    "analysis-publish": "POST only",
    "analysis-withdraw": "POST only",
    "period-lock": "POST only",
    "report-reopen": "POST only",
    "problem-resolve": "POST only",
    "unit-alias-add": "POST only",
    "unit-alias-delete": "POST only",
    "group-delete": "POST only",
    "person-action": "POST only",
    "roster-confirm": "POST only",
    "document-schedule-default": "POST only",
    "document-schedule-delete": "POST only",
    "document-schedule-assignments": "POST only",
    "holiday-clear": "POST only",
    "indicator-department-edit": "POST only",
    "document-headline-track": "POST only",
    "statistics-confirm": "POST only",
}


# The files pages offer, by their content type: what a reader of each sees.
FILES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": xlsx_texts,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": docx_texts,
}


def _patterns() -> list[str]:
    """The names of the site's own URL patterns (the back office has its own language)."""

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif p.name and namespace is None:
                yield p.name, p

    return list(dict(walk(get_resolver().url_patterns)))


def test_every_page_in_english_has_no_chinese_chrome_for_any_role(client, every_role, site):
    """Each page the URLconf names (as each role that may open it) carries no Chinese but the
    data (titles, unit names, what people typed) and the switcher's 简体中文."""
    kwargs = _kwargs(site)
    _in_english(client)
    unopened, unbuildable, chinese, files = [], [], {}, set()
    for name in _patterns():
        if name in NOT_PAGES or name.startswith("api-"):
            continue
        try:
            url = reverse(name, kwargs=kwargs.get(name))
        except NoReverseMatch:
            unbuildable.append(name)
            continue
        opened = False
        for role, user in [(None, None), *every_role.items()]:
            client.logout()  # which forgets the cookies too
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            if user is not None:
                client.force_login(user)
            with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False):
                # Django's reset link moves its token into the session and redirects.
                response = client.get(url, follow=name == "password_reset_confirm")
                if response.status_code != 200:
                    # A block htmx swaps in (the page itself redirects to where it sits).
                    response = client.get(url, headers={"HX-Request": "true"})
            if response.status_code != 200:
                continue
            kind = response.get("Content-Type", "")
            if kind in FILES:
                # A file the page offers: its text as a reader sees it.
                opened = True
                files.add(name)
                texts = FILES[kind](b"".join(response) if response.streaming else response.content)
                left = _chinese_left(f"<pre>{escape(chr(10).join(texts))}</pre>", data_strings())
                if left:
                    chinese[f"{name} as {role or 'anonymous'}"] = left
                continue
            if "html" not in kind:
                continue
            opened = True
            page = response.content.decode()
            assert "<html" not in page or '<html lang="en">' in page, url
            left = _chinese_left(page, data_strings())
            if left:
                chinese[f"{name} as {role or 'anonymous'}"] = left
        if not opened:
            unopened.append(name)
    assert not unbuildable, f"give these pages their arguments in _kwargs: {unbuildable}"
    assert not unopened, f"no role could open these pages: {unopened}"
    assert not chinese, "\n".join(f"{page}: {left}" for page, left in chinese.items())
    assert files == {
        "duban-docx",
        "quarter-sheet-download",
        "roster-export",
        "roster-template",
        "statistics-template",
    }


# --- what the tracker says about typed figures --------------------------------------------------


def test_a_figure_refused_in_the_form_the_preview_and_the_api_reads_in_english(
    client, reporter, world
):
    ProgressReport.objects.filter(responsibility=world["lead"]).update(status="draft")
    target = world["lead"].assignment.targets.get()
    _in_english(client)
    client.force_login(reporter)
    work = [world["lead"].pk, world["q2"].pk]
    field = f"target-{target.pk}"
    with time_machine.travel(datetime(2026, 6, 20, 10, tzinfo=SHANGHAI), tick=False):
        form = client.post(reverse("report-work", args=work), {field: "abc", "narrative": "x"})
        preview = client.post(
            reverse("report-preview", args=work), {field: "12个"}, headers={"HX-Request": "true"}
        )
        api = client.post(
            reverse("api-reports"),
            {
                "responsibility": world["lead"].pk,
                "period": world["q2"].pk,
                "values": [{"target": target.pk, "actual": "1.2.3"}],
            },
            content_type="application/json",
        )
    assert "“abc” is not a number; please enter digits only (e.g. 12.5)." in form.content.decode()
    assert "“12个” has the wrong unit: the unit should be “%”." in preview.content.decode()
    assert api.status_code == 400
    assert api.json()["errors"][field] == (
        "“1.2.3” is not a number; please enter a single number (e.g. 12.5)."
    )


def test_a_refused_figure_still_reads_in_chinese_under_chinese():
    from tracker.number_errors import number_error_text
    from tracker.numbers import NumberError, parse_actual

    with pytest.raises(NumberError) as refused:
        parse_actual("5吨", "万元")
    with translation.override("zh-hans"):
        assert number_error_text(refused.value) == "“5吨”的单位不对：单位应为“万元”。"
    with translation.override("en"):
        assert (
            number_error_text(refused.value)
            == "“5吨” has the wrong unit: the unit should be “万元”."
        )


# --- e-mails ------------------------------------------------------------------------------------


def test_every_reminder_e_mail_of_a_quarter_reads_in_english_for_english_readers(
    units, reporter, outsider
):
    """Everyone who chose English (the lead unit, the co-unit, the supervisor) gets the
    quarter's reminders — window open, reminders, checkpoints, overdue, escalation — with no
    Chinese but the data."""
    from tests.samples import at, calendar_world, sweep_and_send
    from tracker.services.reminders.preferences import notice_preferences_update

    world = calendar_world(units, reporter, outsider)
    for user in (world["reporter"], world["outsider"], world["supervisor"]):
        notice_preferences_update(
            user=user,
            notify_window_open=True,
            notify_reminders=True,
            notify_checkpoints=True,
            language="en",
        )
    sent = []
    for month, day in [(6, 1), (6, 10), (6, 18), (6, 24), (6, 26), (6, 28), (6, 30)]:
        sent += sweep_and_send(at(month, day))
    assert len(sent) >= 5
    data = data_strings()
    chinese = {}
    for message in sent:
        for part, text in [
            ("subject", message.subject),
            ("text", message.body),
            ("html", message.alternatives[0][0]),
        ]:
            left = _chinese_left(text if part == "html" else f"<p>{text}</p>", data)
            if left:
                chinese[f"{message.subject} ({part})"] = left
    assert not chinese, chinese

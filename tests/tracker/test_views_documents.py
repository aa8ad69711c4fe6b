"""The document pages: list, import, review (in place with htmx, and without JavaScript), unit
names, publish, re-extract, archive. Every page refuses whoever may not use it; every bad input
says what is wrong and loses nothing the user typed."""

from __future__ import annotations

import copy
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import extraction
from tests.conftest import DEMO_DOCUMENTS
from tests.factories import make_assignment, make_document, make_responsibility, make_target
from tests.tracker.test_document_review import SMALL
from tracker.models import Assignment, AuditEvent, Document, Responsibility, Unit, UnitAlias
from tracker.selectors.documents import source_segments
from tracker.services.document_import import document_import
from tracker.services.document_publish import document_publish

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(units, supervisor) -> Document:
    return document_import(data=SMALL.encode(), source_name="small.txt", actor=supervisor).document


@pytest.fixture
def district(db) -> Unit:
    return Unit.objects.create(name="云江区发展和改革局", level=Unit.Level.COUNTY)


def first(document: Document) -> Assignment:
    return document.assignments.order_by("position").first()  # type: ignore[return-value]


class _Fields(HTMLParser):
    """What a browser would submit for the first form in a page fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: dict[str, str] = {}
        self._forms = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._forms += 1
        if self._forms != 1:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            else:
                self.data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._first_option.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            self.data.setdefault(self._select, self._first_option.get(self._select, ""))
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # Browsers drop the newline that follows <textarea>.
            value = self.data[self._textarea] + data
            self.data[self._textarea] = value.removeprefix("\n")


def form_fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return parser.data


def edit_form(client, assignment: Assignment) -> dict[str, str]:
    url = reverse("document-assignment-edit", args=[assignment.document_id, assignment.pk])
    response = client.get(url, **HX)
    assert response.status_code == 200
    return form_fields(response.content.decode())


# --- access -------------------------------------------------------------------------------------

ENDPOINTS = [
    ("document-import", None),
    ("document-review", "document"),
    ("document-metadata", "document"),
    ("document-assignment-new", "document"),
    ("document-assignment", "assignment"),
    ("document-assignment-edit", "assignment"),
    ("document-assignment-delete", "assignment"),
    ("document-units", "document"),
    ("document-publish", "document"),
    ("document-reextract", "document"),
    ("document-archive", "document"),
]


def endpoint_url(name: str, kind: str | None, document: Document) -> str:
    if kind is None:
        return reverse(name)
    if kind == "document":
        return reverse(name, args=[document.pk])
    return reverse(name, args=[document.pk, first(document).pk])


def snapshot() -> tuple[int, ...]:
    return (
        Document.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
        UnitAlias.objects.count(),
        Responsibility.objects.count(),
    )


@pytest.mark.parametrize("name, kind", ENDPOINTS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_sign_in(client, draft, name, kind, method):
    response = getattr(client, method)(endpoint_url(name, kind, draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name, kind", ENDPOINTS)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("persona", ["outsider", "reporter"])
def test_reporters_get_404_and_change_nothing(client, draft, name, kind, method, persona, request):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    response = getattr(client, method)(
        endpoint_url(name, kind, draft), {"title": "x", "reason": "x", "mention": "区发改局"}
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_a_draft_is_not_visible_to_a_reporter_of_a_unit_it_names(client, draft, reporter):
    client.force_login(reporter)
    assert client.get(reverse("document-detail", args=[draft.pk])).status_code == 404
    assert draft.title not in client.get(reverse("document-list")).content.decode()


def test_a_published_document_is_visible_to_the_units_it_names_only(
    client, draft, supervisor, reporter
):
    document_publish(document=draft, actor=supervisor)
    other = make_document(title="无关方案")
    client.force_login(reporter)
    page = client.get(reverse("document-detail", args=[draft.pk])).content.decode()
    assert "地区生产总值增长6%左右" in page
    assert "审核草稿" not in page and "归档" not in page
    assert client.get(reverse("document-detail", args=[other.pk])).status_code == 404


# --- list ---------------------------------------------------------------------------------------


def test_supervisors_filter_by_status_and_search_by_title(client, supervisor, draft):
    published = make_document(title="已发布方案")
    client.force_login(supervisor)
    page = client.get(reverse("document-list")).content.decode()
    assert draft.title in page and published.title in page
    assert "导入文件" in page
    page = client.get(reverse("document-list"), {"status": "draft"}).content.decode()
    assert draft.title in page and published.title not in page
    page = client.get(reverse("document-list"), {"q": "已发布"}).content.decode()
    assert draft.title not in page and published.title in page
    # A draft opens in review for a supervisor.
    assert (
        reverse("document-review", args=[draft.pk])
        in client.get(reverse("document-list")).content.decode()
    )


def test_the_list_is_paginated(client, supervisor):
    for _ in range(55):
        make_document(title="批量方案")
    client.force_login(supervisor)
    page = client.get(reverse("document-list")).content.decode()
    assert page.count("批量方案") == 50
    assert "第 1 / 2 页" in page
    assert client.get(reverse("document-list"), {"page": 2}).content.decode().count("批量方案") == 5


def test_reporters_see_no_import_button_or_status_filter(client, reporter):
    client.force_login(reporter)
    page = client.get(reverse("document-list")).content.decode()
    assert "导入文件" not in page and 'name="status"' not in page


# --- import -------------------------------------------------------------------------------------


def test_pasted_text_is_imported_and_opens_the_review(client, supervisor, units):
    client.force_login(supervisor)
    response = client.post(reverse("document-import"), {"text": SMALL, "title": ""}, follow=True)
    document = Document.objects.get()
    assert response.redirect_chain[-1][0] == reverse("document-review", args=[document.pk])
    page = response.content.decode()
    assert "已识别出 3 项任务、3 个指标" in page
    assert document.imported_by == supervisor and document.source_name == "粘贴文本.txt"


def test_an_uploaded_file_with_a_title_is_imported_under_that_title(client, supervisor):
    client.force_login(supervisor)
    upload = SimpleUploadedFile("plan.txt", SMALL.encode("gb18030"))
    client.post(reverse("document-import"), {"file": upload, "title": "我的标题"})
    document = Document.objects.get()
    assert document.title == "我的标题" and document.source_name == "plan.txt"
    assert document.edited_fields == ["title"]


def test_importing_the_same_text_again_opens_the_first_copy(client, supervisor, draft):
    client.force_login(supervisor)
    response = client.post(reverse("document-import"), {"text": SMALL}, follow=True)
    assert Document.objects.count() == 1
    assert response.redirect_chain[-1][0] == reverse("document-review", args=[draft.pk])
    assert "该文件已导入过" in response.content.decode()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("blank.txt", b"   \n\n  ", ("文件是空的",)),
        ("picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ("不是文本文件",)),
        ("nul.txt", b"abc\x00\x01\x02" * 100, ("不是文本文件",)),
        # Extractor 1 does not read PDFs; extractor 2 finds this one broken.
        ("broken.pdf", b"%PDF-1.4\n%binary\n", ("暂不支持该文件格式", "文件已损坏")),
        ("plan.exe", SMALL.encode(), ("不支持 .exe 文件",)),
    ],
)
def test_a_bad_upload_says_why_and_imports_nothing(client, supervisor, name, data, message):
    client.force_login(supervisor)
    response = client.post(
        reverse("document-import"),
        {"file": SimpleUploadedFile(name, data), "title": "保留的标题"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert any(m in page for m in message)
    assert 'value="保留的标题"' in page
    assert Document.objects.count() == 0


def test_an_empty_upload_is_refused(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("document-import"), {"file": SimpleUploadedFile("empty.txt", b"")}
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert Document.objects.count() == 0


def test_an_oversized_upload_is_refused_before_it_is_read(
    client, supervisor, settings, monkeypatch
):
    settings.TRACKER_IMPORT_MAX_BYTES = 1024
    client.force_login(supervisor)

    def never(*args, **kwargs):  # pragma: no cover - the point is that it is not reached
        raise AssertionError("an oversized upload must not be decoded")

    monkeypatch.setattr("tracker.services.document_import.extraction.decode_document", never)
    response = client.post(
        reverse("document-import"), {"file": SimpleUploadedFile("big.txt", b"x" * 4096)}
    )
    page = response.content.decode()
    assert "文件过大（4 KB），不能超过 1 KB" in page
    assert Document.objects.count() == 0


def test_a_scan_without_a_text_layer_is_explained(client, supervisor, monkeypatch):
    """Extractor 2 reads PDFs and reports a scan as `no_text`; the page says what to do."""

    def scan(data, filename=""):
        raise extraction.UnreadableDocument("no_text", "no text layer")  # type: ignore[arg-type]

    monkeypatch.setattr("tracker.services.document_import.extraction.decode_document", scan)
    client.force_login(supervisor)
    response = client.post(
        reverse("document-import"), {"file": SimpleUploadedFile("scan.pdf", b"%PDF-1.7 ...")}
    )
    assert "没有文字层（可能是扫描件）" in response.content.decode()


def test_pasted_text_without_tasks_is_refused_and_kept(client, supervisor):
    client.force_login(supervisor)
    text = "这是一段会议纪要，没有编号任务，也没有量化目标。"
    response = client.post(reverse("document-import"), {"text": text})
    page = response.content.decode()
    assert "未能从文件中识别出任何编号任务" in page
    assert text in page
    assert Document.objects.count() == 0


def test_nothing_chosen_or_both_chosen_is_explained(client, supervisor):
    client.force_login(supervisor)
    page = client.post(reverse("document-import")).content.decode()
    assert "请选择一个文件，或把文件全文粘贴到文本框中" in page
    page = client.post(reverse("document-import"), {"text": "  "}).content.decode()
    assert "请选择一个文件，或把文件全文粘贴到文本框中" in page
    response = client.post(
        reverse("document-import"),
        {"file": SimpleUploadedFile("a.txt", SMALL.encode()), "text": "粘贴的内容"},
    )
    page = response.content.decode()
    assert "请只用一种方式导入" in page and "粘贴的内容" in page
    assert Document.objects.count() == 0


# --- review page --------------------------------------------------------------------------------


def test_the_review_page_shows_the_source_with_every_span_and_the_draft(client, supervisor, draft):
    client.force_login(supervisor)
    page = client.get(reverse("document-review", args=[draft.pk])).content.decode()
    for assignment in draft.assignments.all():
        assert f'id="span-{assignment.pk}"' in page
        assert f'href="#span-{assignment.pk}"' in page
        assert f'id="a-{assignment.pk}"' in page
    assert '<mark class="span"' in page
    assert "区发改局<small>（未识别）</small>" in page
    assert "tracker/review.js" in page and "tracker/review.css" in page
    assert 'name="doc-year"' in page


def test_a_published_document_review_redirects_to_its_page(client, supervisor, draft):
    document_publish(document=draft, actor=supervisor)
    client.force_login(supervisor)
    response = client.get(reverse("document-review", args=[draft.pk]))
    assert response["Location"] == reverse("document-detail", args=[draft.pk])


def _document_of(size: int) -> Document:
    document = make_document(title="规模测试", published=False)
    for n in range(size):
        assignment = make_assignment(document, title=f"任务{n}")
        assignment.lead_units_text = ["市发展改革委", f"未知单位{n}"]
        assignment.responsible_units_text = ["市财政局"]
        assignment.span_start, assignment.span_end = 0, 3
        assignment.save()
        make_target(assignment, value="5")
        make_target(assignment, value=None, kind="qualitative")
    return document


def test_the_review_pages_query_count_does_not_grow_with_assignments(client, supervisor, units):
    client.force_login(supervisor)
    small, large = _document_of(2), _document_of(25)
    client.get(reverse("document-review", args=[small.pk]))  # warm caches (content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("document-review", args=[small.pk])).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("document-review", args=[large.pk])).status_code == 200
    assert len(few) == len(many)
    with CaptureQueriesContext(connection) as units_few:
        client.get(reverse("document-units", args=[small.pk]))
    with CaptureQueriesContext(connection) as units_many:
        client.get(reverse("document-units", args=[large.pk]))
    assert len(units_few) == len(units_many)


# --- editing in place ---------------------------------------------------------------------------


def test_an_assignment_is_edited_in_place_and_audited(client, supervisor, draft):
    client.force_login(supervisor)
    assignment = first(draft)
    data = edit_form(client, assignment)
    prefix = f"a{assignment.pk}"
    assert data[f"{prefix}-lead_units"] == "市发展改革委"
    data[f"{prefix}-title"] = "地区生产总值增速（已核）"
    data[f"{prefix}-responsible_units"] = "市财政局、区发改局\n市统计局"
    data[f"{prefix}t-0-value"] = "6.5"
    url = reverse("document-assignment-edit", args=[draft.pk, assignment.pk])
    response = client.post(url, data, **HX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith("<article") and "已保存" in page
    assert "地区生产总值增速（已核）" in page and "6.5%" in page
    assignment.refresh_from_db()
    assert assignment.responsible_units_text == ["市财政局", "区发改局", "市统计局"]
    assert set(assignment.edited_fields) == {"title", "responsible_units_text"}
    assert assignment.targets.get().edited
    event = AuditEvent.objects.get(action="assignment.review_update")
    assert event.before["title"] == "地区生产总值增长6%左右"
    assert event.after["title"] == "地区生产总值增速（已核）"
    assert event.before["targets"][0]["value"] == "6.000000"


def test_a_target_is_added_and_another_deleted_through_the_form(client, supervisor, draft):
    client.force_login(supervisor)
    assignment = first(draft)
    data = edit_form(client, assignment)
    prefix = f"a{assignment.pk}t"
    assert data[f"{prefix}-TOTAL_FORMS"] == "2"
    data[f"{prefix}-0-DELETE"] = "on"
    data.update(
        {
            f"{prefix}-1-indicator": "地区生产总值",
            f"{prefix}-1-value": "1380亿元",
            f"{prefix}-1-measure_unit": "亿元",
            f"{prefix}-1-kind": "level",
        }
    )
    url = reverse("document-assignment-edit", args=[draft.pk, assignment.pk])
    assert client.post(url, data, **HX).status_code == 200
    target = assignment.targets.get()
    assert (target.value, target.measure_unit, target.edited) == (1380, "亿元", True)
    assignment.refresh_from_db()
    assert assignment.dismissed_targets


@pytest.mark.parametrize(
    "value, value_high, kind, message",
    [
        ("6.5x", "", "growth", "单位不对"),
        ("abc", "", "growth", "不是数字"),
        ("六", "", "growth", "不是数字"),
        ("7", "6", "growth", "目标上限不能小于目标值"),
        ("", "", "growth", "请填写目标值"),
        ("5", "", "qualitative", "定性指标不填目标值"),
        ("5万吨", "", "growth", "单位不对"),
    ],
)
def test_a_bad_target_is_explained_and_the_input_kept(
    client, supervisor, draft, value, value_high, kind, message
):
    client.force_login(supervisor)
    assignment = first(draft)
    data = edit_form(client, assignment)
    prefix = f"a{assignment.pk}"
    data[f"{prefix}-title"] = "我改过的标题"
    data[f"{prefix}t-0-value"] = value
    data[f"{prefix}t-0-value_high"] = value_high
    data[f"{prefix}t-0-kind"] = kind
    url = reverse("document-assignment-edit", args=[draft.pk, assignment.pk])
    response = client.post(url, data, **HX)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="我改过的标题"' in page
    if value:
        assert f'value="{value}"' in page
    assert 'aria-invalid="true"' in page
    assignment.refresh_from_db()
    assert assignment.title == "地区生产总值增长6%左右" and assignment.version == 1
    assert not AuditEvent.objects.filter(action="assignment.review_update").exists()


def test_a_stale_edit_shows_the_conflict_keeps_the_input_and_can_overwrite(
    client, supervisor, draft
):
    client.force_login(supervisor)
    assignment = first(draft)
    mine = edit_form(client, assignment)
    theirs = edit_form(client, assignment)
    prefix = f"a{assignment.pk}"
    url = reverse("document-assignment-edit", args=[draft.pk, assignment.pk])
    theirs[f"{prefix}-title"] = "对方的标题"
    client.post(url, theirs, **HX)

    mine[f"{prefix}-title"] = "我的标题"
    response = client.post(url, mine, **HX)
    page = response.content.decode()
    assert "该任务在您打开后已被他人修改" in page
    assert 'value="我的标题"' in page
    assert "对方的标题" in page  # the latest saved content, shown beside the input
    assignment.refresh_from_db()
    assert assignment.title == "对方的标题"
    # The form now carries the current version: saving again overwrites, knowingly.
    again = form_fields(page)
    assert again[f"{prefix}-version"] == "2"
    client.post(url, again, **HX)
    assignment.refresh_from_db()
    assert assignment.title == "我的标题" and assignment.version == 3


def test_a_target_deleted_by_another_reviewer_comes_back_if_this_one_insists(
    client, supervisor, draft
):
    client.force_login(supervisor)
    assignment = first(draft)
    mine, theirs = edit_form(client, assignment), edit_form(client, assignment)
    prefix = f"a{assignment.pk}"
    url = reverse("document-assignment-edit", args=[draft.pk, assignment.pk])
    theirs[f"{prefix}t-0-DELETE"] = "on"
    client.post(url, theirs, **HX)
    assert not assignment.targets.exists()

    mine[f"{prefix}t-0-value"] = "6.8"
    page = client.post(url, mine, **HX).content.decode()
    assert "已被他人修改" in page and 'value="6.8"' in page
    client.post(url, form_fields(page), **HX)
    target = assignment.targets.get()
    assert (target.value, target.indicator, target.edited) == (Decimal("6.8"), "地区生产总值", True)


def test_editing_without_javascript_uses_full_pages(client, supervisor, draft):
    client.force_login(supervisor)
    assignment = first(draft)
    url = reverse("document-assignment-edit", args=[draft.pk, assignment.pk])
    page = client.get(url).content.decode()
    assert "<html" in page and "编辑任务" in page
    data = form_fields(page.split('<main id="main"', 1)[1])
    data[f"a{assignment.pk}-title"] = "无脚本修改"
    response = client.post(url, data)
    assert response["Location"].endswith(f"#a-{assignment.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "任务已保存" in page and "无脚本修改" in page
    # Cancel goes back to the review page.
    card = reverse("document-assignment", args=[draft.pk, assignment.pk])
    assert client.get(card)["Location"].endswith(f"#a-{assignment.pk}")
    assert "无脚本修改" in client.get(card, **HX).content.decode()


def test_an_assignment_is_added_after_another(client, supervisor, draft):
    client.force_login(supervisor)
    after = first(draft)
    url = reverse("document-assignment-new", args=[draft.pk]) + f"?after={after.pk}"
    page = client.get(url, **HX).content.decode()
    assert f'id="new-{after.pk}"' in page
    data = form_fields(page)
    prefix = f"new{after.pk}"
    response = client.post(url, data, **HX)
    assert "标题" in response.content.decode() and "errorlist" in response.content.decode()
    assert draft.assignments.count() == 3
    data.update(
        {
            f"{prefix}-title": "人工添加的任务",
            f"{prefix}-lead_units": "市财政局",
            f"{prefix}t-0-indicator": "完成率",
            f"{prefix}t-0-value": "100",
            f"{prefix}t-0-measure_unit": "%",
            f"{prefix}t-0-kind": "share",
        }
    )
    response = client.post(url, data, **HX)
    assert response.content.decode().lstrip().startswith("<article")
    created = draft.assignments.get(title="人工添加的任务")
    assert created.position == 2 and created.added_by_reviewer
    assert created.targets.get().value == 100
    assert AuditEvent.objects.filter(action="assignment.review_create").exists()


def test_an_assignment_is_deleted_and_a_stale_delete_refused(client, supervisor, draft):
    client.force_login(supervisor)
    one, two, _ = draft.assignments.order_by("position")
    url = reverse("document-assignment-delete", args=[draft.pk, one.pk])
    response = client.post(url, {"version": "1"}, **HX)
    assert response.status_code == 200 and response.content == b""
    assert not Assignment.objects.filter(pk=one.pk).exists()
    url = reverse("document-assignment-delete", args=[draft.pk, two.pk])
    response = client.post(url, {"version": "9"}, **HX)
    assert "已被他人修改" in response.content.decode()
    assert Assignment.objects.filter(pk=two.pk).exists()
    assert AuditEvent.objects.filter(action="assignment.review_delete").count() == 1


def test_an_edit_of_an_assignment_deleted_meanwhile_keeps_the_input(client, supervisor, draft):
    client.force_login(supervisor)
    assignment = first(draft)
    data = edit_form(client, assignment)
    data[f"a{assignment.pk}-title"] = "我正在改的标题"
    url = reverse("document-assignment-edit", args=[draft.pk, assignment.pk])
    delete = reverse("document-assignment-delete", args=[draft.pk, assignment.pk])
    client.post(delete, {"version": "1"}, **HX)
    page = client.post(url, data, **HX).content.decode()
    assert "该任务已被他人删除" in page and 'value="我正在改的标题"' in page
    # Deleting it again is what was wanted: the card just goes.
    response = client.post(delete, {"version": "1"}, **HX)
    assert response.status_code == 200 and response.content == b""


def test_a_draft_being_published_shows_no_edit_buttons(client, supervisor, draft):
    Document.objects.filter(pk=draft.pk).update(publish_requested_at=draft.imported_at)
    client.force_login(supervisor)
    page = client.get(reverse("document-review", args=[draft.pk])).content.decode()
    assert "正在后台发布" in page
    assert reverse("document-assignment-edit", args=[draft.pk, first(draft).pk]) not in page


def test_the_metadata_form_saves_and_explains_bad_input(client, supervisor, draft):
    client.force_login(supervisor)
    url = reverse("document-metadata", args=[draft.pk])
    page = client.get(reverse("document-review", args=[draft.pk])).content.decode()
    data = form_fields(page[page.index('<form id="doc-meta"') :])
    data.update({"doc-year": "二〇二六", "doc-issuer": "我填的发文单位"})
    page = client.post(url, data, **HX).content.decode()
    assert "请输入整数" in page or "输入整数" in page
    assert 'value="我填的发文单位"' in page
    data.update({"doc-year": "2027", "doc-due_day": ""})
    page = client.post(url, data, **HX).content.decode()
    assert "报送月份和报送日须同时填写" in page
    data.update({"doc-due_day": "20"})
    page = client.post(url, data, **HX).content.decode()
    assert "文件信息已保存" in page
    draft.refresh_from_db()
    assert (draft.year, draft.issuer, draft.due_day) == (2027, "我填的发文单位", 20)
    assert AuditEvent.objects.get(action="document.review_update").after["year"] == 2027


# --- unit names ---------------------------------------------------------------------------------


def test_the_units_page_lists_names_with_suggestions_and_maps_one(
    client, supervisor, draft, district
):
    client.force_login(supervisor)
    url = reverse("document-units", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "区发改局" in page and "对应到 云江区发展和改革局" in page
    assert "市发展改革委" in page and "云江市发展和改革委员会" in page
    response = client.post(url, {"mention": "区发改局", "action": "map", "unit": district.pk})
    assert response.status_code == 302
    assert UnitAlias.objects.get(alias="区发改局").unit == district
    page = client.get(url).content.decode()
    assert "已将“区发改局”对应到“云江区发展和改革局”" in page
    event = AuditEvent.objects.get(action="unitalias.create")
    assert event.after["alias"] == "区发改局"


def test_unknown_names_are_paged(client, supervisor, draft, monkeypatch):
    monkeypatch.setattr("tracker.views.document_review.UNITS_PAGE_SIZE", 2)
    client.force_login(supervisor)
    url = reverse("document-units", args=[draft.pk])
    first_page = client.get(url).content.decode()
    second_page = client.get(url, {"page": 2}).content.decode()
    assert "未识别的名称：第 1 / 2 页" in first_page
    unknown = ["区发改局", "市人社局", "市工信局", "市统计局"]
    shown = [name for name in unknown if f">{name}\n" in first_page]
    later = [name for name in unknown if f">{name}\n" in second_page]
    assert len(shown) == 2 and len(later) == 2 and set(shown) | set(later) == set(unknown)


def test_mapping_to_a_missing_unit_says_so_and_changes_nothing(client, supervisor, draft):
    client.force_login(supervisor)
    url = reverse("document-units", args=[draft.pk])
    before = snapshot()
    response = client.post(url, {"mention": "区发改局", "action": "map", "unit": 999999})
    assert response.status_code == 200
    assert "所选单位不存在" in response.content.decode()
    response = client.post(url, {"mention": "区发改局", "action": "map", "name": "区不存在局"})
    page = response.content.decode()
    assert "没有名为“区不存在局”的单位" in page
    assert 'value="区不存在局"' in page
    assert snapshot() == before


def test_mapping_a_known_name_again_is_refused(client, supervisor, draft, district):
    client.force_login(supervisor)
    response = client.post(
        reverse("document-units", args=[draft.pk]),
        {"mention": "市发展改革委", "action": "map", "name": "云江区发展和改革局"},
    )
    assert "已对应到“云江市发展和改革委员会”" in response.content.decode()
    assert UnitAlias.objects.get(alias="市发展改革委").unit.name == "云江市发展和改革委员会"


def test_a_name_is_confirmed_as_a_new_unit_by_typing_its_name(client, supervisor, draft):
    client.force_login(supervisor)
    url = reverse("document-units", args=[draft.pk])
    client.post(url, {"mention": "市人社局", "action": "accept"})
    draft.refresh_from_db()
    assert draft.new_unit_names == ["市人社局"]
    assert "将新建" in client.get(url).content.decode()


# --- publish, re-extract, archive ---------------------------------------------------------------


def test_publishing_shows_the_counts_then_publishes(client, supervisor, draft):
    client.force_login(supervisor)
    url = reverse("document-publish", args=[draft.pk])
    page = client.get(url).content.decode()
    assert '<div class="figure">6</div><div class="label">将新建的责任分工' in page
    assert '<div class="figure">4</div><div class="label">将新建的单位' in page
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("document-detail", args=[draft.pk])
    assert "已发布：新建 6 条责任分工、4 个报送周期，新建单位 4 个" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Document.Status.PUBLISHED


def test_publishing_without_a_year_is_refused_with_the_reason(client, supervisor, draft):
    Document.objects.filter(pk=draft.pk).update(year=None)
    client.force_login(supervisor)
    url = reverse("document-publish", args=[draft.pk])
    assert "未填写年度，不能发布" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200
    assert "未识别出文件年度" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Document.Status.DRAFT
    assert not Responsibility.objects.exists()


def test_a_large_document_is_published_in_the_background(
    client, supervisor, draft, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TRACKER_PUBLISH_BACKGROUND_ABOVE = 2
    queued = []
    monkeypatch.setattr("tracker.tasks.document_publish.delay", lambda *a: queued.append(a))
    client.force_login(supervisor)
    url = reverse("document-publish", args=[draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert queued == [(draft.pk, supervisor.pk)]
    page = response.content.decode()
    assert "正在后台发布" in page
    draft.refresh_from_db()
    assert draft.publish_requested_at is not None and draft.status == Document.Status.DRAFT
    review_page = client.get(reverse("document-review", args=[draft.pk])).content.decode()
    assert "正在后台发布" in review_page


def test_reextract_reports_what_changed(client, supervisor, draft, monkeypatch):
    real = extraction.extract

    def newer(text):
        result = copy.deepcopy(real(text))
        result["assignments"].append(dict(result["assignments"][0], ref="一.9", title="新任务"))
        return result

    monkeypatch.setattr("tracker.services.document_reextract.extraction.extract", newer)
    client.force_login(supervisor)
    response = client.post(reverse("document-reextract", args=[draft.pk]), follow=True)
    assert "重新识别完成：新增 1 项，更新 0 项，保留人工修改 0 处。" in response.content.decode()


def test_archive_needs_a_reason(client, supervisor, draft):
    document_publish(document=draft, actor=supervisor)
    client.force_login(supervisor)
    url = reverse("document-archive", args=[draft.pk])
    assert "归档原因" in client.get(url).content.decode()
    for data in ({"reason": ""}, {}):
        response = client.post(url, data)
        assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(url, {"reason": "已被2027年方案替代"}, follow=True)
    page = response.content.decode()
    assert "文件已归档" in page and "已被2027年方案替代" in page
    draft.refresh_from_db()
    assert draft.status == Document.Status.ARCHIVED


def test_archiving_a_draft_is_refused(client, supervisor, draft):
    client.force_login(supervisor)
    response = client.post(reverse("document-archive", args=[draft.pk]), {"reason": "试试"})
    assert "只有已发布的文件可以归档" in response.content.decode()


def test_the_detail_page_links_supervisors_to_review_and_the_dashboard(
    client, supervisor, draft, units
):
    client.force_login(supervisor)
    page = client.get(reverse("document-detail", args=[draft.pk])).content.decode()
    assert reverse("document-review", args=[draft.pk]) in page
    published = make_document(title="已发布")
    task = make_assignment(published, title="发布的任务")
    make_responsibility(task, units["fgw"])
    page = client.get(reverse("document-detail", args=[published.pk])).content.decode()
    assert reverse("dashboard") in page and reverse("document-archive", args=[published.pk]) in page


# --- the whole way ------------------------------------------------------------------------------


def test_import_review_edit_map_publish(client, supervisor, reporter, units, district):
    client.force_login(supervisor)
    response = client.post(reverse("document-import"), {"text": SMALL}, follow=True)
    document = Document.objects.get()
    assert "已识别出 3 项任务" in response.content.decode()

    assignment = first(document)
    data = edit_form(client, assignment)
    data[f"a{assignment.pk}-title"] = "地区生产总值（审核后）"
    data[f"a{assignment.pk}t-0-value"] = "6.5"
    url = reverse("document-assignment-edit", args=[document.pk, assignment.pk])
    assert client.post(url, data, **HX).status_code == 200

    units_url = reverse("document-units", args=[document.pk])
    client.post(units_url, {"mention": "区发改局", "action": "map", "unit": district.pk})
    for name in ("市人社局", "市工信局", "市统计局"):
        client.post(units_url, {"mention": name, "action": "accept"})
    page = client.get(reverse("document-publish", args=[document.pk])).content.decode()
    assert '<div class="figure">3</div><div class="label">将新建的单位' in page
    assert "尚未确认" not in page

    response = client.post(reverse("document-publish", args=[document.pk]), follow=True)
    assert "已发布" in response.content.decode()
    lead = Responsibility.objects.get(assignment=assignment, role="lead")
    assert lead.unit == units["fgw"]
    assert Responsibility.objects.filter(assignment=assignment, unit=district).exists()

    client.force_login(reporter)
    page = client.get(reverse("document-detail", args=[document.pk])).content.decode()
    assert "地区生产总值（审核后）" in page and "6.5%" in page


def test_the_demo_division_document_goes_through_review(client, supervisor, units):
    path = DEMO_DOCUMENTS / "yunjiang-2026-key-tasks-division.txt"
    client.force_login(supervisor)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("document-import"), {"file": upload}, follow=True)
    document = Document.objects.get()
    page = response.content.decode()
    assert page.count('<mark class="span"') >= document.assignments.count()
    assert client.get(reverse("document-units", args=[document.pk])).status_code == 200
    assert client.get(reverse("document-publish", args=[document.pk])).status_code == 200


# --- the source column --------------------------------------------------------------------------


def test_source_segments_mark_each_span_once_and_cover_the_text():
    text = "0123456789"
    segments = source_segments(text, [(1, 2, 5), (2, 6, 8), (3, None, None)])
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.assignment_id, s.first) for s in segments] == [
        ("01", None, False),
        ("234", 1, True),
        ("5", None, False),
        ("67", 2, True),
        ("89", None, False),
    ]


def test_nested_spans_give_the_inner_assignment_its_own_mark():
    segments = source_segments("abcdefghij", [(1, 0, 10), (2, 3, 6)])
    assert [(s.text, s.assignment_id, s.first) for s in segments] == [
        ("abc", 1, True),
        ("def", 2, True),
        ("ghij", 1, False),
    ]


def test_spans_beyond_the_text_are_clipped():
    segments = source_segments("abc", [(1, 1, 99), (2, 50, 60)])
    assert [(s.text, s.assignment_id) for s in segments] == [("a", None), ("bc", 1)]


@pytest.mark.corpus
def test_a_corpus_plan_goes_through_review(client, supervisor, units, corpus):
    path = corpus / "lincang-2023-county-development-plan.txt"
    client.force_login(supervisor)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("document-import"), {"file": upload}, follow=True)
    document = Document.objects.get()
    assert document.assignments.count() > 50
    page = response.content.decode()
    assert page.count('id="span-') == document.assignments.exclude(span_start=None).count()
    units_page = client.get(reverse("document-units", args=[document.pk])).content.decode()
    assert "未识别的名称" in units_page
    outcome = client.post(reverse("document-reextract", args=[document.pk]), follow=True)
    assert "新增 0 项，更新 0 项" in outcome.content.decode()
    publish = client.get(reverse("document-publish", args=[document.pk])).content.decode()
    assert "将新建的责任分工" in publish

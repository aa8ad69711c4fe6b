"""The documents pages: who may open which (an outsider gets 404 and changes nothing), the list,
importing (a bad file says why), publishing (in the background when large), re-extracting and
archiving, and a document's page."""

from __future__ import annotations

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import extraction
from tests.factories import make_assignment, make_document, make_responsibility
from tests.samples import SMALL, document_rows, first
from tracker.models import Document, Responsibility
from tracker.services.document_publish import document_publish

pytestmark = pytest.mark.django_db


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
    before = document_rows()
    response = getattr(client, method)(
        endpoint_url(name, kind, draft), {"title": "x", "reason": "x", "mention": "区发改局"}
    )
    assert response.status_code == 404
    assert document_rows() == before


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


def test_a_long_documents_assignments_are_paged_and_a_link_opens_the_right_page(
    client, supervisor, units, monkeypatch
):
    from tests.factories import make_assignment, make_document
    from tracker.views import documents as document_views

    document = make_document()
    made = [make_assignment(document, title=f"任务{n}") for n in range(1, 6)]
    monkeypatch.setattr(document_views, "ASSIGNMENTS_PAGE_SIZE", 2)
    client.force_login(supervisor)
    url = reverse("document-detail", args=[document.pk])
    seen = []
    for number in (1, 2, 3):
        response = client.get(url, {"page": number})
        listed = list(response.context["page"].object_list)
        assert len(listed) <= 2
        seen += [a.pk for a in listed]
    assert seen == [a.pk for a in made]
    # The dashboard's and the matrix's links name the assignment: its page opens.
    response = client.get(url, {"a": made[4].pk})
    assert [a.pk for a in response.context["page"].object_list] == [made[4].pk]
    assert f'id="a-{made[4].pk}"' in response.content.decode()
    # An assignment of another document, or nonsense, opens the first page.
    assert client.get(url, {"a": "x"}).context["page"].number == 1

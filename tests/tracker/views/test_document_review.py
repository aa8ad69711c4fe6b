"""The draft review pages: the source beside the draft, editing in place with htmx (and without
JavaScript), conflicts shown with the reviewer's input kept, the unit names page, and whole
documents taken from import to publication."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_assignment, make_document, make_target
from tests.samples import DEMO_DOCUMENTS, SMALL, document_rows, first
from tracker.models import (
    Assignment,
    AuditEvent,
    Document,
    Responsibility,
    Unit,
    UnitAlias,
    UnitGroup,
)
from tracker.services.document_publish import document_publish

pytestmark = pytest.mark.django_db


HX = {"HTTP_HX_REQUEST": "true"}


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
    # The reporting rule has a form of its own (tests/tracker/views/test_schedules.py).
    data.update({"doc-year": "2027"})
    page = client.post(url, data, **HX).content.decode()
    assert "文件信息已保存" in page
    draft.refresh_from_db()
    assert (draft.year, draft.issuer) == (2027, "我填的发文单位")
    assert AuditEvent.objects.get(action="document.review_update").after["year"] == 2027


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
    before = document_rows()
    response = client.post(url, {"mention": "区发改局", "action": "map", "unit": 999999})
    assert response.status_code == 200
    assert "所选单位不存在" in response.content.decode()
    response = client.post(url, {"mention": "区发改局", "action": "map", "name": "区不存在局"})
    page = response.content.decode()
    assert "没有名为“区不存在局”的单位" in page
    assert 'value="区不存在局"' in page
    assert document_rows() == before


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


# --- every unknown name in a few actions, errors where the person is -------------------------


def test_a_mapping_error_comes_back_in_the_card_not_at_the_top_of_the_page(
    client, supervisor, draft
):
    client.force_login(supervisor)
    url = reverse("document-units", args=[draft.pk])
    response = client.post(
        url, {"mention": "区发改局", "action": "map", "name": "区不存在局", "card": "3"}, **HX
    )
    fragment = response.content.decode()
    # Only the card is returned, with its id kept, the error inside it next to the field, and
    # the typed name still in the field.
    assert fragment.lstrip().startswith('<section class="card mention unknown has-error" id="m-3"')
    assert "没有名为“区不存在局”的单位" in fragment and 'value="区不存在局"' in fragment
    assert 'aria-describedby="m-3-error"' in fragment and "<html" not in fragment


def test_a_successful_mapping_turns_the_card_into_its_result(client, supervisor, draft, district):
    client.force_login(supervisor)
    url = reverse("document-units", args=[draft.pk])
    response = client.post(
        url, {"mention": "区发改局", "action": "map", "unit": district.pk, "card": "1"}, **HX
    )
    fragment = response.content.decode()
    assert 'id="m-1"' in fragment and "→ 云江区发展和改革局" in fragment
    assert 'id="unknown-count" hx-swap-oob="true">3<' in fragment


def test_accept_every_suggestion_then_create_the_rest(client, supervisor, draft, district, units):
    client.force_login(supervisor)
    url = reverse("document-units", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "接受全部建议" in page and "其余名称全部新建为单位" in page
    assert "推荐" in page  # 区发改局 → 云江区发展和改革局
    done = client.post(url, {"action": "accept_all"}, follow=True).content.decode()
    assert "已接受 1 条建议" in done
    assert UnitAlias.objects.get(alias="区发改局").unit == district
    done = client.post(
        url, {"action": "create_rest", "parent": units["city"].pk}, follow=True
    ).content.decode()
    assert "已新建 3 个单位（上级单位：云江市人民政府）" in done
    assert "全部单位名称均已对应，可以发布" in done
    assert Unit.objects.get(name="市人社局").parent == units["city"]


def test_the_review_page_shows_what_a_group_expands_to(client, supervisor, units):
    group = UnitGroup.objects.create(name="各县(区)人民政府")
    for name in ("江北区人民政府", "江南区人民政府"):
        group.members.add(Unit.objects.create(name=name, level="county"))
    document = make_document(published=False)
    task = make_assignment(document, title="稳就业")
    task.responsible_units_text = ["各县(区)人民政府"]
    task.save()
    client.force_login(supervisor)
    page = client.get(reverse("document-review", args=[document.pk])).content.decode()
    assert "展开为 2 个单位" in page and "江北区人民政府、江南区人民政府" in page


def test_the_publish_preview_names_the_units_nobody_would_report_for(
    client, supervisor, draft, reporter
):
    reporter.email = "bob@fgw.cn"
    reporter.save()
    client.force_login(supervisor)
    page = client.get(reverse("document-publish", args=[draft.pk])).content.decode()
    assert "共有 1 个邮箱将收到报送提醒" in page
    assert "还没有填报人员" in page and "云江市财政局" in page and "市人社局" in page

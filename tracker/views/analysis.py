"""The quarter's analysis (一季一分析): read it as a printable page, export it as .xlsx/.docx (the
worker builds the file: views/exports.py), publish it (its figures frozen) and withdraw it.
Supervisors only; everyone else gets 404.

Until it is published the analysis shows the figures as they stand now; once published, the
page and the exports show the frozen content, so what was printed and what is archived agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access
from tracker.forms.dashboard import BulletinPublishForm, BulletinWithdrawForm
from tracker.models import AnalysisBulletin, ExportJob, ReportingPeriod
from tracker.selectors.bulletin import TABLES as BULLETIN_TABLES
from tracker.selectors.bulletin import bulletin_tables
from tracker.services.bulletin import BulletinRefused, bulletin_publish, bulletin_withdraw
from tracker.services.export_jobs import ANALYSIS_FORMATS, export_request
from tracker.views.common import current_user, now, paginate, supervisor_required, today


def _bulletin(period: ReportingPeriod) -> AnalysisBulletin | None:
    return AnalysisBulletin.objects.filter(period=period).select_related("published_by").first()


def _content(
    request: HttpRequest, period: ReportingPeriod, bulletin: AnalysisBulletin | None
) -> dict[str, Any]:
    """The published content, frozen; before publication, the figures as they stand now, each
    long table read a page at a time (its rows computed only for the page shown)."""
    if bulletin is not None:
        content: dict[str, Any] = bulletin.content
        return content
    return bulletin_tables(current_user(request), period, today=today(), now=now())


@supervisor_required
def analysis_index(request: HttpRequest) -> HttpResponse:
    """Every document's quarters, each with its analysis published or not (one query a page)."""
    periods = (
        access.visible_periods(current_user(request))
        .select_related("document", "bulletin__published_by")
        # A row shows titles and dates; the texts and the frozen figures stay in the database.
        .defer("document__source_text", "document__extraction", "bulletin__content")
        .order_by("document__title", "document_id", "-ends_on", "schedule_id")
    )
    page = paginate(request, periods)
    rows = [(period, getattr(period, "bulletin", None)) for period in page.object_list]
    return render(
        request,
        "tracker/analysis/index.html",
        {"page": page, "rows": rows, "today": today()},
    )


# The analysis page's long tables show this many rows a page; the exports keep every row.
ANALYSIS_ROWS = 50


@dataclass(frozen=True)
class Window:
    """One page of one of the analysis's tables, with links to its neighbours."""

    key: str
    page: Page[Any]
    previous_url: str | None
    next_url: str | None


def _windows(request: HttpRequest, content: dict[str, Any]) -> dict[str, Window]:
    windows = {}
    # The content's lists that grow with the province (a 2,500-assignment document: 3.3 MB).
    for key in BULLETIN_TABLES:
        param = f"{key}_page"
        page = Paginator(content.get(key) or [], ANALYSIS_ROWS).get_page(request.GET.get(param))

        def url(number: int, param: str = param, key: str = key) -> str:
            query = request.GET.copy()
            query[param] = str(number)
            return f"?{query.urlencode()}#sec-{key}"

        windows[key] = Window(
            key=key,
            page=page,
            previous_url=url(page.previous_page_number()) if page.has_previous() else None,
            next_url=url(page.next_page_number()) if page.has_next() else None,
        )
    return windows


def _detail(
    request: HttpRequest,
    period: ReportingPeriod,
    *,
    publish_form: BulletinPublishForm | None = None,
    withdraw_form: BulletinWithdrawForm | None = None,
) -> HttpResponse:
    bulletin = _bulletin(period)
    content = _content(request, period, bulletin)
    if publish_form is None:
        publish_form = BulletinPublishForm(initial={"summary": content.get("summary_text", "")})
    windows = _windows(request, content)
    shown = {**content, **{key: list(w.page.object_list) for key, w in windows.items()}}
    return render(
        request,
        "tracker/analysis/detail.html",
        {
            "period": period,
            "bulletin": bulletin,
            "content": shown,
            "windows": windows,
            "publish_form": publish_form,
            "withdraw_form": withdraw_form or BulletinWithdrawForm(),
        },
    )


@supervisor_required
def analysis_detail(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access.period_for_user(current_user(request), period_id)
    return _detail(request, period)


@supervisor_required
@require_POST
def analysis_export(request: HttpRequest, period_id: int, fmt: str) -> HttpResponse:
    """Ask the worker for the analysis as a file; its page shows the progress, then the link."""
    if fmt not in ANALYSIS_FORMATS:
        raise Http404
    user = current_user(request)
    period = access.period_for_user(user, period_id)
    job = export_request(
        actor=user,
        kind=ExportJob.Kind.ANALYSIS,
        params={"period": period.pk, "format": fmt},
        language=request.LANGUAGE_CODE,
    )
    return redirect("export-job", job_id=job.pk)


@supervisor_required
@require_POST
def analysis_publish(request: HttpRequest, period_id: int) -> HttpResponse:
    user = current_user(request)
    period = access.period_for_user(user, period_id)
    form = BulletinPublishForm(request.POST)
    if not form.is_valid():
        return _detail(request, period, publish_form=form)
    try:
        bulletin_publish(period=period, actor=user, summary=form.cleaned_data["summary"])
    except BulletinRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("季度分析已发布，内容已固定。"))
    return redirect("analysis-detail", period_id=period.pk)


@supervisor_required
@require_POST
def analysis_withdraw(request: HttpRequest, period_id: int) -> HttpResponse:
    user = current_user(request)
    period = access.period_for_user(user, period_id)
    bulletin = _bulletin(period)
    if bulletin is None:
        messages.error(request, _("本季度分析尚未发布或已撤回。"))
        return redirect("analysis-detail", period_id=period.pk)
    form = BulletinWithdrawForm(request.POST)
    if form.is_valid():
        try:
            bulletin_withdraw(bulletin=bulletin, actor=user, reason=form.cleaned_data["reason"])
        except BulletinRefused as refusal:
            form.add_error("reason", refusal.message)
        else:
            messages.success(request, _("季度分析已撤回。"))
            return redirect("analysis-detail", period_id=period.pk)
    return _detail(request, period, withdraw_form=form)


urlpatterns = [
    path("analysis/", analysis_index, name="analysis-index"),
    path("analysis/<int:period_id>/", analysis_detail, name="analysis-detail"),
    path("analysis/<int:period_id>/export/<str:fmt>/", analysis_export, name="analysis-export"),
    path("analysis/<int:period_id>/publish/", analysis_publish, name="analysis-publish"),
    path("analysis/<int:period_id>/withdraw/", analysis_withdraw, name="analysis-withdraw"),
]

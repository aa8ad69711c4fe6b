"""The quarter's analysis (一季一分析): read it as a printable page, export it as .xlsx/.docx,
publish it (its figures frozen) and withdraw it. Supervisors only; everyone else gets 404.

Until it is published the analysis shows the figures as they stand now; once published, the
page and the exports show the frozen content, so what was printed and what is archived agree.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access
from tracker.exports import bulletin_docx, bulletin_filename, bulletin_xlsx
from tracker.forms.dashboard import BulletinPublishForm, BulletinWithdrawForm
from tracker.models import AnalysisBulletin, ReportingPeriod
from tracker.selectors.bulletin import bulletin_content
from tracker.services.bulletin import BulletinRefused, bulletin_publish, bulletin_withdraw
from tracker.views.common import current_user, now, paginate, supervisor_required, today

EXPORTS = {
    "xlsx": (bulletin_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (
        bulletin_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


def _bulletin(period: ReportingPeriod) -> AnalysisBulletin | None:
    return AnalysisBulletin.objects.filter(period=period).select_related("published_by").first()


def _content(
    request: HttpRequest, period: ReportingPeriod, bulletin: AnalysisBulletin | None
) -> dict[str, Any]:
    """The published content, frozen; before publication, the figures as they stand now."""
    if bulletin is not None:
        content: dict[str, Any] = bulletin.content
        return content
    return bulletin_content(current_user(request), period, today=today(), now=now())


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
    return render(
        request,
        "tracker/analysis/detail.html",
        {
            "period": period,
            "bulletin": bulletin,
            "content": content,
            "publish_form": publish_form,
            "withdraw_form": withdraw_form or BulletinWithdrawForm(),
        },
    )


@supervisor_required
def analysis_detail(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access.period_for_user(current_user(request), period_id)
    return _detail(request, period)


@supervisor_required
def analysis_export(request: HttpRequest, period_id: int, fmt: str) -> HttpResponse:
    """The analysis as a file, named in Chinese (RFC 5987) with an ASCII fallback."""
    if fmt not in EXPORTS:
        raise Http404
    period = access.period_for_user(current_user(request), period_id)
    # The files are the office's Chinese documents (宋体, 一、二、…) whatever the screen's
    # language: their wording is not in the catalogue yet, so their figures stay Chinese too.
    with translation.override(settings.LANGUAGE_CODE):
        content = _content(request, period, _bulletin(period))
        render_file, content_type = EXPORTS[fmt]
        response = HttpResponse(render_file(content), content_type=content_type)
    filename = bulletin_filename(content, fmt)
    code = {"monthly": f"M{period.number:02d}", "half-yearly": f"H{period.number}"}.get(
        period.frequency, f"Q{period.number}" if period.frequency == "quarterly" else "Y"
    )
    fallback = f"analysis-{period.year}-{code}-{period.document_id}.{fmt}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


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

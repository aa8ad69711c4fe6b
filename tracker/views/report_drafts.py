"""Keeping a reporter's typing safe: the form's autosave (a draft saved as it is typed, through
the same service and stale-version check as 保存草稿) and withdrawing a submitted report before
its review (撤回报送)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access
from tracker.forms.reports import ReportForm
from tracker.http import parse_int
from tracker.services.report_withdrawal import WithdrawRefused, report_withdraw
from tracker.services.reports import ReportRefused, StaleReport, report_save
from tracker.views.common import current_user
from tracker.views.reports import _work_context


def _form_errors(form: ReportForm) -> dict[str, str]:
    """Field name → first message, as the page's script puts them beside the fields."""
    return {name: str(errors[0]) for name, errors in form.errors.items() if errors}


@require_POST
def report_autosave(request: HttpRequest, responsibility_id: int, period_id: int) -> HttpResponse:
    """Save what is typed as a draft, answered in JSON for the page's script: 200 with the new
    version, 400 with each field's error, 409 when someone else saved since (nothing is
    overwritten: the reporter decides after reloading)."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"detail": _("登录已过期，请重新登录后保存。"), "errors": {}}, status=403
        )
    user = current_user(request)
    responsibility, period, _report = _work_context(
        user, responsibility_id, period_id, with_report=False
    )
    targets = list(responsibility.assignment.targets.order_by("position"))
    form = ReportForm(request.POST, targets=targets)
    if not form.is_valid():
        return JsonResponse(
            {"detail": _("有内容未能自动保存，请按提示修改。"), "errors": _form_errors(form)},
            status=400,
        )
    try:
        saved = report_save(
            responsibility=responsibility,
            period=period,
            actor=user,
            report_input=form.report_input(),
            expected_version=form.cleaned_data.get("version"),
            submit=False,
            assignment_version=form.cleaned_data.get("assignment_version"),
            autosave=True,
        )
    except StaleReport as exc:
        return JsonResponse({"detail": exc.message, "errors": {}, "stale": True}, status=409)
    except ReportRefused as exc:
        form.add_service_errors(exc.errors)
        return JsonResponse({"detail": exc.message, "errors": _form_errors(form)}, status=400)
    at = timezone.localtime(saved.updated_at).strftime("%H:%M:%S")
    return JsonResponse(
        {
            "version": saved.version,
            "detail": _("已自动保存（%(at)s，版本 %(v)s）") % {"at": at, "v": saved.version},
            "errors": {},
        }
    )


@require_POST
def report_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回报送: the unit takes back a submitted report nobody has reviewed yet."""
    if not request.user.is_authenticated:
        raise Http404
    user = current_user(request)
    report = access.report_for_user(user, pk)
    if not access.can_edit_report(user, report.responsibility):
        raise Http404
    version = request.POST.get("version", "")
    try:
        report_withdraw(
            report=report,
            actor=user,
            expected_version=parse_int(version),
        )
    except WithdrawRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报告已撤回为草稿，修改后请重新提交报送。"))
    return redirect(
        "report-work", responsibility_id=report.responsibility_id, period_id=report.period_id
    )


urlpatterns = [
    path(
        "work/<int:responsibility_id>/<int:period_id>/autosave/",
        report_autosave,
        name="report-autosave",
    ),
    path("reports/<int:pk>/withdraw/", report_withdraw_view, name="report-withdraw"),
]

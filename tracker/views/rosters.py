"""The roster (名册) as a file, for supervisors and administrators (everyone else gets 404):
upload a .xlsx or .csv, see row by row what would be created, changed or refused, confirm to
apply it in one transaction; export the roster in the same layout; download the template."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.forms.rosters import RosterUploadForm, rows_from_token, rows_token
from tracker.roster_files import SHEETS, roster_csv, roster_xlsx, sheet_name
from tracker.selectors.rosters import CREATE, REFUSED, UNCHANGED, UPDATE, roster_plan, roster_tables
from tracker.services.rosters import RosterRefused, roster_apply
from tracker.views.common import current_user, supervisor_required, today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, filename: str, fallback: str, content_type: str) -> HttpResponse:
    """A file named in Chinese (RFC 5987) with an ASCII fallback, never cached."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


@supervisor_required
@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        plan = roster_plan(form.rows, actor=user)
        context.update(
            plan=plan,
            token=rows_token(form.rows) if plan.ok else "",
            invite=form.cleaned_data["invite"],
            filename=form.cleaned_data["file"].name,
            counts={action: plan.count(action) for action in (CREATE, UPDATE, UNCHANGED, REFUSED)},
        )
    return render(request, "tracker/rosters/import.html", context)


@supervisor_required
@require_POST
def roster_confirm(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = rows_from_token(request.POST.get("rows", ""))
    if rows is None:
        messages.error(request, _("预览已过期或内容被改动，请重新上传名册。"))
        return redirect("roster-import")
    try:
        outcome = roster_apply(rows=rows, actor=user, invite=request.POST.get("invite") == "1")
    except RosterRefused as exc:
        return render(
            request,
            "tracker/rosters/import.html",
            {
                "form": RosterUploadForm(),
                "plan": exc.plan,
                "token": "",
                "error": exc.message,
                "counts": {
                    action: exc.plan.count(action)
                    for action in (CREATE, UPDATE, UNCHANGED, REFUSED)
                },
            },
            status=400,
        )
    messages.success(
        request,
        _(
            "名册已导入：新建单位 %(uc)s 个、更新 %(uu)s 个，新建人员 %(pc)s 人、更新 %(pu)s 人，"
            "单位集合 %(g)s 个；已向 %(inv)s 人发送邀请邮件。"
        )
        % {
            "uc": outcome.units_created,
            "uu": outcome.units_changed,
            "pc": outcome.people_created,
            "pu": outcome.people_changed,
            "g": outcome.groups_saved,
            "inv": len(outcome.invited),
        },
    )
    return redirect("unit-list")


@supervisor_required
def roster_export(request: HttpRequest, fmt: str) -> HttpResponse:
    tables = roster_tables()
    stamp = today().strftime("%Y%m%d")
    if fmt == "xlsx":
        return _download(
            roster_xlsx(tables),
            _("名册-%(date)s.xlsx") % {"date": stamp},
            f"roster-{stamp}.xlsx",
            XLSX,
        )
    sheet = {"units": SHEETS[0], "people": SHEETS[1], "groups": SHEETS[2]}.get(fmt)
    if sheet is None:
        raise Http404
    return _download(
        roster_csv(sheet, tables[sheet]),
        _("名册-%(sheet)s-%(date)s.csv") % {"sheet": sheet_name(sheet), "date": stamp},
        f"roster-{fmt}-{stamp}.csv",
        "text/csv; charset=utf-8",
    )


@supervisor_required
def roster_template(request: HttpRequest) -> HttpResponse:
    return _download(roster_xlsx({}, notes=True), _("名册模板.xlsx"), "roster-template.xlsx", XLSX)


urlpatterns = [
    path("roster/", roster_import, name="roster-import"),
    path("roster/confirm/", roster_confirm, name="roster-confirm"),
    path("roster/template.xlsx", roster_template, name="roster-template"),
    path("roster/export/<str:fmt>/", roster_export, name="roster-export"),
]

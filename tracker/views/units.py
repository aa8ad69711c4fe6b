"""Units and groups, kept in the product by supervisors and administrators (everyone else gets
404): the list in the official order, creating and changing a unit (a new name keeps the old one
as an alias), aliases, merging two units that are one body, and unit groups."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tracker.forms.units import AliasForm, GroupForm, MergeForm, UnitForm
from tracker.http import int_param
from tracker.models import Document, Unit, UnitAlias, UnitGroup, unit_order
from tracker.selectors.duban import duban_is_overdue
from tracker.selectors.people import people
from tracker.selectors.units import (
    group_member_suggestions,
    merge_preview,
    unit_history,
    units_list,
)
from tracker.services.errors import Refused
from tracker.services.unit_groups import unitgroup_delete, unitgroup_save
from tracker.services.unit_merge import unit_merge
from tracker.services.units import (
    unit_alias_add,
    unit_alias_remove,
    unit_create,
    unit_update,
)
from tracker.views.common import current_user, paginate, supervisor_required, today


def _unit(pk: int) -> Unit:
    return get_object_or_404(Unit.objects.select_related("parent", "merged_into"), pk=pk)


@supervisor_required
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    state = request.GET.get("state", "")
    return render(
        request,
        "tracker/units/list.html",
        {
            "page": paginate(request, units_list(query=query, level=level, state=state)),
            "query": query,
            "level": level,
            "state": state,
            "levels": Unit.Level.choices,
        },
    )


@supervisor_required
@require_http_methods(["GET", "POST"])
def unit_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_create(
                actor=user,
                name=data["name"],
                level=data["level"],
                kind=data["kind"],
                parent=data["parent"],
                position=data["position"],
                aliases=form.alias_list(),
            )
        except Refused as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已新建单位“%(name)s”。") % {"name": unit.name})
            return redirect("unit-detail", pk=unit.pk)
    return render(request, "tracker/units/new.html", {"form": form})


def _form_errors(form: UnitForm | GroupForm | AliasForm | MergeForm, exc: Refused) -> None:
    """A refusal shown beside the fields it names, or above the form."""
    placed = False
    for name, message in exc.errors.items():
        if name in form.fields and message:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@supervisor_required
@require_http_methods(["GET", "POST"])
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    unit = _unit(pk)
    form = UnitForm(
        request.POST if request.method == "POST" else None,
        unit=unit,
        initial=UnitForm.initial_for(unit),
    )
    if request.method == "POST" and unit.merged_into_id is None and form.is_valid():
        data = form.cleaned_data
        try:
            unit_update(
                unit=unit,
                actor=user,
                name=data["name"],
                level=data["level"],
                kind=data["kind"],
                parent=data["parent"],
                position=data["position"],
                is_active=data["is_active"],
            )
        except Refused as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("单位信息已保存。"))
            return redirect("unit-detail", pk=unit.pk)
    return _render_detail(request, unit, form=form)


def _render_detail(
    request: HttpRequest,
    unit: Unit,
    *,
    form: UnitForm | None = None,
    alias_form: AliasForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "tracker/units/detail.html",
        {
            "unit": unit,
            "form": form or UnitForm(unit=unit, initial=UnitForm.initial_for(unit)),
            "alias_form": alias_form or AliasForm(),
            "aliases": unit.aliases.order_by("alias"),
            "people": people(unit_id=unit.pk)[:50],
            "contacts": unit.contacts.order_by("-is_active", "email"),
            "children": unit.children.filter(merged_into__isnull=True).order_by(*unit_order()),
            "groups": unit.groups.order_by("name"),
            "merged_units": unit.merged_units.order_by("name"),
            "responsibility_total": unit.responsibilities.count(),
            "history": unit_history(unit),
            "dubans": [
                (action, duban_is_overdue(action, today()))
                for action in unit.supervision_actions.exclude(status="").order_by("-created_at")[
                    :20
                ]
            ],
        },
        status=status,
    )


@supervisor_required
@require_POST
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    unit = _unit(pk)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            unit_alias_add(unit=unit, alias=form.cleaned_data["alias"], actor=user)
        except Refused as exc:
            form.add_error("alias", exc.message)
        else:
            messages.success(request, _("已增加别名。"))
            return redirect("unit-detail", pk=unit.pk)
    return _render_detail(request, unit, alias_form=form, status=400)


@supervisor_required
@require_POST
def alias_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    alias = get_object_or_404(UnitAlias, pk=pk)
    back = (
        redirect("unit-detail", pk=alias.unit_id)
        if alias.unit_id
        else redirect("group-edit", pk=alias.group_id)
    )
    try:
        unit_alias_remove(alias=alias, actor=user)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除别名“%(name)s”。") % {"name": alias.alias})
    return back


@supervisor_required
@require_http_methods(["GET", "POST"])
def unit_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    unit = _unit(pk)
    if unit.merged_into_id is not None:
        messages.info(request, _("该单位已并入其他单位。"))
        return redirect("unit-detail", pk=unit.pk)
    data = request.POST if request.method == "POST" else None
    if data is None and "into" in request.GET:
        data = request.GET
    form = MergeForm(data, unit=unit)
    preview = None
    if data is not None and form.is_valid():
        into = form.cleaned_data["into"]
        preview = merge_preview(unit, into)
        if request.method == "POST":
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", _("请勾选确认后再合并。"))
            else:
                try:
                    outcome = unit_merge(unit=unit, into=into, actor=user)
                except Refused as exc:
                    form.add_error(None, exc.message)
                else:
                    text = _(
                        "已将“%(merged)s”并入“%(survivor)s”：责任分工、报告、问题、督办、"
                        "人员和别名均已转到“%(survivor)s”，原名称保留为别名。"
                    ) % {"merged": unit.name, "survivor": into.name}
                    if outcome.set_aside:
                        text += _(
                            "其中 %(n)s 项任务两单位都承担，已按合并规则保留一条有效的责任分工，"
                            "报告均保留。"
                        ) % {"n": len(outcome.set_aside)}
                    messages.success(request, text)
                    return redirect("unit-detail", pk=into.pk)
    return render(
        request,
        "tracker/units/merge.html",
        {
            "unit": unit,
            "form": form,
            "preview": preview,
            "into": form.cleaned_data.get("into") if preview else None,
        },
    )


# --- groups -------------------------------------------------------------------------------------


@supervisor_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = UnitGroup.objects.prefetch_related("members", "aliases").order_by("name")
    return render(request, "tracker/units/groups.html", {"page": paginate(request, groups)})


def _back_to(request: HttpRequest) -> str:
    """Where the group form returns: the document whose names sent the person here."""
    document_id = int_param(request, "document")
    if (
        document_id is not None
        and Document.objects.filter(pk=document_id, status=Document.Status.DRAFT).exists()
    ):
        return reverse("document-units", args=[document_id])
    return ""


@supervisor_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    return _group_form(request, None)


@supervisor_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _group_form(request, get_object_or_404(UnitGroup, pk=pk))


def _group_form(request: HttpRequest, group: UnitGroup | None) -> HttpResponse:
    user = current_user(request)
    back = _back_to(request)
    if request.method == "POST":
        form = GroupForm(request.POST, group=group)
    elif group is not None:
        form = GroupForm(
            group=group,
            initial={
                "name": group.name,
                "members": list(group.members.values_list("pk", flat=True)),
                "description": group.description,
            },
        )
    else:
        name = request.GET.get("name", "").strip()[:200]
        form = GroupForm(
            initial={"name": name, "members": [u.pk for u in group_member_suggestions(name)]}
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = unitgroup_save(
                actor=user,
                group=group,
                name=data["name"],
                members=data["members"],
                new_members=form.new_member_names(),
                new_members_parent=data["new_members_parent"],
                aliases=form.alias_list(),
                description=data["description"],
            )
        except Refused as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "已保存单位集合“%(name)s”（%(n)s 个成员单位）；"
                    "文件中的该名称发布时将展开为这些单位。"
                )
                % {"name": saved.name, "n": saved.members.count()},
            )
            return redirect(back or reverse("group-list"))
    return render(
        request,
        "tracker/units/group_form.html",
        {
            "form": form,
            "group": group,
            "back": back,
            "aliases": group.aliases.order_by("alias") if group else [],
            "suggested": request.method == "GET"
            and group is None
            and bool(form.initial.get("members")),
        },
    )


@supervisor_required
@require_POST
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(UnitGroup, pk=pk)
    try:
        unitgroup_delete(group=group, actor=current_user(request))
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("group-edit", pk=group.pk)
    messages.success(request, _("已删除单位集合“%(name)s”。") % {"name": group.name})
    return redirect("group-list")


urlpatterns = [
    path("units/", unit_list, name="unit-list"),
    path("units/new/", unit_new, name="unit-new"),
    path("units/<int:pk>/", unit_detail, name="unit-detail"),
    path("units/<int:pk>/aliases/", alias_add, name="unit-alias-add"),
    path("units/aliases/<int:pk>/delete/", alias_delete, name="unit-alias-delete"),
    path("units/<int:pk>/merge/", unit_merge_view, name="unit-merge"),
    path("units/groups/", group_list, name="group-list"),
    path("units/groups/new/", group_new, name="group-new"),
    path("units/groups/<int:pk>/", group_edit, name="group-edit"),
    path("units/groups/<int:pk>/delete/", group_delete, name="group-delete"),
]

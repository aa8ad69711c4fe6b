"""督办单 pages: the list (with counts by unit for supervisors), issuing, the 督办单 itself
(反馈 by the unit; 退回/办结 and linked 通报/面商/约谈 by supervisors), print and .docx; the
inbox; group robots."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import access
from tracker.forms.duban import (
    DubanForm,
    FeedbackForm,
    LinkedActionForm,
    ReturnForm,
    WebhookForm,
)
from tracker.http import parse_int
from tracker.models import (
    DubanEvidence,
    Notice,
    ReportingPeriod,
    SupervisionAction,
    Unit,
    User,
    Webhook,
)
from tracker.periods import local_today
from tracker.selectors.duban import (
    duban_counts_by_unit,
    duban_is_overdue,
    dubans_visible,
    inbox_notices,
    notice_row,
    notice_rows,
    overdue_q,
)
from tracker.services.duban import (
    DubanRefused,
    Upload,
    duban_close,
    duban_feedback_submit,
    duban_issue,
    duban_return,
)
from tracker.services.duban_export import duban_docx
from tracker.services.inbox import notice_mark_read
from tracker.services.supervision import ActionRefused, supervision_action_record
from tracker.services.webhooks import (
    WebhookRefused,
    can_manage_webhooks,
    webhook_add,
    webhook_remove,
)
from tracker.views.common import current_user, paginate, supervisor_required


def _duban_for(user: User, pk: int) -> SupervisionAction:
    action = access.action_for_user(user, pk)
    if not action.status:
        raise Http404
    return action


@login_required
def duban_list(request: HttpRequest) -> HttpResponse:
    """督办单: a unit sees its own, supervisors all with the counts by unit; overdue first."""
    user = current_user(request)
    today = local_today(timezone.now())
    dubans = dubans_visible(user)
    state = request.GET.get("state", "")
    if state == "overdue":
        dubans = dubans.filter(overdue_q(today))
    elif state == "closed":
        dubans = dubans.filter(status=SupervisionAction.Status.CLOSED)
    elif state == "open":
        dubans = dubans.exclude(status=SupervisionAction.Status.CLOSED)
    page = paginate(request, dubans.order_by("-created_at", "-pk"))
    rows = [(a, duban_is_overdue(a, today)) for a in page.object_list]
    return render(
        request,
        "tracker/duban/list.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "counts": duban_counts_by_unit(user, today) if access.can_supervise(user) else [],
        },
    )


@supervisor_required
def duban_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    source = request.POST if request.method == "POST" else request.GET
    period_id = parse_int(source.get("period"))
    period = ReportingPeriod.objects.filter(pk=period_id).first() if period_id else None
    if request.method != "POST":
        initial = {k: request.GET.get(k) for k in ("period", "responsibility", "subject")}
        if request.GET.get("unit"):
            initial["units"] = request.GET.getlist("unit")  # type: ignore[assignment]
        form = DubanForm(initial={k: v for k, v in initial.items() if v}, period=period)
        return render(request, "tracker/duban/new.html", {"form": form, "period": period})
    form = DubanForm(request.POST, period=period)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions = duban_issue(
                actor=user,
                units=list(data["units"]),
                period=data["period"],
                urgency=data["urgency"],
                requirement=data["requirement"],
                deadline=data["deadline"],
                subject=data["subject"],
                responsibility=data.get("responsibility"),
            )
        except DubanRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已下发%(ref)s，共%(n)d个单位。")
                % {"ref": actions[0].reference, "n": len(actions)},
            )
            return redirect("duban-detail", actions[0].pk)
    return render(request, "tracker/duban/new.html", {"form": form, "period": period}, status=400)


def _detail(
    request: HttpRequest, action: SupervisionAction, status: int = 200, **forms: object
) -> HttpResponse:
    user = current_user(request)
    today = local_today(timezone.now())
    context = {
        "action": action,
        "overdue": duban_is_overdue(action, today),
        "feedback": action.feedback.order_by("round").prefetch_related("evidence"),
        "linked": action.linked_actions.select_related("author").order_by("created_at"),
        "can_answer": user.unit_id == action.unit_id
        and not user.is_supervisor
        and not user.is_leader
        and action.status in (SupervisionAction.Status.OPEN, SupervisionAction.Status.RETURNED),
        "can_review": access.can_supervise(user)
        and action.status == SupervisionAction.Status.ANSWERED,
        "can_supervise": access.can_supervise(user),
        "feedback_form": forms.get("feedback_form") or FeedbackForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "link_form": forms.get("link_form") or LinkedActionForm(),
        "print": request.GET.get("print") == "1",
    }
    return render(request, "tracker/duban/detail.html", context, status=status)


@login_required
def duban_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _duban_for(current_user(request), pk)
    return _detail(request, action)


@login_required
@require_POST
def duban_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    action = _duban_for(user, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        files = [Upload(f.name or "file", f.read()) for f in request.FILES.getlist("files")]
        try:
            duban_feedback_submit(
                action=action, actor=user, text=form.cleaned_data["text"], files=files
            )
        except DubanRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已反馈。"))
            return redirect("duban-detail", action.pk)
    return _detail(request, action, 400, feedback_form=form)


@supervisor_required
@require_POST
def duban_review(request: HttpRequest, pk: int) -> HttpResponse:
    """办结 (decision=close) or 退回 with a reason (decision=return)."""
    user = current_user(request)
    action = _duban_for(user, pk)
    form = ReturnForm(request.POST)
    try:
        if request.POST.get("decision") == "close":
            duban_close(action=action, actor=user)
            messages.success(request, _("已办结。"))
        elif form.is_valid():
            duban_return(action=action, actor=user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已退回。"))
        else:
            return _detail(request, action, 400, return_form=form)
    except DubanRefused as exc:
        form.add_error(None, exc.message)
        return _detail(request, action, 400, return_form=form)
    return redirect("duban-detail", action.pk)


@supervisor_required
@require_POST
def duban_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a 通报/面商/约谈 about the 督办单."""
    user = current_user(request)
    action = _duban_for(user, pk)
    form = LinkedActionForm(request.POST)
    if form.is_valid():
        try:
            supervision_action_record(
                kind=form.cleaned_data["kind"],
                unit=action.unit,
                period=action.period,
                reason=form.cleaned_data["reason"],
                actor=user,
                responsibility=action.responsibility,
                linked_to=action,
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("duban-detail", action.pk)
    return _detail(request, action, 400, link_form=form)


@login_required
def duban_export(request: HttpRequest, pk: int) -> HttpResponse:
    action = _duban_for(current_user(request), pk)
    response = HttpResponse(
        duban_docx(action),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"{action.reference}-{action.unit.name}.docx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def duban_evidence(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(
        DubanEvidence.objects.select_related("feedback"),
        pk=pk,
        feedback__action__in=dubans_visible(current_user(request)),
    )
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


# --- the inbox ---------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    notices = inbox_notices(user)
    if request.GET.get("unread") == "1":
        notices = notices.filter(read_at__isnull=True)
    page = paginate(request, notices)
    rows = notice_rows(page.object_list)
    return render(
        request,
        "tracker/inbox/list.html",
        {"page": page, "rows": rows, "unread_only": request.GET.get("unread") == "1"},
    )


@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notice: it is read, and the page it is about opens."""
    user = current_user(request)
    notice = get_object_or_404(Notice, pk=pk, user=user)
    notice_mark_read(user=user, notice_ids=[notice.pk])
    return redirect(notice_row(notice)["url"] or "inbox")


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    raw = request.POST.get("notice", "")
    notice_id = parse_int(raw)
    if raw and notice_id is None:
        # Not an id: mark nothing rather than everything.
        return redirect("inbox")
    notice_mark_read(user=user, notice_ids=[notice_id] if notice_id is not None else None)
    return redirect("inbox")


# --- group robots ------------------------------------------------------------------------------


def _webhook_unit(user: User, raw: str) -> Unit | None:
    """The unit a robot is for: "" is the person's own; a unit they may manage, else 404."""
    if not raw:
        return None
    unit_id = parse_int(raw)
    unit = get_object_or_404(Unit, pk=unit_id) if unit_id is not None else None
    if unit is None or not can_manage_webhooks(user, unit):
        raise Http404
    return unit


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = WebhookForm()
    status = 200
    if request.method == "POST":
        form = WebhookForm(request.POST)
        unit = _webhook_unit(user, request.POST.get("unit", ""))
        if form.is_valid():
            data = form.cleaned_data
            try:
                webhook_add(
                    actor=user,
                    flavour=data["flavour"],
                    url=data["url"],
                    name=data["name"],
                    secret=data["secret"],
                    unit=unit,
                )
            except WebhookRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已添加群机器人。"))
                return redirect("webhook-list")
        status = 400
    mine = Q(user=user)
    if user.unit_id is not None and not user.is_leader:
        mine |= Q(unit_id=user.unit_id)
    hooks = Webhook.objects.filter(mine).select_related("unit")
    unit = user.unit if user.unit_id is not None and not user.is_leader else None
    return render(
        request,
        "tracker/inbox/webhooks.html",
        {"form": form, "hooks": hooks, "unit": unit},
        status=status,
    )


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    hook = get_object_or_404(Webhook, pk=pk)
    try:
        webhook_remove(actor=user, hook=hook)
    except WebhookRefused as exc:
        raise Http404 from exc
    return redirect("webhook-list")


urlpatterns = [
    path("duban/", duban_list, name="duban-list"),
    path("duban/new/", duban_new, name="duban-new"),
    path("duban/<int:pk>/", duban_detail, name="duban-detail"),
    path("duban/<int:pk>/feedback/", duban_feedback, name="duban-feedback"),
    path("duban/<int:pk>/review/", duban_review, name="duban-review"),
    path("duban/<int:pk>/link/", duban_link, name="duban-link"),
    path("duban/<int:pk>/docx/", duban_export, name="duban-docx"),
    path("duban/evidence/<int:pk>/", duban_evidence, name="duban-evidence"),
    path("inbox/", inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox_open, name="inbox-open"),
    path("inbox/read/", inbox_read, name="inbox-read"),
    path("notices/webhooks/", webhook_list, name="webhook-list"),
    path("notices/webhooks/<int:pk>/delete/", webhook_delete, name="webhook-delete"),
]

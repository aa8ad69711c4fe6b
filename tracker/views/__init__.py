"""HTML pages. Views stay thin: fetch through tracker.access, read through tracker.selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tracker import access, selectors
from tracker.periods import local_today


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_supervisor:  # type: ignore[union-attr]
        return redirect("document-list")
    return redirect("my-tasks")


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    rows = selectors.tasks_for_user(request.user, today=local_today(timezone.now()))
    return render(request, "tracker/my_tasks.html", {"rows": rows})


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    documents = selectors.documents_for_user(request.user)
    return render(
        request,
        "tracker/document_list.html",
        {
            "documents": documents,
            "units_to_review": (
                selectors.units_needing_review() if request.user.is_supervisor else []  # type: ignore[union-attr]
            ),
        },
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.document_for_user(request.user, pk)
    assignments = selectors.document_assignments(document, request.user)
    return render(
        request,
        "tracker/document_detail.html",
        {
            "document": document,
            "assignments": assignments,
            "periods": document.periods.order_by("year", "quarter"),
        },
    )

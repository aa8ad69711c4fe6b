"""Documents: the list, a published document's detail, and (for supervisors) importing and
reviewing a draft before publishing it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tracker import access, selectors


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


urlpatterns = [
    path("documents/", document_list, name="document-list"),
    path("documents/<int:pk>/", document_detail, name="document-detail"),
]

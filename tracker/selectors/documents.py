"""Reads about documents: the list and a document's assignments as a user may see them, and
the units created from unknown names that wait for review."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from tracker.access import AnyUser, visible_documents, visible_responsibilities
from tracker.models import Assignment, Document, Unit


def documents_for_user(user: AnyUser) -> QuerySet[Document]:
    return (
        visible_documents(user)
        .annotate(
            assignment_total=Count("assignments", distinct=True),
            responsibility_total=Count("assignments__responsibilities", distinct=True),
        )
        .order_by("-year", "-imported_at")
    )


def document_assignments(document: Document, user: AnyUser) -> QuerySet[Assignment]:
    """A document's assignments with targets and the responsibilities the user may see."""
    return (
        Assignment.objects.filter(document=document)
        .prefetch_related(
            "targets",
            Prefetch(
                "responsibilities",
                queryset=visible_responsibilities(user)
                .select_related("unit")
                .order_by("role", "unit__name"),
            ),
        )
        .order_by("position")
    )


def units_needing_review() -> QuerySet[Unit]:
    """Units created from unknown names while publishing, with how much work hangs on each."""
    return (
        Unit.objects.filter(needs_review=True)
        .annotate(responsibility_total=Count("responsibilities"))
        .order_by("name")
    )

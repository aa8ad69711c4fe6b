"""What every page shares: the supervisor and reviewer gates, the signed-in user, "now" in
Shanghai, pagination. (Reading a request's htmx header and integer parameters: tracker.http.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from tracker.access import can_import_documents, can_supervise, document_for_user
from tracker.models import Document, User
from tracker.periods import local_today

View = TypeVar("View", bound=Callable[..., HttpResponse])

PAGE_SIZE = 50


def supervisor_required(view: View) -> View:
    """Pages for supervisors only. Anyone else gets 404, as for another unit's data: the page's
    existence is itself not theirs to know (DESIGN §5)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_supervise(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def current_user(request: HttpRequest) -> User:
    """The signed-in user (views are behind login_required, so never anonymous here)."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - guarded by login_required
        raise Http404
    return user


def reviewer(request: HttpRequest) -> User:
    """The signed-in reviewer; anyone who may not import documents gets 404 (DESIGN §5)."""
    user = current_user(request)
    if not can_import_documents(user):
        raise Http404
    return user


def document_for_reviewer(request: HttpRequest, pk: int) -> tuple[User, Document]:
    """The reviewer and the document they open (any status; the page decides what it allows)."""
    user = reviewer(request)
    return user, document_for_user(user, pk)


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return local_today(timezone.now())


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    """One page of a queryset or list; a bad page number shows the first or last page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))

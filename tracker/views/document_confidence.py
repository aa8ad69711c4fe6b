"""The review page's confidence view: the low-confidence items first (or only them), the
reasons, the fragments cut off at the end, and the leaders in charge the document names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.forms.leaders import LeaderChoiceForm
from tracker.models import Document
from tracker.selectors.confidence import (
    TargetRow,
    document_fragments,
    document_leaders,
    needs_look_order,
    target_review,
)
from tracker.selectors.documents import Card, headline_targets
from tracker.services.document_drafts import DraftRefused
from tracker.services.document_leaders import draft_leader_choose
from tracker.views.common import document_for_reviewer, supervisor_required


def review_confidence_context(
    request: HttpRequest, document: Document, cards: Sequence[Card]
) -> dict[str, Any]:
    """`?order=source` keeps the document's order (the default puts the items needing a look
    first, least sure first); `?look=1` shows only those."""
    reviews = [card.review for card in cards]
    low = [card for card in cards if card.review is not None and card.review.low]
    order = "source" if request.GET.get("order") == "source" else "confidence"
    look_only = request.GET.get("look") == "1"
    if order == "confidence" and all(r is not None for r in reviews):
        shown = [cards[i] for i in needs_look_order([r for r in reviews if r is not None])]
    else:
        shown = list(cards)
    if look_only:
        shown = [card for card in shown if card.review is not None and card.review.low]
    headline_rows = [TargetRow(t, target_review(t)) for t in headline_targets(document)]
    headline_low = sum(1 for row in headline_rows if row.review.low)
    leaders = list(document_leaders(document).values())
    return {
        "shown_cards": shown,
        "card_total": len(cards),
        "look_total": len(low) + headline_low,
        "look_assignments": len(low),
        "headline_rows": headline_rows,
        "order": order,
        "look_only": look_only,
        "fragments": document_fragments(document),
        "leaders": [
            (
                choice,
                LeaderChoiceForm(
                    initial={"name": choice.name, "leader": choice.person},
                    prefix=f"leader-{index}",
                ),
            )
            for index, choice in enumerate(leaders)
        ],
    }


@supervisor_required
@require_POST
def document_leader_choose(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = document_for_reviewer(request, pk)
    prefix = next(
        (key.removesuffix("-name") for key in request.POST if key.endswith("-name")), None
    )
    form = LeaderChoiceForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("请选择在用的分管领导账号。"))
    else:
        try:
            draft_leader_choose(
                document=document,
                actor=user,
                name=form.cleaned_data["name"],
                leader=form.cleaned_data["leader"],
            )
        except DraftRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("分管领导已保存，发布时生效。"))
    return redirect(reverse("document-review", args=[document.pk]) + "#leaders")


urlpatterns = [
    path("documents/<int:pk>/review/leaders/", document_leader_choose, name="document-leaders"),
]

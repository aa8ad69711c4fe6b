"""The unit search behind every unit filter (issue 19): the few units matching what was typed,
as options the field's script lets a person pick. Scoped by tracker.access.filterable_units: a
reporter finds its own unit and the co-units of what it leads, nobody else's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tracker.access import filterable_units
from tracker.selectors.unit_search import units_matching
from tracker.views.common import current_user


@login_required
def unit_search(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    # The field sends its own name ("unit"); ?q= is the plain spelling.
    # Nothing past a name's length is worth a query (a NUL is refused before: tracker.http).
    text = (request.GET.get("q") or request.GET.get("unit") or "")[:100]
    options = units_matching(user, text)
    if not options and not filterable_units(user).exists():
        # Someone who may filter by no unit at all has no use for the search.
        raise Http404
    return render(
        request, "tracker/units/_search_options.html", {"options": options, "text": text.strip()}
    )


urlpatterns = [path("units/search/", unit_search, name="unit-search")]

"""The supervisor's dashboard: the quarter in figures for a document or for every document, the
traffic-light matrix, and the lists behind every figure.

Every figure links to the list that makes it up, counted by the same conditions
(tracker.selectors.dashboard.slot_list). The page is built from sections; a pager inside a
section asks for that section alone (htmx), so paging through one list does not recompute the
others. Each page runs a fixed number of queries, whatever the amount of data (DESIGN §8).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker import selectors
from tracker.formatting import quarter_label
from tracker.forms.dashboard import QUARTER_CHOICES, dashboard_filters, default_quarter_for
from tracker.http import is_htmx
from tracker.models import Colour, ProgressReport, ReportingPeriod, Unit
from tracker.selectors import QuarterUnits, Ranking, Scope
from tracker.selectors.duban import duban_counts_by_unit
from tracker.selectors.headline import headline_panel
from tracker.selectors.people import units_without_reporter
from tracker.views import analysis
from tracker.views.common import current_user, now, supervisor_required, today

MATRIX_PAGE_SIZE = 50
# The matrix's columns are paged too: a 2,500-assignment document is 2,500 columns (issue 19).
MATRIX_COLUMNS = 30
LIST_PAGE_SIZE = 50
# On the dashboard itself each list shows its first rows; "全部" opens the full list.
PREVIEW_SIZE = 10
TABLE_PAGE_SIZE = 20
RANKING_CHART_SIZE = 20
# Units with work and nobody to report it, named on the dashboard before "and more".
NO_REPORTER_SHOWN = 10
# The lights' colours of app.css, for the charts.
COLOUR_HEX = {
    "blue": "#1f6feb",
    "green": "#2e7d32",
    "yellow": "#f2b705",
    "red": "#c62828",
    "grey": "#8f959e",
}
SHOW_LABELS = {
    "expected": gettext_lazy("应报送"),
    "submitted": gettext_lazy("已报送"),
    "on_time": gettext_lazy("按时报送"),
    "late": gettext_lazy("逾期报送"),
    "overdue": gettext_lazy("逾期未报"),
    "missing": gettext_lazy("未报送"),
}


@dataclass(frozen=True)
class Pager:
    """A page of one section, with the links to its neighbours (keeping every other filter)."""

    page: Page[Any]
    section: str
    previous_url: str | None
    next_url: str | None


# The stubs make Paginator generic; Django's class cannot be subscripted at runtime.
if TYPE_CHECKING:
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


class _Counted(_Paginator):
    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class Board:
    """One request's view of the dashboard: the filters in effect and what the sections share."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.user = current_user(request)
        self.today = today()
        self.now = now()
        self.form, self.filters, self.notes = dashboard_filters(
            request.GET, user=self.user, today=self.today
        )
        # Set by the full page once counted, so the lists need no COUNT of their own.
        self.tally: selectors.Tally | None = None

    @property
    def scope(self) -> Scope:
        return self.filters.scope

    def choose_document(self, document_id: int) -> None:
        """Show one document when the page needs one and none was asked for."""
        self.filters = self.filters.with_document(document_id)
        self.form.initial["document"] = document_id
        self.__dict__.pop("period", None)  # computed for the previous choice, if at all

    @cached_property
    def period(self) -> ReportingPeriod | None:
        """The selected document's period ending with the quarter (None for every document):
        the quarter itself, or a monthly document's last month of it, a half-yearly one's half."""
        return selectors.document_period(self.scope)

    @cached_property
    def units(self) -> QuarterUnits:
        """The units of the document and level counted and ranked; a unit filter highlights a
        row rather than ranking one unit against itself (and narrows the sums)."""
        scope = Scope(
            self.scope.year, self.scope.quarter, self.scope.document_id, None, self.scope.level
        )
        return selectors.quarter_units(self.user, scope, today=self.today)

    @property
    def rankings(self) -> Ranking:
        return self.units.ranking

    def query(self, **changes: Any) -> QueryDict:
        """The current query string with the filters in effect (invalid values dropped)."""
        query = self.request.GET.copy()
        for key in ("document", "year", "quarter", "unit", "level", "colour", "section"):
            query.pop(key, None)
        for key, value in self.filters.params().items():
            query[key] = value
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = str(value)
        return query

    def pager(
        self,
        items: Any,
        section: str,
        per_page: int,
        *,
        param: str | None = None,
        count: int | None = None,
    ) -> Pager:
        """A page of `items`; `count`, when the page already knows it from a tally, spares the
        COUNT query (the tally and the list are counted by the same conditions)."""
        param = param or f"{section}_page"
        paginator = (
            Paginator(items, per_page) if count is None else _Counted(items, per_page, count)
        )
        page = paginator.get_page(self.request.GET.get(param))
        path_ = self.request.path

        def url(number: int) -> str:
            return f"{path_}?{self.query(**{param: number}).urlencode()}"

        return Pager(
            page=page,
            section=section,
            previous_url=url(page.previous_page_number()) if page.has_previous() else None,
            next_url=url(page.next_page_number()) if page.has_next() else None,
        )


def _common(board: Board) -> dict[str, Any]:
    return {
        "form": board.form,
        "filters": board.filters,
        "filter_query": board.filters.params(),
        "scope": board.scope,
        "period": board.period,
        "today": board.today,
        "now": board.now,
        "status_labels": dict(ProgressReport.Status.choices),
        "level_labels": dict(Unit.Level.choices),
        "colour_labels": dict(Colour.choices),
        "quarter_names": quarter_names(),
    }


def _note_filters(request: HttpRequest, board: Board) -> None:
    for note in board.notes:
        messages.warning(request, note)
    if board.filters.document_id is not None and board.period is None:
        messages.warning(
            request,
            _("所选文件在%(year)s年第%(quarter)s季度没有报送周期。")
            % {"year": board.filters.year, "quarter": board.filters.quarter},
        )


# --- sections ---------------------------------------------------------------------------------


def _section_units(board: Board) -> dict[str, Any]:
    """Reporting rates by unit (the rankings' tallies, so no query of its own)."""
    rows = board.units.named(board.filters.unit_id)
    return {"units": board.pager(rows, "units", TABLE_PAGE_SIZE)}


def _section_rankings(board: Board) -> dict[str, Any]:
    return {"ranking": board.pager(board.rankings, "rankings", TABLE_PAGE_SIZE)}


def _section_lagging(board: Board) -> dict[str, Any]:
    """The slots of the chosen colour (red, 严重滞后, unless the filter names another)."""
    colour = board.filters.colour or Colour.RED.value
    items = selectors.slot_list(board.user, board.scope, today=board.today, colour=colour)
    count = board.tally.colours.get(colour) if board.tally else None
    return {
        "lagging": board.pager(items, "lagging", PREVIEW_SIZE, count=count),
        "lagging_colour": colour,
    }


def _section_overdue(board: Board) -> dict[str, Any]:
    items = selectors.slot_list(
        board.user, board.scope, today=board.today, show="overdue", colour=board.filters.colour
    )
    count = board.tally.overdue if board.tally and not board.filters.colour else None
    return {"overdue": board.pager(items, "overdue", PREVIEW_SIZE, count=count)}


def _section_late(board: Board) -> dict[str, Any]:
    items = selectors.slot_list(
        board.user, board.scope, today=board.today, show="late", colour=board.filters.colour
    )
    count = board.tally.late if board.tally and not board.filters.colour else None
    return {"late": board.pager(items, "late", PREVIEW_SIZE, count=count)}


def _section_problems(board: Board) -> dict[str, Any]:
    items = selectors.problems_past_limit_in(
        board.user,
        now=board.now,
        document_id=board.filters.document_id,
        unit_id=board.filters.unit_id,
        level=board.filters.level,
    )
    return {"problems": board.pager(items, "problems", PREVIEW_SIZE)}


SECTIONS: dict[str, Callable[[Board], dict[str, Any]]] = {
    "units": _section_units,
    "rankings": _section_rankings,
    "lagging": _section_lagging,
    "overdue": _section_overdue,
    "late": _section_late,
    "problems": _section_problems,
}


# --- charts -----------------------------------------------------------------------------------


def _colour_chart(board: Board, tally: selectors.Tally) -> list[dict[str, Any]]:
    return [
        {
            "key": colour.value,
            "name": str(colour.label),
            "value": tally.colours.get(colour.value, 0),
            "color": COLOUR_HEX[colour.value],
            "url": _slots_url(board, colour=colour.value),
        }
        for colour in Colour
    ]


def _trend_chart(board: Board, trend: Sequence[tuple[int, selectors.Tally]]) -> dict[str, Any]:
    return {
        "count_name": _("事项数"),
        "line_name": _("正常及完成占比"),
        "quarters": [quarter_names()[q] for q, _t in trend],
        "series": [
            {
                "key": colour.value,
                "name": str(colour.label),
                "color": COLOUR_HEX[colour.value],
                "data": [
                    {
                        "value": t.colours.get(colour.value, 0),
                        "url": _slots_url(board, quarter=q, colour=colour.value),
                    }
                    for q, t in trend
                ],
            }
            for colour in Colour
        ],
        "good_share": [
            float(t.good_share * 100) if t.good_share is not None else None for _q, t in trend
        ],
    }


def _ranking_chart(board: Board) -> dict[str, Any]:
    top = board.rankings[:RANKING_CHART_SIZE]
    return {
        "name": _("综合得分"),
        "height": 40 + 26 * len(top),
        "units": [r.unit_name for r in top],
        "scores": [
            {
                "value": float(r.score * 100),
                "url": f"{board.request.path}?{board.query(unit=r.unit_id).urlencode()}",
                "rank": r.rank,
            }
            for r in top
        ],
    }


def _slots_url(board: Board, **changes: Any) -> str:
    params = {**board.filters.params(), **{key: str(value) for key, value in changes.items()}}
    return f"{reverse('dashboard-slots')}?{urlencode(params)}"


# --- pages ------------------------------------------------------------------------------------


def quarter_names() -> dict[int, str]:
    """一季度…四季度, in the interface language."""
    return {number: str(name) for number, name in QUARTER_CHOICES}


@supervisor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = Board(request)
    section = request.GET.get("section", "")
    if is_htmx(request) and section in SECTIONS:
        return render(
            request,
            f"tracker/dashboard/_{section}.html",
            {**_common(board), **SECTIONS[section](board)},
        )
    _note_filters(request, board)
    user, scope, day = board.user, board.scope, board.today
    # The quarter's tally and its levels are the sums of its units' counts (the rankings'),
    # and its row of the year's trend.
    tally, levels = board.units.narrowed(board.filters.unit_id)
    board.tally = tally
    trend = selectors.quarter_trend(user, scope, today=day, known={scope.quarter: tally})
    context: dict[str, Any] = {
        **_common(board),
        "tally": tally,
        "trend": trend,
        "levels": levels,
        "colour_chart": _colour_chart(board, tally),
        "trend_chart": _trend_chart(board, trend),
        "ranking_chart": _ranking_chart(board),
        "current_quarter": (scope.year, scope.quarter) == default_quarter_for(day),
        "previous_query": board.query(year=scope.previous().year, quarter=scope.previous().quarter),
        "without_reporter": list(units_without_reporter()[: NO_REPORTER_SHOWN + 1]),
    }
    # 主要经济指标 (issue 13): the headline indicators of the year's documents, or this one's.
    context["headline_groups"] = headline_panel(
        user, year=scope.year, quarter=scope.quarter, document_id=board.filters.document_id
    )
    context["headline_label"] = quarter_label(scope.year, scope.quarter)
    if board.filters.document_id is None:
        context["documents"] = selectors.quarter_documents(user, scope, today=day)
    elif board.period is not None:
        # A document reporting monthly (or on single assignments' own rules) has periods the
        # quarter view does not show: each is linked to its own page.
        context["quarter_periods"] = selectors.quarter_periods(scope)
        # A 2,500-assignment document has thousands of targets: shown, and built, a page at a
        # time.
        rows = selectors.target_table(user, board.period, colour=board.filters.colour)
        context["targets"] = board.pager(rows, "targets", LIST_PAGE_SIZE)
    if board.filters.unit_id is not None:
        context["unit_rank"] = board.rankings.find(board.filters.unit_id)
    for build in SECTIONS.values():
        context.update(build(board))
    context["duban_counts"] = duban_counts_by_unit(board.user, board.today)
    return render(request, "tracker/dashboard/dashboard.html", context)


@supervisor_required
def slot_list(request: HttpRequest) -> HttpResponse:
    """The responsibilities behind one figure (?show=overdue, ?colour=red, …), paginated."""
    board = Board(request)
    show = request.GET.get("show", "expected")
    if show not in selectors.SHOW_CHOICES:
        messages.warning(request, _("未知的列表类型，已显示全部应报送事项。"))
        show = "expected"
    _note_filters(request, board)
    items = selectors.slot_list(
        board.user, board.scope, today=board.today, show=show, colour=board.filters.colour
    )
    return render(
        request,
        "tracker/dashboard/slots.html",
        {
            **_common(board),
            "show": show,
            "show_label": SHOW_LABELS[show],
            "show_choices": list(SHOW_LABELS.items()),
            "slots": board.pager(items, "slots", LIST_PAGE_SIZE, param="page"),
        },
    )


@supervisor_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """Open problems past their time limit (超期未办结), paginated."""
    board = Board(request)
    _note_filters(request, board)
    items = selectors.problems_past_limit_in(
        board.user,
        now=board.now,
        document_id=board.filters.document_id,
        unit_id=board.filters.unit_id,
        level=board.filters.level,
    )
    return render(
        request,
        "tracker/dashboard/problems.html",
        {
            **_common(board),
            "problems": board.pager(items, "problems", LIST_PAGE_SIZE, param="page"),
        },
    )


@supervisor_required
def matrix(request: HttpRequest) -> HttpResponse:
    """The traffic-light matrix of one document: units (50 a page) × its assignments."""
    board = Board(request)
    _note_filters(request, board)
    if board.filters.document_id is None:
        # The matrix is of one document: the first one in the quarter, until another is chosen.
        first = selectors.scope_periods(board.scope).order_by("document__title").first()
        if first is not None:
            board.choose_document(first.document_id)
    scope, user, day = board.scope, board.user, board.today
    context: dict[str, Any] = {**_common(board)}
    if board.filters.document_id is not None:
        colour = board.filters.colour
        units = board.pager(
            selectors.matrix_units(user, scope, today=day, colour=colour),
            "matrix",
            MATRIX_PAGE_SIZE,
            param="page",
        )
        columns = selectors.matrix_columns(user, scope, today=day, colour=colour)
        column_pager = board.pager(columns, "columns", MATRIX_COLUMNS, param="cols")
        shown = list(column_pager.page.object_list)
        context.update(
            units=units,
            columns=shown,
            column_pager=column_pager,
            column_count=len(columns),
            rows=selectors.matrix_rows(
                user,
                scope,
                today=day,
                units=list(units.page.object_list),
                columns=columns,
                shown=shown,
            ),
        )
    return render(request, "tracker/dashboard/matrix.html", context)


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/matrix/", matrix, name="dashboard-matrix"),
    path("dashboard/slots/", slot_list, name="dashboard-slots"),
    path("dashboard/problems/", problem_list, name="dashboard-problems"),
    *analysis.urlpatterns,
]

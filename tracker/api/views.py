"""API endpoints. Every fetch goes through tracker.access, every write through a service; an
object another unit owns is 404, as on the pages. Errors: tracker.api.errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from tracker import access, selectors
from tracker.api.errors import error_body
from tracker.api.pagination import ReportKeysetPagination
from tracker.api.serializers import (
    PeriodSerializer,
    ReportInputSerializer,
    ReportSerializer,
    ResponsibilitySerializer,
)
from tracker.forms.reports import parse_figure, value_field
from tracker.http import int_param
from tracker.models import (
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Target,
    User,
    unit_order,
)
from tracker.number_errors import number_error_text
from tracker.numbers import NumberError
from tracker.periods import local_today
from tracker.selectors import Scope
from tracker.services.reports import ReportInput, TargetInput, report_save

# Units a page of /api/quarter/'s ranking.
QUARTER_UNITS_PAGE_SIZE = 200


def _user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - IsAuthenticated runs first
        raise Http404
    return user


class PeriodList(generics.ListAPIView[ReportingPeriod]):
    serializer_class = PeriodSerializer

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        periods = (
            access.visible_periods(_user(self.request))
            .select_related("document")
            .defer("document__source_text", "document__extraction")
        )
        year = int_param(self.request, "year")
        if year is not None:
            periods = periods.filter(year=year)
        return periods.order_by("-ends_on", "document_id", "schedule_id")


class ResponsibilityList(generics.ListAPIView[Responsibility]):
    """The responsibilities the user may see: its unit's, and its co-units' where it leads."""

    serializer_class = ResponsibilitySerializer

    def get_queryset(self) -> QuerySet[Responsibility]:
        responsibilities = access.visible_responsibilities(_user(self.request))
        document = int_param(self.request, "document")
        if document is not None:
            responsibilities = responsibilities.filter(assignment__document_id=document)
        return (
            responsibilities.select_related("unit", "assignment__document")
            .defer("assignment__document__source_text", "assignment__document__extraction")
            .prefetch_related("assignment__targets")
            .order_by("assignment__document_id", "assignment__position", *unit_order("unit__"))
        )


class ReportList(generics.ListCreateAPIView[ProgressReport]):
    """GET: the reports the user may see (?period=, ?status=), a keyset page at a time (`next`
    carries ?after=). POST: save or submit one."""

    serializer_class = ReportSerializer
    pagination_class = ReportKeysetPagination

    def get_queryset(self) -> QuerySet[ProgressReport]:
        reports = access.visible_reports(_user(self.request))
        period = int_param(self.request, "period")
        if period is not None:
            reports = reports.filter(period_id=period)
        state = self.request.query_params.get("status")
        if state in ProgressReport.Status.values:
            reports = reports.filter(status=state)
        return (
            reports.select_related("responsibility__unit")
            .prefetch_related("values")
            .order_by("period_id", "responsibility_id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = data.validated_data
        responsibility = access.responsibility_for_user(user, payload["responsibility"])
        if not access.can_edit_report(user, responsibility):
            raise Http404
        period = access.period_for_user(user, payload["period"])
        targets = {t.pk: t for t in Target.objects.filter(assignment=responsibility.assignment)}
        values: dict[int, TargetInput] = {}
        errors: dict[str, str] = {}
        for item in payload.get("values", []):
            target = targets.get(item["target"])
            if target is None:
                errors[f"target-{item['target']}"] = _("填报的指标不属于此任务。")
                continue
            try:
                actual = parse_figure(item.get("actual"), target)
            except NumberError as exc:
                errors[value_field(target)] = number_error_text(exc)
                continue
            values[target.pk] = TargetInput(
                actual=actual, assessment=item.get("assessment") or "", note=item.get("note", "")
            )
        if errors:
            raise ValidationError(errors)
        # A refusal (a stale version: 409) is answered by tracker.api.errors.
        report = report_save(
            responsibility=responsibility,
            period=period,
            actor=user,
            report_input=ReportInput(
                values=values,
                narrative=payload.get("narrative", ""),
                problems_text=payload.get("problems_text", ""),
                next_steps=payload.get("next_steps", ""),
                assessment=payload.get("assessment", ""),
            ),
            expected_version=payload.get("version"),
            submit=payload["submit"],
            assignment_version=payload.get("assignment_version"),
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportDetail(generics.RetrieveAPIView[ProgressReport]):
    serializer_class = ReportSerializer

    def get_object(self) -> ProgressReport:
        return access.report_for_user(_user(self.request), int(self.kwargs["pk"]))


class QuarterTally(APIView):
    """The quarter in figures (supervisors): ?year=&quarter=&document=."""

    def get(self, request: Request) -> Response:
        user = _user(request)
        if not access.can_supervise(user):
            raise Http404
        today: date = local_today(timezone.now())
        year, quarter = int_param(request, "year"), int_param(request, "quarter")
        if year is None or quarter not in (1, 2, 3, 4):
            return Response(
                error_body(_("year 与 quarter（1–4）为必填参数。")),
                status=status.HTTP_400_BAD_REQUEST,
            )
        scope = Scope(year, quarter, int_param(request, "document"))
        tally = selectors.scope_tally(user, scope, today=today)
        # A province ranks 8,000 units (600 KB whole): a page of them, `units_next` the rest.
        ranked = selectors.rankings(user, scope, today=today)
        page = Paginator(ranked, QUARTER_UNITS_PAGE_SIZE).get_page(request.query_params.get("page"))
        following = (
            replace_query_param(request.build_absolute_uri(), "page", page.next_page_number())
            if page.has_next()
            else None
        )
        return Response(
            {
                "year": year,
                "quarter": quarter,
                "expected": tally.expected,
                "submitted": tally.submitted,
                "on_time": tally.on_time,
                "late": tally.late,
                "overdue": tally.overdue,
                "reporting_rate": tally.reporting_rate,
                "timeliness": tally.timeliness,
                "colours": tally.colours,
                "units_count": len(ranked),
                "units_next": following,
                "units": [
                    {
                        "unit": row.unit_name,
                        "rank": row.rank,
                        "previous_rank": row.previous_rank,
                        "score": row.score,
                    }
                    for row in page.object_list
                ],
            }
        )

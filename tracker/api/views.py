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
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from tracker import access, selectors
from tracker.api.errors import error_body
from tracker.api.pagination import ReportKeysetPagination, ResponsibilityKeysetPagination
from tracker.api.params import query_choice, query_int
from tracker.api.schema import error_responses
from tracker.api.serializers import (
    PeriodSerializer,
    QuarterSerializer,
    ReportInputSerializer,
    ReportSerializer,
    ResponsibilitySerializer,
)
from tracker.forms.reports import parse_figure, value_field
from tracker.http import MAX_ID
from tracker.models import (
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Target,
    User,
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


# The years a plan can be about. A year outside them is no year at all: the quarter's dates of
# year 23313447 are past the calendar's end (a 500), and the periods' year column is a small
# integer on PostgreSQL.
YEARS = (1900, 2100)


def _year_parameter(*, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(
        "year",
        {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
        required=required,
        description="年度",
    )


def _id_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, {"type": "integer", "minimum": 1, "maximum": MAX_ID}, description=description
    )


@extend_schema_view(
    get=extend_schema(
        summary="本账号可见的填报周期",
        parameters=[_year_parameter()],
        responses={200: PeriodSerializer(many=True), **error_responses(400, 404)},
    )
)
class PeriodList(generics.ListAPIView[ReportingPeriod]):
    serializer_class = PeriodSerializer

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        periods = (
            access.visible_periods(_user(self.request))
            .select_related("document")
            .defer("document__source_text", "document__extraction")
        )
        year = query_int(self.request, "year", minimum=YEARS[0], maximum=YEARS[1])
        if year is not None:
            periods = periods.filter(year=year)
        return periods.order_by("-ends_on", "document_id", "schedule_id")


@extend_schema_view(
    get=extend_schema(
        summary="本账号可见的责任分工（含指标）",
        description=(
            "本单位的分工，以及本单位牵头任务中配合单位的分工；按任务、单位（id）排序，"
            "每页 50 条，跟随 next 地址翻页。"
        ),
        parameters=[_id_parameter("document", "只列出该文件（id）的分工")],
        responses={200: ResponsibilitySerializer(many=True), **error_responses(400, 404)},
    )
)
class ResponsibilityList(generics.ListAPIView[Responsibility]):
    """The responsibilities the user may see: its unit's, and its co-units' where it leads; by
    task and unit id, a keyset page at a time (`next` carries ?after=)."""

    serializer_class = ResponsibilitySerializer
    pagination_class = ResponsibilityKeysetPagination

    def get_queryset(self) -> QuerySet[Responsibility]:
        responsibilities = access.visible_responsibilities(_user(self.request))
        document = query_int(self.request, "document")
        if document is not None:
            responsibilities = responsibilities.filter(assignment__document_id=document)
        return (
            responsibilities.select_related("unit", "assignment__document")
            .defer("assignment__document__source_text", "assignment__document__extraction")
            .prefetch_related("assignment__targets")
            .order_by("assignment_id", "unit_id")
        )


@extend_schema_view(
    get=extend_schema(
        summary="本账号可见的进度报告",
        description="可按周期（period）和状态（status）筛选；无法识别的筛选条件答复 400。",
        parameters=[
            _id_parameter("period", "只列出该周期（id）的报告"),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=ProgressReport.Status.values,
                description="只列出该状态的报告",
            ),
        ],
        responses={200: ReportSerializer(many=True), **error_responses(400, 404)},
    ),
    post=extend_schema(
        summary="保存或报送本单位的一份进度报告",
        description=(
            "与填报页面规则相同：数字按指标单位书写（如“4.8万元”）；submit 为 true 时报送。"
            "带上读取时的 version 与 assignment_version，他人已先保存或任务已调整时答复 409。"
        ),
        request=ReportInputSerializer,
        responses={201: ReportSerializer, **error_responses(400, 404, 409, 415)},
    ),
)
class ReportList(generics.ListCreateAPIView[ProgressReport]):
    """GET: the reports the user may see (?period=, ?status=), a keyset page at a time (`next`
    carries ?after=). POST: save or submit one."""

    serializer_class = ReportSerializer
    pagination_class = ReportKeysetPagination

    def get_queryset(self) -> QuerySet[ProgressReport]:
        reports = access.visible_reports(_user(self.request))
        period = query_int(self.request, "period")
        if period is not None:
            reports = reports.filter(period_id=period)
        state = query_choice(self.request, "status", ProgressReport.Status.values)
        if state is not None:
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


@extend_schema_view(
    get=extend_schema(
        summary="一份进度报告", responses={200: ReportSerializer, **error_responses(404)}
    )
)
class ReportDetail(generics.RetrieveAPIView[ProgressReport]):
    serializer_class = ReportSerializer

    def get_object(self) -> ProgressReport:
        return access.report_for_user(_user(self.request), int(self.kwargs["pk"]))


class QuarterTally(APIView):
    """The quarter in figures (supervisors): ?year=&quarter=&document=."""

    @extend_schema(
        summary="一个季度的报送与排名（督查人员）",
        description="应报、已报、按时、逾期的数目与比率，各颜色的数目，以及各单位的排名。",
        parameters=[
            _year_parameter(required=True),
            OpenApiParameter(
                "quarter",
                {"type": "integer", "minimum": 1, "maximum": 4},
                required=True,
                description="季度",
            ),
            _id_parameter("document", "只统计该文件（id）"),
            _id_parameter("page", "单位排名的第几页（每页 200 个单位，见 units_next）"),
        ],
        responses={200: QuarterSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        if not access.can_supervise(user):
            raise Http404
        today: date = local_today(timezone.now())
        year = query_int(request, "year", minimum=YEARS[0], maximum=YEARS[1])
        quarter = query_int(request, "quarter", minimum=1, maximum=4)
        if year is None or quarter not in (1, 2, 3, 4):
            return Response(
                error_body(_("year（1900–2100）与 quarter（1–4）为必填参数。")),
                status=status.HTTP_400_BAD_REQUEST,
            )
        scope = Scope(year, quarter, query_int(request, "document"))
        # The quarter's tally is the sum of its units' counts, counted with their ranking.
        units = selectors.quarter_units(user, scope, today=today)
        tally, ranked = units.total, units.ranking
        # A province ranks 8,000 units (600 KB whole): a page of them, `units_next` the rest.
        # Read strictly like every filter here: ?page=abc is a 400, a page past the end the last.
        page = Paginator(ranked, QUARTER_UNITS_PAGE_SIZE).get_page(query_int(request, "page"))
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

"""What the API shows of each object, and how it reads a report submitted by a program."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tracker.models import (
    Assessment,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    Target,
    TargetValue,
)


class TargetSerializer(serializers.ModelSerializer[Target]):
    class Meta:
        model = Target
        fields = (
            "id",
            "indicator",
            "value",
            "value_high",
            "measure_unit",
            "comparator",
            "kind",
            "direction",
        )


class PeriodSerializer(serializers.ModelSerializer[ReportingPeriod]):
    document = serializers.CharField(source="document.title")
    name = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = (
            "id",
            "document",
            "year",
            "quarter",
            "frequency",
            "number",
            "name",
            "starts_on",
            "ends_on",
            "opens_on",
            "due_on",
            "first_checkpoint_on",
            "second_checkpoint_on",
            "locked_at",
        )


class ResponsibilitySerializer(serializers.ModelSerializer[Responsibility]):
    unit = serializers.CharField(source="unit.name")
    document = serializers.CharField(source="assignment.document.title")
    ref = serializers.CharField(source="assignment.ref")
    title = serializers.CharField(source="assignment.title")
    deadline = serializers.DateField(source="assignment.deadline", allow_null=True)
    targets = TargetSerializer(source="assignment.targets", many=True)
    # Send it back with a save: an amendment of the task since then makes the save stale (409).
    assignment_version = serializers.IntegerField(source="assignment.version")

    class Meta:
        model = Responsibility
        fields = (
            "id",
            "unit",
            "role",
            "document",
            "ref",
            "title",
            "deadline",
            "targets",
            "assignment_version",
        )


class ValueSerializer(serializers.ModelSerializer[TargetValue]):
    class Meta:
        model = TargetValue
        fields = (
            "target",
            "actual",
            "assessment",
            "note",
            "completion",
            "pace",
            "gap_pp",
            "elapsed",
            "colour",
        )


class ReportSerializer(serializers.ModelSerializer[ProgressReport]):
    unit = serializers.CharField(source="responsibility.unit.name")
    values = ValueSerializer(many=True)

    class Meta:
        model = ProgressReport
        fields = (
            "id",
            "responsibility",
            "period",
            "unit",
            "status",
            "colour",
            "version",
            "is_late",
            "submitted_at",
            "narrative",
            "problems_text",
            "next_steps",
            "assessment",
            "return_reason",
            "values",
        )


class ValueInput(serializers.Serializer[dict[str, Any]]):
    target = serializers.IntegerField()
    actual = serializers.CharField(required=False, allow_blank=True, max_length=40)
    assessment = serializers.ChoiceField(
        choices=Assessment.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReportInputSerializer(serializers.Serializer[dict[str, Any]]):
    # A save from a program: the same fields as the form, figures as text in the target's unit
    # ("4.8", "4.8万元"), parsed by the same rules. The contract publishes __doc__.
    __doc__ = "一份报告的保存或报送；数字按指标单位书写（如“4.8”“4.8万元”），规则与填报页面相同。"

    responsibility = serializers.IntegerField()
    period = serializers.IntegerField()
    version = serializers.IntegerField(required=False, allow_null=True)
    assignment_version = serializers.IntegerField(required=False, allow_null=True)
    submit = serializers.BooleanField(default=False)
    values = ValueInput(many=True, required=False)
    narrative = serializers.CharField(required=False, allow_blank=True)
    problems_text = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    assessment = serializers.ChoiceField(
        choices=Assessment.choices, required=False, allow_blank=True
    )


class QuarterUnitSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField()
    rank = serializers.IntegerField()
    previous_rank = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField()


class QuarterSerializer(serializers.Serializer[Any]):
    # The quarter in figures: what QuarterTally answers. No docstring: drf-spectacular would
    # publish it in the contract, whose descriptions are in Chinese.
    __doc__ = "一个季度的数字；比率在 0 至 1 之间，没有应报时为 null。"

    year = serializers.IntegerField()
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    reporting_rate = serializers.FloatField(allow_null=True)
    timeliness = serializers.FloatField(allow_null=True)
    colours = serializers.DictField(child=serializers.IntegerField())
    units_count = serializers.IntegerField(help_text="参与排名的单位总数")
    units_next = serializers.URLField(
        allow_null=True, help_text="单位排名下一页的地址；最后一页为 null"
    )
    units = QuarterUnitSerializer(many=True, help_text="本页的单位排名（每页 200 个）")

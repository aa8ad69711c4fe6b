"""Who is accountable: units, their other names, and the collectives documents name."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

# Where a unit without 排序号 stands in the official order, after every unit with one (as
# nulls last): the largest 排序号 a unit can hold, so one index covers the order.
UNIT_WITHOUT_PLACE = 2**31 - 1


class Unit(models.Model):
    """An organisation that can hold a responsibility: a department, a government, a collective."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县(区)级")
        TOWN = "town", _("镇(街道)级")

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("党委政府")
        DEPARTMENT = "department", _("部门单位")
        # A name such as "各县(区)党委和政府" whose members are not known yet: it is held
        # accountable as one unit until an administrator maps it to a group.
        COLLECTIVE = "collective", _("集合名称")
        OTHER = "other", _("其他单位")

    name = models.CharField(_("单位全称"), max_length=200, unique=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level, default=Level.CITY)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    needs_review = models.BooleanField(
        _("待确认"),
        default=False,
        help_text=_("发布文件时自动创建的未知单位，需管理员核对或合并。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # The office's official order (排序号): every list and table of units follows it, units
    # without one after those with one, by name.
    position = models.PositiveIntegerField(_("排序号"), null=True, blank=True)
    # Set when the unit was merged into another (the same body under two names): everything it
    # held moved to that unit and its name became an alias there; the row stays for history.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已并入"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_units",
    )
    merged_at = models.DateTimeField(_("合并时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = [F("position").asc(nulls_last=True), "name"]
        indexes = [
            # The official order as one index, for lists of reports sorted by unit (the review
            # queue): they walk units in this order and read each unit's reports, rather than
            # sorting every report (a province's queue sorted by unit took 0.9 s at depth).
            models.Index(
                Coalesce("position", Value(UNIT_WITHOUT_PLACE)), "name", name="unit_official_order"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="unit_not_own_parent"),
            models.CheckConstraint(condition=~Q(name=""), name="unit_name_not_empty"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(is_active=False),
                name="unit_merged_is_inactive",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="unit_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def unit_order(prefix: str = "") -> list[OrderBy | str]:
    """The official order of units reached through `prefix` ("unit__", "responsibility__unit__"),
    for order_by(): 排序号 first (units without one last), then the name."""
    return [F(f"{prefix}position").asc(nulls_last=True), f"{prefix}name"]


class UnitGroup(models.Model):
    """A collective named in documents (各县(区)党委和政府, X领导小组成员单位) and its members."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    members = models.ManyToManyField(
        Unit, verbose_name=_("成员单位"), related_name="groups", blank=True
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("单位集合")
        verbose_name_plural = _("单位集合")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="unitgroup_name_not_empty")
        ]

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another name a document may use for a unit or a group (区发改局 = 区发展和改革局)."""

    alias = models.CharField(_("别名"), max_length=200, unique=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="aliases",
    )
    group = models.ForeignKey(
        UnitGroup,
        verbose_name=_("单位集合"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="aliases",
    )

    class Meta:
        verbose_name = _("别名")
        verbose_name_plural = _("别名")
        ordering = ["alias"]
        constraints = [
            # An alias names exactly one thing.
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(group__isnull=True))
                | (Q(unit__isnull=True) & Q(group__isnull=False)),
                name="unitalias_names_unit_xor_group",
            ),
            models.CheckConstraint(condition=~Q(alias=""), name="unitalias_not_empty"),
        ]

    def __str__(self) -> str:
        return self.alias

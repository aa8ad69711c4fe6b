"""Template filters that make figures, dates and colours read the same on every page (the same
helpers the exported analysis and the e-mails use)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker import formatting, l10n
from tracker.models import Colour

register = template.Library()


@register.filter
def cn_date(value: date | datetime | None) -> str:
    return l10n.date_text(value) or "—"


@register.filter
def cn_datetime(value: datetime | None) -> str:
    return l10n.datetime_text(value) or "—"


def _figure(value: Any) -> Decimal | None:
    """A template may hand a filter "" (a missing attribute) instead of a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@register.filter
def num(value: Any) -> str:
    figure = _figure(value)
    return formatting.number(figure) if figure is not None else "—"


@register.filter
def pct(value: Any) -> str:
    return formatting.percent(_figure(value))


@register.filter
def points(value: Any) -> str:
    return l10n.signed_points(_figure(value))


@register.filter
def gap(value: Any, target: Any) -> str:
    """A gap in words with its sense for `target` ("低于上限0.2个百分点"): `{{ v|gap:target }}`."""
    return l10n.gap_text(target, _figure(value))


@register.filter
def target_text(target: Any) -> str:
    """A target as the document states it ("4.8万元以上", "增长6%左右")."""
    return l10n.target_text(target)


@register.filter
def quarter(period: Any) -> str:
    """A ReportingPeriod by its name ("2026年二季度", "2026年3月", "2026年上半年"; "Q2 2026",
    "March 2026", "H1 2026"), or a dashboard scope by its quarter."""
    if not period:
        return "—"
    if getattr(period, "frequency", None) and getattr(period, "number", None):
        return l10n.period_of(period)
    return l10n.quarter_text(period.year, period.quarter)


@register.simple_tag
def colour_badge(colour: str | None) -> str:
    """A traffic light with its word beside it: colour alone never carries the meaning."""
    key = colour or Colour.GREY.value
    label = Colour(key).label if key in Colour.values else _("未知")
    return format_html('<span class="light {}"><i aria-hidden="true"></i>{}</span>', key, label)


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return mapping.get(key) if mapping else None


# The audit trail's action codes as a civil servant would name them.
_ACTIONS = {
    "report.save": gettext_lazy("保存草稿"),
    "report.submit": gettext_lazy("报送"),
    "report.return": gettext_lazy("退回"),
    "report.approve": gettext_lazy("审核通过"),
    "report.reopen": gettext_lazy("重新开放"),
    "report.autosave": gettext_lazy("自动保存"),
    "report.withdraw": gettext_lazy("撤回报送"),
    "problem.raise": gettext_lazy("提出问题"),
    "problem.escalate": gettext_lazy("问题升级"),
    "problem.resolve": gettext_lazy("问题办结"),
    "evidence.attach": gettext_lazy("上传佐证材料"),
    "evidence.remove": gettext_lazy("删除佐证材料"),
    "period.lock": gettext_lazy("锁定报送"),
    "period.unlock": gettext_lazy("解除锁定"),
    "document.import": gettext_lazy("导入文件"),
    "document.publish": gettext_lazy("发布文件"),
    "bulletin.publish": gettext_lazy("发布季度分析"),
    "bulletin.withdraw": gettext_lazy("撤回季度分析"),
}


@register.filter
def audit_label(action: str) -> str:
    return str(_ACTIONS.get(action, action))


@register.filter
def month_day(value: date | None) -> str:
    """A day of a year already named: "6月30日" or "30 June"."""
    return l10n.month_day_text(value) if value else "—"


@register.filter
def festival(name: str) -> str:
    """A public holiday by its name in the reader's language ("春节", "Spring Festival")."""
    return l10n.festival_text(name) if name else ""


@register.simple_tag
def section(number: int) -> str:
    """A numbered section's heading number: "一、" or "1. "."""
    return l10n.section_number(number)


@register.simple_tag
def list_sep() -> str:
    """Between names listed in a row: "、" or ", "."""
    return l10n.list_separator()


@register.filter
def bracketed(text: Any) -> str:
    """An aside after a name in the reader's brackets: "（牵头）" or " (lead)"."""
    return l10n.bracketed(str(text)) if text not in (None, "") else ""

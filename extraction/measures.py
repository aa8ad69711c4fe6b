"""What an indicator measures: a state at a moment, or an amount that accumulates.

The tracker judges the two differently (issue 13).  A **state** indicator (a ratio, rate, share,
concentration, density, level, rank or duration at a moment: 城乡居民收入比, 城镇化率, 失业率,
PM2.5浓度, 森林覆盖率, 优良天数比例, 企业开办时间) is judged by its latest value against the
target with no pacing.  A **cumulative** one (投资额, 产值, 增加值 and 营业收入 amounts, 新增就业,
新增户数, 产量, 能耗总量, "建成X个", 引进项目数, 人均可支配收入 in yuan) grows through the year and
is judged against elapsed time (序时进度).  Growth and decline rates ("增长6%", "下降3%") are
judged by the gap in percentage points, also without pacing, so they are "state" too.

The decision reads, in order: the kind (growth, decrease, rank, qualitative → state), the unit of
measure (percent, per mille, years of age, scores, multiples, durations → state; a unit "per"
something, "人/千人" → state), a per-head prefix ("每千人口…" → state), counts and the words of
CUMULATIVE_WORDS (→ cumulative), then the state words of the tables below, and otherwise says
cumulative: most targets with an amount or a count in these documents accumulate.
"""

from __future__ import annotations

import re

from extraction.types import Kind, Measure

# Units whose values are read at a moment rather than added up.
STATE_UNITS = frozenset(
    {"%", "‰", "个百分点", "百分点", "岁", "分", "倍", "天", "个工作日", "工作日", "小时",
     "分钟", "个月"}
)  # fmt: skip
# Indicator words that name a state wherever they stand in the indicator.
STATE_WORDS = (
    "比例", "比重", "占比", "比值", "浓度", "密度", "覆盖", "位次", "排名", "名次", "排位",
    "强度", "寿命", "水平", "指数", "系数", "达标", "优良天数", "时间", "时长", "均价",
    "价格", "评分", "得分", "等级", "满意度",
)  # fmt: skip
# Indicator endings that name a state: 城镇化率, 收入比 (not 比重 words, read above).
STATE_ENDINGS = ("率", "比", "度")
# Indicators counted per head of population ("每千人口执业医师", "每万人口…"): densities.
STATE_PREFIXES = ("每千", "每万", "每百", "每十万", "千人", "万人")
# Words that make an amount cumulative even beside a state word ("能耗总量", "新增就业").
CUMULATIVE_WORDS = ("总量", "总额", "新增", "累计", "完成", "建成", "产量", "产值", "投资")

_STATE_WORDS = re.compile("|".join(STATE_WORDS))
_CUMULATIVE_WORDS = re.compile("|".join(CUMULATIVE_WORDS))


def measure(indicator: str, unit: str, kind: Kind) -> Measure:
    """ "state" or "cumulative" for a target (see the module docstring)."""
    if kind in ("growth", "decrease", "rank", "qualitative"):
        return "state"
    base = unit.split("/")[0]
    if unit in STATE_UNITS or base in STATE_UNITS or "/" in unit:
        return "state"
    if not unit and indicator.endswith((*STATE_ENDINGS, "系数", "指数")):
        return "state"  # "收入比缩小至2.1以内": a ratio written without a unit
    if indicator.startswith(STATE_PREFIXES):
        return "state"
    if kind == "count" or _CUMULATIVE_WORDS.search(indicator):
        # Counted things ("户", "个", "家") accumulate, whatever qualifies them ("资质等级…户数").
        return "cumulative"
    if _STATE_WORDS.search(indicator) or indicator.endswith(STATE_ENDINGS):
        return "state"
    return "cumulative"

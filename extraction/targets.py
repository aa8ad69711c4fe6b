"""Quantitative targets: "人均地区生产总值达4.8万元以上" → indicator, value, unit, comparator, ….

A target is a number written with a unit of measure inside a clause of an assignment (or of the
document's "主要预期目标是:…" sentence).  Numbers that are not goals are left out by rule:
years and dates (no unit of measure), ordinals ("第3"), anything inside brackets or quotes
(explanations, names such as “7个专项行动”), measures that qualify the noun after them
("3岁以下婴幼儿", "500万元以上固定资产投资"), counts of the plan's own parts ("三个环节",
"7个专项行动"), and time limits ("3天内").

Comparator choice: the modifier after the number wins (以上 ≥, 左右 ~, 以内/以下 ≤), then the
nearest comparator word before it (不低于 ≥, 超过/突破/高于 >, 控制在/不超过/低于 ≤, 约 ~,
小于/少于 <); a bare number is "=".  低于 counts as ≤: in these documents "低于X" sets a ceiling
just like "控制在X以内", and a value equal to the ceiling is met; only 小于/少于, which state
the strict relation explicitly, give "<".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction import segment
from extraction.measures import measure
from extraction.normalize import tidy
from extraction.structure import match_numbering
from extraction.types import Comparator, Direction, Kind, Reason, Target

_NUM = r"\d+(?:\.\d+)?"
# Chinese numerals ("两个", "三家", "一万人"); not after characters that make them part of a word
# ("统一", "唯一", "第一", "之一", "万一").
_CN_DIGITS = "零一二两三四五六七八九十百千"
_CN_VALUE = f"(?<![{_CN_DIGITS}〇第之统唯进初逐每单同万])[{_CN_DIGITS}]+"
_VALUE = rf"(?:(?<![A-Za-z\d.]){_NUM}|{_CN_VALUE})"
_COUNT_BASES = (
    "个",
    "户",
    "家",
    "件",
    "项",
    "座",
    "所",
    "起",
    "批次",
    "人次",
    "场次",
    "次",
    "名",
    "条",
    "处",
    "只",
    "台套",
    "套",
    "台",
    "辆",
    "张",
    "篇",
    "场",
    "栋",
    "间",
    "床",
    "艘",
    "架",
    "宗",
    "笔",
    "株",
    "棵",
    "册",
    "盏",
    "根",
    "人",
    "位",
    "批",
    "家次",
    "户次",
)
_MEASURE_BASES = (
    "微克/立方米",
    "毫克/立方米",
    "毫克/升",
    "元",
    "美元",
    "吨标准煤",
    "吨标煤",
    "吨",
    "公斤",
    "千克",
    "斤",
    "亩",
    "公顷",
    "平方米",
    "平方公里",
    "立方米",
    "千瓦时",
    "千瓦",
    "兆瓦",
    "千伏安",
    "千伏",
    "公里",
    "千米",
    "米",
    "岁",
    "天",
    "个工作日",
    "工作日",
    "个月",
    "小时",
    "分钟",
    "标准箱",
    "标箱",
    "倍",
    "分",
)
_PERCENT = ("个百分点", "百分点", "%", "‰")
_MULTIPLIER = "(?:万亿|千亿|百亿|亿|千万|百万|十万|万|千|百)?"
_PER = r"(?:/(?:千人|万人|百人|人|户|平方公里|公里|年|日|天|小时|万元|亿元|吨))?"


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_UNIT = (
    f"(?:{_alternation(_PERCENT)}|{_MULTIPLIER}(?:{_alternation(_COUNT_BASES + _MEASURE_BASES)}))"
    + _PER
)
# "170多亿元" and "1万余人": more than the number, written between number and unit.
MENTION = re.compile(
    rf"(?P<v1>{_VALUE})\s?(?:(?P<u1>{_UNIT})?\s?(?P<sep>[-—~至到])\s?(?P<v2>{_VALUE})\s?)?"
    rf"(?P<more>[多余])?(?P<unit>{_alternation(_PERCENT)}{_PER}|{_MULTIPLIER}(?P<more2>[多余])?"
    rf"(?:{_alternation(_COUNT_BASES + _MEASURE_BASES)}){_PER})"
)
_AFTER = re.compile(r"\s?(及以上|以上|及以下|以下|以内|之内|左右|上下|之间|内)")
# "30人(含)以下", "5亿元(含)以上": the bracket says the bound itself counts; "(不含)" that it
# does not.
_INCLUSIVE = re.compile(r"\s?\(\s?(不)?含(?:本数)?\s?\)\s?(以上|以下|以内)")
_AFTER_CMP: dict[str, Comparator] = {
    "及以上": ">=",
    "以上": ">=",
    "及以下": "<=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "内": "<=",
    "左右": "~",
    "上下": "~",
    "之间": "=",
    "多": ">",
    "不含以上": ">",
    "不含以下": "<",
    "不含以内": "<",
}
_BEFORE_WORDS: dict[str, Comparator] = {
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "不得低于": ">=",
    "不得少于": ">=",
    "至少": ">=",
    "超过": ">",
    "突破": ">",
    "高于": ">",
    "多于": ">",
    "大于": ">",
    "超出": ">",
    "控制在": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "不得超过": "<=",
    "不多于": "<=",
    "低于": "<=",
    "降至": "<=",
    "降到": "<=",
    "压减到": "<=",
    "压缩至": "<=",
    "压缩到": "<=",
    "缩短至": "<=",
    "缩短到": "<=",
    "压减至": "<=",
    "控制到": "<=",
    "小于": "<",
    "少于": "<",
    "约为": "~",
    "大约": "~",
}
_BEFORE = re.compile(_alternation(tuple(_BEFORE_WORDS)))
# Single characters that only count right beside the number ("约5%", "超100亿元").
_ADJACENT: dict[str, Comparator] = {"约": "~", "超": ">"}

_QUALIFIER_OK_NEXT = re.compile(r"(和|与|及|或|等|目标|的目标|[,;。、():“”\s]|$)")
_PLAN_PARTS = re.compile(r"^[^,;。]{0,8}(行动|方面|环节|原则|战略|理念|领域|步骤|阶段)")
# A count the sentence is built around, not a goal: "以10个示范村为引领", "不少于4座的标准".
_FRAMED = re.compile(r"[^,;。]{0,12}为(引领|抓手|重点|依托|载体|牵引|示范|突破口)")
_OPENS_WITH_YI = re.compile(r"\s*(?:坚持|继续|持续)?以(?!上|下|内|及|便|免|来)")
_STANDARD_AFTER = re.compile(r"^的(标准|要求|规定|原则|比例|规模)")
_TIME_LIMIT_UNITS = {"天", "个工作日", "工作日", "个月", "小时", "分钟"}
# "压缩至1个工作日以内" sets a target in days; "限时3日内办结" is a rule, not a target.
_SHORTEN_TO = re.compile(r"(压缩|缩短|压减|减少|控制|降低|降)(至|到|在)\s?$")

_YEAR = re.compile(r"(?:到|至|截至|截止到?)?\d{4}\s?年(?:度|底|末)?(?:前)?")
_WHEN = re.compile(
    r"(?<!\d)\d{1,2}\s?月(?:\d{1,2}\s?日)?(?:底|末|份)?(?:前|之前|以前)?|年内|年底前|年底|年末前|年末|"
    r"(?:第|前)?[一二三四1-4]\s?季度(?:末|底)?(?:前)?|[上下]半年(?:末|底)?(?:前)?"
)
# A sub-point's own numbering at the start of the clause: "(1)新开工项目…".
_NUMBERING = re.compile(
    r"^\s*(\(\s*[\d一二三四五六七八九十]{1,3}\s*\)|[\u2460-\u2473]|\d{1,2}[.、](?!\d))"
)
_CN_SPAN = re.compile(r"[一二三四五六七八九十两]+年(?:累计|内|来|间|共)")
_TAIL = re.compile(
    r"(同比增长|同比增加|同比|年均增长|年均增速|年均|比上年增长|比上年|较上年|增长|增速|增幅|涨幅|"
    r"提高到|提高至|提高|提升到|提升至|提升|增加到|增加至|增加|下降到|下降至|下降|降低到|降低至|降低|减少|"
    r"降到|降至|"
    r"压缩至|压缩到|缩短至|缩短到|压减至|压减到|压缩|缩短|缩小至|缩小到|缩小|压减|压降|缩减|"
    r"达到|达|为|是|控制在|控制|保持在|保持|稳定在|稳定|在|"
    r"(?:超过|突破|高于|低于|不低于|不少于|不超过|不高于|至少|约为|约)(?:全国|全省|全市|全区|平均水平|省平均)*|"
    r"完成|实现|力争|争取|确保|预计|预期|目标任务为|目标任务|目标值为|目标值|目标为|目标|任务为|"
    r"累计|合计|共计|总计|大约|分别|净增|新增|突破|超|再|均|各|共)$"
)
_LEAD = re.compile(
    r"^(其中|全市|全区|全县|全州|全盟|全旗|全省|全镇|全年|今年|明年|当年|年内|力争|争取|确保|预计|计划|"
    r"实现|完成|达到|推动|推进|加快|积极|持续|进一步|大力|努力|并|且|同时|另外|此外|以及|全力|力求|累计|"
    r"总计|共计|各类|各项|全部|全面|全额|要|将|使|把|对|于|和|与|及|[、,;:\s])+"
)
# Verbs that open an object phrase ("完成民间投资…", "认定国家高新技术企业…").  A closed list
# rather than jieba's "v" tag, which also covers modifiers that belong to the indicator
# (脱贫人口, 转移就业).  Each is a word of jieba's dictionary (data/userdict.txt adds the few
# it lacks), because phrases are cut without its HMM.
_LEAD_VERBS = {
    "完成",
    "实现",
    "达到",
    "达",
    "开展",
    "推动",
    "推进",
    "培育",
    "认定",
    "招聘",
    "建设",
    "开工",
    "开工建设",
    "打造",
    "创建",
    "争创",
    "举办",
    "组织",
    "实施",
    "落实",
    "汇缴",
    "发放",
    "争取",
    "确保",
    "保持",
    "提供",
    "支持",
    "帮扶",
    "扶持",
    "改造",
    "引导",
    "鼓励",
    "力争",
    "完善",
    "加强",
    "加大",
    "扩大",
    "促进",
    "带动",
    "吸引",
    "保障",
    "保",
    "防范",
    "控制",
    "防控",
    "深入",
    "入选",
    "列入",
    "创成",
    "建成",
    "启动",
    "争取到",
    "累计",
    "拥有",
    "新培育",
    "净培育",
    "培训",
    "招引",
    "引进",
    "签约",
    "储备",
    "谋划",
    "申报",
    "争列",
    "投入",
    "安排",
    "筹集",
    "下达",
    "计划",
}
# Adverbs, prepositions, conjunctions and particles opening a phrase are not the indicator.
# (Not interjections or onomatopoeia: jieba gives those tags to rare characters of place names,
# "嘎查村" → 嘎/o.)
_DROP_FLAGS = {"d", "ad", "p", "c", "u", "uj", "ul", "uz", "ug", "x"}
_KIND_ONLY = re.compile(r"^(增速|增幅|增长|涨幅|增长率|同比|年均)?$")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,8}(县|区|市|镇|乡|旗|州|盟)$")
_PLACE_TAIL = re.compile(r"[\u4e00-\u9fff]{1,4}(县|区|市|镇|乡|旗)$")
# Words with a place suffix that name no place: "城镇老旧小区", "全市", "产业园区".
_NOT_PLACE = re.compile(
    r"^[全各本该我每分市县区乡镇][县区市镇乡旗]$|^(主|中心|老|新)城区$|(小区|园区|景区|社区|片区|街区|校区|厂区|矿区|库区|山区|"
    r"辖区|示范区|保护区|开发区|功能区|试验区|集聚区|服务区|管理区|城市|都市|超市|夜市|集市|上市|"
    r"城乡|乡镇|城镇|村镇|小镇|重镇|强县|大县|强市|大市|强区|地区|林区|牧区)$"
)
_PROPER = {"ns", "nr", "nz", "nt"}


def _is_place(text: str) -> bool:
    """A place name ("云县", "临翔区", "北山县"): the suffix pattern, and jieba reads the name
    (or the name before the suffix) as a proper noun, which "棚户区" or "开发区" are not."""
    if not _PLACE.match(text) or _NOT_PLACE.search(text):
        return False
    words = segment.pos_cut(text)
    if len(words) == 1:
        return words[0][1] in _PROPER
    return len(words) == 2 and words[0][1] in _PROPER and len(words[1][0]) == 1


# "提高到58%" names the level to reach; "提高2个百分点" and "增长7%" name a growth.
_GROWTH_WORDS = re.compile(
    r"增长|增速|增幅|提高(?![到至])|提升(?![到至])|涨幅|增加(?![值到至])|年均增"
)
_DECREASE_WORDS = re.compile(r"下降|降低|减少|压减|缩减|降至|降到|缩小")
_SHARE_WORDS = re.compile(r"比重|占比|率|比例|覆盖|强度|份额")
_INVERSE = re.compile(
    r"逆指标|失业率|能耗|排放|事故|物价|价格|消费指数|CPI|死亡|污染|发生率|负债|债务率|PM2\.5"
)
_RANK_CONTEXT = re.compile(r"(排名|排位|位次|位列|进入|保持|争先|跻身|全省|全国)[^,;。]{0,6}$")
_COUNT_SET = set(_COUNT_BASES)


def _unit_base(unit: str) -> str:
    base = unit.split("/")[0]
    return re.sub(r"^(万亿|千亿|百亿|亿|千万|百万|十万|万|千|百)", "", base) or base


@dataclass
class _Mention:
    start: int
    end: int  # after the unit and its modifier
    unit_end: int
    value: float
    value_high: float | None
    unit: str
    after: str | None  # modifier after the number
    rank: bool


def _masks(norm: str, start: int, end: int, excluded: list[tuple[int, int]]) -> list[bool]:
    """True where a character lies inside brackets, quotes, 《》 or an excluded span."""
    mask = [False] * (end - start)
    depth = 0
    for i in range(start, end):
        ch = norm[i]
        if ch in "(“《【[":
            depth += 1
            mask[i - start] = True
            continue
        if ch in ")”》】]":
            mask[i - start] = True
            depth = max(0, depth - 1)
            continue
        if ch == "\n":
            depth = 0
        mask[i - start] = depth > 0
    for a, b in excluded:
        for i in range(max(a, start), min(b, end)):
            mask[i - start] = True
    return mask


def _clauses(norm: str, start: int, end: int, mask: list[bool]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    a = start
    for i in range(start, end):
        ch = norm[i]
        if mask[i - start]:
            continue
        split = ch in ",;。!?;\n"
        if ch == ":" and not (
            0 < i < len(norm) - 1 and norm[i - 1].isdigit() and norm[i + 1].isdigit()
        ):
            split = True
        if split:
            if i > a:
                spans.append((a, i))
            a = i + 1
    if end > a:
        spans.append((a, end))
    return spans


# Verbs that make a count in Chinese numerals a goal ("打造两个…产业", "培育三家…") rather
# than a phrase ("两个维护", "三项制度").
_CN_GOAL_VERB = re.compile(
    r"打造|培育|建成|建设|新建|新增|创建|创成|引进|招引|完成|实现|达到|争创|培训|开展|举办|形成|"
    r"认定|入选|获批|争取|力争|开工|实施|落地|签约|净增|增加|提供|发放|帮扶|吸纳|转移|安置|改造|"
    r"招聘|储备|突破|超过|累计"
)


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text)
    import cn2an  # only documents with Chinese numerals pay for the import

    try:
        return float(cn2an.cn2an(text, "normal"))
    except (ValueError, KeyError, TypeError):
        return None


def _modifier(norm: str, at: int, b: int) -> tuple[str | None, int]:
    """The modifier written after a number ("以上", "(含)以下") and where it ends."""
    inclusive = _INCLUSIVE.match(norm, at, b)
    if inclusive:
        return ("不含" if inclusive[1] else "") + inclusive[2], inclusive.end()
    after_m = _AFTER.match(norm, at, b)
    if after_m:
        return after_m[1], after_m.end()
    return None, at


def _mentions(norm: str, a: int, b: int, start: int, mask: list[bool]) -> list[_Mention]:
    found: list[_Mention] = []
    for m in MENTION.finditer(norm, a, b):
        if mask[m.start() - start]:
            continue
        unit = m["unit"].replace(m["more2"], "", 1) if m["more2"] else m["unit"]
        base = _unit_base(unit)
        before = norm[max(a, m.start() - 8) : m.start()]
        rank = before.endswith(("第", "前")) and base in ("名", "位")
        if before.endswith("第") and not rank:
            continue
        if rank and not _RANK_CONTEXT.search(before.rstrip("第前")):
            continue
        after, end = _modifier(norm, m.end(), b)
        following = norm[end:b]
        if base in _TIME_LIMIT_UNITS and after in ("内", "以内", "之内"):
            if not _SHORTEN_TO.search(before):
                continue
        is_measure = base not in _COUNT_SET and unit not in _PERCENT
        if is_measure and following and not _QUALIFIER_OK_NEXT.match(following):
            continue
        if base in _COUNT_SET and not rank and _PLAN_PARTS.match(following):
            continue
        if _STANDARD_AFTER.match(following):
            continue
        if (
            base == "人"
            and unit[0] in "万千百亿"
            and after in ("以上", "以下", "及以上")
            and not _QUALIFIER_OK_NEXT.match(following)
        ):
            continue  # "30万人以上县(市、区)": a population class of what follows, not a count
        if _OPENS_WITH_YI.match(norm, a, m.start()) and _FRAMED.match(norm, end, b):
            continue
        value = _number(m["v1"])
        high = _number(m["v2"]) if m["v2"] else None
        if value is None or (m["v2"] and high is None):
            continue
        if not m["v1"][0].isdigit() and not rank:
            # Chinese numerals: "一个…" is almost never a goal, and a count needs a goal verb.
            multiplied = unit[0] in "万亿千百"
            if (value < 2 and not multiplied) or not _CN_GOAL_VERB.search(norm, a, m.start()):
                continue
        if m["more"] or m["more2"]:
            after = after or "多"
        if rank and high is not None:
            # "全省排名第3—9名之间": what is tracked is "no worse than 9th".
            value, high, after = high, None, "以内"
        elif before.endswith("前") and rank:
            after = "以内"
        found.append(_Mention(m.start(), end, m.end(), value, high, unit, after, rank))
    taken = [(f.start, f.end) for f in found]
    for m in _BARE_RATIO.finditer(norm, a, b):
        at = m.start("value")
        if mask[at - start] or any(s <= at < e for s, e in taken):
            continue
        after, end = _modifier(norm, m.end(), b)
        value = _number(m["value"])
        if value is not None:
            found.append(_Mention(at, end, m.end(), value, None, "", after, False))
    found.sort(key=lambda mention: mention.start)
    return found


# "城乡居民人均可支配收入比缩小至2.1以内", "恩格尔系数降至30以下": a ratio or an index has no unit
# of measure, so its number counts as a target only right after the indicator and a goal verb.
_BARE_RATIO = re.compile(
    r"(?:收入比|比值|系数|指数|(?<![增长速])率)(?:缩小|下降|降低|降|控制|保持|稳定|提高|提升|达到|达)?(?:至|到|在|为)?\s?"
    r"(?P<value>\d+(?:\.\d+)?)(?![\d.%‰])"
)


def _before_comparator(seg: str) -> Comparator | None:
    stripped = seg.rstrip()
    for ch, cmp in _ADJACENT.items():
        if stripped.endswith(ch) and not stripped.endswith("超过"):
            return cmp
    last = None
    for m in _BEFORE.finditer(seg):
        last = m
    return _BEFORE_WORDS[last.group()] if last else None


def _strip_tail(text: str) -> tuple[str, str]:
    tail = ""
    while text:
        m = _TAIL.search(text)
        if not m:
            break
        tail = m.group() + tail
        text = text[: m.start()]
    return text, tail


def _strip_lead(text: str) -> str:
    text = _LEAD.sub("", text)
    if not text:
        return text
    # Lead verbs and particles are all dictionary words, so the HMM has nothing to add here.
    words = segment.pos_cut(text, hmm=False)
    drop = 0
    for i, (word, flag) in enumerate(words[:-1]):
        if word in "“《(":
            break
        if word not in _LEAD_VERBS and flag not in _DROP_FLAGS:
            break
        if len(word) == 1 and flag in ("d", "ad") and len(words[i + 1][0]) == 1:
            break  # a word jieba does not know, cut into characters: "普|惠|小|微|贷款"
        if len(text) - drop - len(word) < 3:
            break  # "开工项目" stays whole rather than becoming "项目"
        drop += len(word)
    if drop and text[drop : drop + 1] == "好" and len(text) - drop > 3:
        drop += 1  # "实施好房地产项目": 好 completes the verb
    return _LEAD.sub("", text[drop:])


def _split_place(indicator: str) -> tuple[str, str | None]:
    """ "…医师临翔区" → ("…医师", "临翔区") when the indicator ends with a place name."""
    words = segment.pos_cut(indicator)
    if len(words) > 1 and words[-1][1] == "ns" and _is_place(words[-1][0]):
        return indicator[: -len(words[-1][0])], words[-1][0]
    m = _PLACE_TAIL.search(indicator)
    if m and m.start() > 0 and len(words) > 1 and _is_place(m.group()):
        return indicator[: m.start()], m.group()
    return indicator, None


_PAIRS = {"“": "”", "(": ")", "《": "》", "【": "】"}


def _balance(text: str) -> str:
    """Drop brackets and quotes left open or unopened at either end by the cuts."""
    text = text.strip(" ,、;:。的")
    changed = True
    while changed and text:
        changed = False
        first, last = text[0], text[-1]
        if first in _PAIRS and _PAIRS[first] not in text[1:]:
            text, changed = text[1:], True
        elif last in _PAIRS:
            text, changed = text[:-1], True
        elif last in _PAIRS.values() and {v: k for k, v in _PAIRS.items()}[last] not in text[:-1]:
            text, changed = text[:-1], True
        elif first in _PAIRS.values():
            text, changed = text[1:], True
    return text.strip(" ,、;:。的")


def _clean(seg: str) -> tuple[str, str]:
    """(indicator, the growth/comparator words stripped from its end)."""
    seg = seg.rsplit(":", 1)[-1]
    seg = _NUMBERING.sub("", seg)
    seg = _YEAR.sub("", seg)
    seg = _WHEN.sub("", seg)
    seg = _CN_SPAN.sub("", seg)
    seg = seg.strip(" ,、;:。")
    indicator, tail = _strip_tail(seg)
    indicator = _strip_lead(indicator).strip(" ,、;:。")
    indicator, more = _strip_tail(indicator)
    return _balance(indicator), more + tail


def _kind(unit: str, indicator: str, words: str, rank: bool) -> Kind:
    base = _unit_base(unit)
    if rank:
        return "rank"
    if unit in _PERCENT or base in _PERCENT:
        if _DECREASE_WORDS.search(words) or re.search(r"(下降|降低|减少)率", indicator):
            return "decrease"
        if _GROWTH_WORDS.search(words) or unit.endswith("百分点"):
            return "growth"
        return "share" if _SHARE_WORDS.search(indicator) else "level"
    if base in _COUNT_SET and not indicator.startswith("每") and "/" not in unit:
        return "count"
    return "level"


def _direction(
    kind: Kind, comparator: Comparator, indicator: str, words: str, context: str
) -> Direction:
    if kind in ("decrease", "rank") or comparator in ("<=", "<"):
        return "decrease"
    if _DECREASE_WORDS.search(words) or "控制" in words:
        return "decrease"
    if _INVERSE.search(indicator):
        return "decrease"
    if "逆指标" in context and _related(indicator, context):
        # The mark belongs to the indicator of the title, not to every target of the item.
        return "decrease"
    return "increase"


def _related(indicator: str, title: str) -> bool:
    """Whether the indicator shares a three-character run with the title."""
    return any(indicator[i : i + 3] in title for i in range(max(1, len(indicator) - 2)))


def _target(
    indicator: str,
    mention: _Mention,
    comparator: Comparator,
    kind: Kind,
    direction: Direction,
    text: str,
) -> Target:
    return {
        "indicator": indicator,
        "value": mention.value,
        "value_high": mention.value_high,
        "unit": mention.unit,
        "comparator": comparator,
        "kind": kind,
        "direction": direction,
        "text": text,
        "scope": None,
        "measure": measure(indicator, mention.unit, kind),
        "quarter": None,
        "confidence": 1.0,
        "reasons": [],
    }


def _counted_after(norm: str, mention: _Mention, b: int) -> str:
    """ "争取2个县城列入…": a count directly followed by a noun counts that noun.

    So does "两个200亿元以上产业集群": the amount qualifies the noun that is counted.
    """
    if _unit_base(mention.unit) not in _COUNT_SET or mention.rank:
        return ""
    text = norm[mention.end : b].split("、")[0]
    qualified = re.match(rf"{_NUM}\s?{_UNIT}(以上|以下|及以上)?(?=[\u4e00-\u9fff])", text)
    if not text or not ("\u4e00" <= text[0] <= "\u9fff" or text[0] == "“" or qualified):
        return ""
    head = qualified.end() if qualified else 0
    # Whole words up to about 30 characters, stopping where a second thing begins
    # ("3个源网荷储一体化项目和锦联…风电项目"): a conjunction or another amount.
    taken = head
    for word, flag in segment.pos_cut(text[head : head + 40]):
        if taken > head and (flag == "c" or word[0].isdigit()):
            break
        if taken + len(word) > head + 30:
            break
        taken += len(word)
    return _balance(text[:taken])


def _split_subject(subject: str, n: int) -> list[str]:
    """ "城镇和农村居民人均可支配收入" with two values → the two indicators it abbreviates."""
    if subject.startswith("城乡") and n == 2:
        rest = subject[2:]
        return ["城镇" + rest, "农村" + rest]
    parts = [p for p in re.split(r"[和、与及]", subject) if p]
    if len(parts) != n or n < 2:
        return [subject] * n
    if all(len(p) <= 4 for p in parts[:-1]):
        # The last part carries the shared head: "农村|居民人均可支配收入".  jieba finds where
        # its own modifier ends unless it glued modifier and head together ("农村居民").
        first_word = segment.cut(parts[-1])[0]
        cut = min(len(first_word), max(len(p) for p in parts[:-1]))
        shared = parts[-1][cut:]
        return [p + shared for p in parts[:-1]] + [parts[-1]]
    return parts


def find_targets(
    raw: str,
    norm: str,
    start: int,
    end: int,
    *,
    excluded: list[tuple[int, int]] | None = None,
    fallback_indicator: str = "",
    context: str = "",
) -> list[Target]:
    """Targets written in norm[start:end], skipping the `excluded` spans (unit clauses)."""
    mask = _masks(norm, start, end, excluded or [])
    if fallback_indicator:
        fallback_indicator = _clean(fallback_indicator)[0] or fallback_indicator
    targets: list[Target] = []
    previous = ""
    for a, b in _clauses(norm, start, end, mask):
        mentions = _mentions(norm, a, b, start, mask)
        if not mentions:
            continue
        clause_text = tidy(raw[a:b])
        respectively = norm.find("分别", a, mentions[0].start)
        if respectively >= 0 and len(mentions) >= 2:
            targets.extend(_respectively(norm, a, b, respectively, mentions, clause_text, context))
            previous = targets[-1]["indicator"]
            continue
        seg_start = a
        clause_targets: list[Target] = []
        places: list[str | None] = []
        for mention in mentions:
            seg = norm[seg_start : mention.start]
            inferred = False
            if clause_targets:
                seg = seg[seg.rfind("、") + 1 :].lstrip("和及与")
            indicator, words = _clean(seg)
            if not clause_targets and "、" in seg:
                last_item = _clean(seg[seg.rfind("、") + 1 :])[0]
                if _is_place(last_item):
                    indicator = last_item
            place = indicator if _is_place(indicator) else None
            # Nothing left but a growth word or a verb ("增长20%", "累计建成30万亩"): the
            # clause continues the indicator named before.
            kind_only = bool(_KIND_ONLY.match(indicator)) or indicator in _LEAD_VERBS
            counted_after = _counted_after(norm, mention, b)
            if mention.rank:
                # "全省排名第3—9名": the ranking of the indicator named before it.
                where = re.sub(r"[第前]$", "", seg.strip()).strip(" ,、")
                indicator = (previous or fallback_indicator) + _LEAD.sub("", where)
                inferred = not previous and bool(fallback_indicator)
            elif place and clause_targets:
                indicator = _per_place(clause_targets, places)
            elif counted_after:
                indicator = counted_after
            elif kind_only and previous:
                indicator = previous
            elif kind_only or place:
                indicator = previous or fallback_indicator
                inferred = not previous and bool(fallback_indicator)
            comparator = _AFTER_CMP.get(mention.after or "") or _before_comparator(seg) or "="
            if mention.after == "之间":
                comparator = "="
            kind = _kind(mention.unit, indicator, words, mention.rank)
            direction = _direction(kind, comparator, indicator, words + seg, context)
            target = _target(indicator, mention, comparator, kind, direction, clause_text)
            target["scope"] = place
            if _is_base_value(norm, mention, b):
                seg_start = mention.end
                continue  # "由2.5%提高到3%": the starting value is not a target
            _annotate(target, norm, a, mention, inferred=inferred)
            clause_targets.append(target)
            places.append(place)
            previous = indicator
            seg_start = mention.end
        if sum(place is not None for place in places) < 2:
            # A place before a single value is where it applies, not one of several scopes:
            # "云县、永德县…孟定镇5座生活垃圾焚烧厂" counts across the places it lists.
            for target in clause_targets:
                target["scope"] = None
        targets.extend(clause_targets)
    return targets


def _per_place(clause_targets: list[Target], places: list[str | None]) -> str:
    """ "医师临翔区4.1人、云县2.1人": values given per place share the first one's indicator.

    The first value's place is written at the end of its indicator; it moves to the scope.
    """
    first = clause_targets[0]
    if places[0] is None:
        indicator, place = _split_place(first["indicator"])
        if place:
            first["indicator"], first["scope"], places[0] = indicator, place, place
    return first["indicator"]


def _respectively(
    norm: str,
    a: int,
    b: int,
    at: int,
    mentions: list[_Mention],
    clause_text: str,
    context: str,
) -> list[Target]:
    subject, _ = _clean(norm[a:at])
    indicators = _split_subject(subject, len(mentions))
    between = norm[at + 2 : mentions[0].start]
    shared_after = next((m.after for m in reversed(mentions) if m.after), None)
    before = _before_comparator(between)
    out: list[Target] = []
    for indicator, mention in zip(indicators, mentions, strict=True):
        comparator = _AFTER_CMP.get(mention.after or shared_after or "") or before or "="
        kind = _kind(mention.unit, indicator, between, mention.rank)
        direction = _direction(kind, comparator, indicator, between, context)
        target = _target(indicator, mention, comparator, kind, direction, clause_text)
        _annotate(target, norm, a, mention, inferred=False)
        out.append(target)
    return out


# The period a target is set for, the last one named before its number: "一季度", "第一季度",
# "1季度" name one quarter; "前三季度", "上半年", "全年", "年内", a month name others.
_PERIOD_WORD = re.compile(
    r"(?<![前每各])(?:第)?([一二三四1-4])\s?季度|前[二三两]个?季度|[上下]半年|全年|年内|年底|年末|"
    r"(?<!\d)\d{1,2}\s?月(?!\d)"
)
_QUARTER_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Words before a number that make it a fact about the past or the present, not a goal:
# "目前已建成5G基站200个", "去年完成投资30亿元", "现有规上企业85户", "基期年".
_CONTEXT = re.compile(
    r"已(?!于|在|经?(?:明确|部署|安排))|现有|目前|当前|去年|上年度?(?:完成|实现|达到|末|全年|为)|"
    r"过去|基期|基数|以来|此前|原有"
)
# "由2.5%提高到3%", "从60%提升至65%": the number after 由/从 is where the change starts.
_FROM_VALUE = re.compile(r"(?:由|从)\s?$")
_TO_VALUE = re.compile(
    r"\s?(?:提高|提升|增加|增长|上升|下降|降低|减少|缩小|扩大|压减|压缩)(?:到|至)"
)


def quarter_of(text: str) -> int | None:
    """The quarter the last period named in `text` is, when that period is one quarter."""
    words = list(_PERIOD_WORD.finditer(text))
    last = words[-1] if words else None
    return _QUARTER_NUMBER[last[1]] if last and last[1] else None


def _sentence_start(norm: str, a: int) -> int:
    return max(norm.rfind("。", 0, a), norm.rfind("\n", 0, a)) + 1


def _is_base_value(norm: str, mention: _Mention, b: int) -> bool:
    return bool(
        _FROM_VALUE.search(norm, max(0, mention.start - 2), mention.start)
        and _TO_VALUE.match(norm, mention.end, b)
    )


def _annotate(target: Target, norm: str, a: int, mention: _Mention, *, inferred: bool) -> None:
    """The quarter a target is scoped to, and the reasons to look at it twice."""
    target["quarter"] = quarter_of(norm[_sentence_start(norm, a) : mention.start])
    reasons: list[Reason] = []
    indicator = target["indicator"]
    if len(indicator) < 2 or _KIND_ONLY.match(indicator) or indicator in _LEAD_VERBS:
        reasons.append("no_indicator")
    elif inferred:
        reasons.append("indicator_inferred")
    if _CONTEXT.search(norm, a, mention.start):
        reasons.append("maybe_context")
    target["reasons"] = reasons


# --- qualitative targets ----------------------------------------------------------------------

# "2023年目标任务:进一步缩小差距", "目标:不发生": a target stated without a number.
_STATEMENT = re.compile(r"(?:\d{4}\s?年)?(?:工作|年度)?目标(?:任务)?\s?[:]\s?([^。;\n]{2,80})")
# Words of a statement, or of an indicator naming an adverse event ("发生…事件", "政务失信"),
# that make a qualitative target lower-is-better.
_LOWER_BETTER = re.compile(
    r"不发生|未发生|不出现|杜绝|零发生|为0|消除|下降|减少|降低|压减|控制|遏制|防范|逆指标|"
    r"^发生|^出现|失信|不力|事件"
)


def statement_span(norm: str, start: int, end: int) -> tuple[int, int] | None:
    """Where an item states its target in words ("目标:…"), if it does."""
    m = _STATEMENT.search(norm, start, end)
    return (m.start(1), m.end(1)) if m else None


def qualitative(title: str, text: str, context: str) -> Target:
    """A target with no number ("与经济增长基本同步", "不发生"): the reporter assesses it."""
    indicator = _clean(title)[0] or title
    lower = any(_LOWER_BETTER.search(words) for words in (text, context, indicator))
    return {
        "indicator": indicator,
        "value": None,
        "value_high": None,
        "unit": "",
        "comparator": "=",
        "kind": "qualitative",
        "direction": "decrease" if lower or _INVERSE.search(indicator) else "increase",
        "text": text,
        "scope": None,
        "measure": "state",
        "quarter": None,
        "confidence": 1.0,
        "reasons": [],
    }


# --- document headline targets ----------------------------------------------------------------

_HEADLINE = re.compile(
    r"(主要预期目标|主要目标|预期目标|主要发展目标|发展目标|主要指标|年度目标)(任务)?(建议)?[ \t]?"
    r"(是|为|如下|:)[ \t]?:?"
)
# A section of its own for the targets: "一、主要目标" and the paragraph under it.
_TARGET_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]{1,3}\s*\)|\d{1,2}\s*[.、])?"
    r"[^,;。]{0,20}(?:主要预期目标|主要目标|预期目标|发展目标|工作目标|目标任务|年度目标|总体目标|"
    r"攻坚目标|行动目标|具体目标|主要指标|预期指标)"
    r"\s*(?:[::]?\s*$|[。:]\s*(?=\S))"
)
# A work report that states the year's targets without naming them as such: "综合考虑各方面因素,
# 今年全市地区生产总值增长6%左右,…".  The sentence speaks of this year and leads with output.
_FUTURE = re.compile(r"综合考虑|综合各方面|今年|全年|明年|力争|预期|目标")
_PAST = re.compile(r"过去|去年|上年度|一年来|五年来|回顾|完成了|实现了|取得")
_HEADLINE_INDICATOR = re.compile(r"生产总值|GDP|经济增长|经济增速")


def find_headline_targets(raw: str, norm: str) -> list[Target]:
    """Targets the document sets for itself as a whole (government work reports, plans).

    In order: the "主要预期目标是:…" sentence; the first paragraph under a "主要目标" heading;
    a sentence about this year that sets several growth targets starting with output.
    """
    for m in _HEADLINE.finditer(norm):
        end = _sentence_end(norm, m.end())
        if end - m.end() < 4:
            # "主要目标如下:" with the targets on the lines below.
            end = _block_end(norm, m.end())
        found = find_targets(raw, norm, m.end(), end)
        if found:
            return found
    for m in re.finditer(r"[^\n]+", norm):
        heading = _TARGET_HEADING.match(m.group())
        if heading:
            # The targets follow on the next line, or on a numbered heading's own line after
            # "(二)目标任务。" / "(二)目标任务:".
            inline = heading.end() < len(m.group())
            if inline and not match_numbering(m.group().strip()):
                continue  # "2023年目标任务:…" states one item's target, not the document's
            start = m.start() + heading.end() if inline else m.end() + 1
            line_end = norm.find("\n", start)
            if match_numbering(norm[start : line_end if line_end >= 0 else len(norm)].strip()):
                # Numbered items under the heading are assignments, not a headline, unless
                # they only state the goals ("1.地区生产总值增长6.5%;") in a document whose
                # tasks name their units elsewhere.
                found = _numbered_goals(raw, norm, start)
                if len(found) >= 2:
                    return found
                continue
            end = _sentence_end(norm, start, stop_at_newline=False)
            found = find_targets(raw, norm, start, end)
            if len(found) >= 2:
                return found
    for start, end in _sentences(norm):
        sentence = norm[start:end]
        if not _FUTURE.search(sentence) or _PAST.search(sentence):
            continue
        found = find_targets(raw, norm, start, end)
        growth = [t for t in found if t["unit"] == "%"]
        if len(growth) >= 3 and _HEADLINE_INDICATOR.search(growth[0]["indicator"]):
            return found
    return []


_UNIT_WORDS = re.compile(r"牵头|责任单位|责任部门|配合|负责|协办")


def _numbered_goals(raw: str, norm: str, start: int) -> list[Target]:
    """Targets of short numbered goal lines right under a goals heading, when the document's
    tasks name units (so these lines, which name none, are the goals and not tasks)."""
    if not _UNIT_WORDS.search(norm, start):
        return []
    found: list[Target] = []
    pos = start
    first_style = None
    for line in norm[start:].split("\n")[:15]:
        text = line.strip()
        numbered = match_numbering(text)
        if not text:
            pos += len(line) + 1
            continue
        if numbered is None or len(text) > 80:
            break
        first_style = first_style or numbered[0]
        if numbered[0] != first_style:
            break  # the next heading
        if _UNIT_WORDS.search(text):
            return []
        found.extend(find_targets(raw, norm, pos, pos + len(line)))
        pos += len(line) + 1
    return found


def _sentence_end(norm: str, start: int, *, stop_at_newline: bool = True) -> int:
    stops = [norm.find("。", start)]
    if stop_at_newline:
        stops.append(norm.find("\n", start))
    found = [p for p in stops if p >= 0]
    return min(found) if found else len(norm)


def _block_end(norm: str, start: int) -> int:
    """End of the lines right after `start` that state targets (at most a dozen)."""
    end = start
    for m in list(re.finditer(r"[^\n]*\n?", norm[start:]))[:14]:
        line = m.group()
        if not line.strip():
            if end > start:
                break
            continue
        if not MENTION.search(line):
            break
        end = start + m.end()
    return end


def _sentences(norm: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^。\n]+", norm):
        spans.append((m.start(), m.end()))
    return spans

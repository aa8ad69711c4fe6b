"""Numbers as people type them into a progress form. Standard library only.

Reporters paste figures from spreadsheets and statistical bulletins: "4.8", "4.8万元", "１２.５％",
"1,234.5", "-0.3". This module turns such text into a Decimal in the target's own unit of
measure, or says precisely what is wrong with it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_MULTIPLIERS = {
    "": 1,
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10**4,
    "十万": 10**5,
    "百万": 10**6,
    "千万": 10**7,
    "亿": 10**8,
    "十亿": 10**9,
    "百亿": 10**10,
    "千亿": 10**11,
    "万亿": 10**12,
}
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d+)?|\.\d+)(.*)$")
_PREFIX = re.compile(r"^(万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千|百|十)?(.*)$")
# The largest magnitude the database column holds (14 integer digits, 6 decimals).
_LIMIT = Decimal(10) ** 14


class NumberError(ValueError):
    """Why a typed figure is not usable; the message is shown beside the field."""


def _split_unit(unit: str) -> tuple[int, str]:
    m = _PREFIX.match(unit)
    if m is None:  # pragma: no cover - the pattern matches every string
        return 1, unit
    prefix, base = m[1] or "", m[2]
    if not base:
        # A bare multiplier such as "万" is itself the unit (万 people, as in "新增1万").
        return 1, unit
    return _MULTIPLIERS[prefix], base


def parse_actual(text: str, unit: str = "") -> Decimal:
    """A typed figure in the target's unit of measure.

    A trailing unit is accepted when it is the target's own ("4.8万元" for 万元) or the same
    measure with another multiplier ("48000元" for 万元 becomes 4.8); any other unit is an error.
    """
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(",", "").replace(" ", "")
    if not cleaned:
        raise NumberError("请填写数值。")
    m = _NUMBER.match(cleaned)
    if m is None:
        raise NumberError(f"“{text.strip()}”不是数字，请只填写数字（如 12.5）。")
    sign, digits, rest = m.groups()
    try:
        number = Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise NumberError(f"“{text.strip()}”不是数字。") from None
    rest = rest.strip()
    if rest[:1] in tuple("0123456789.eE+-"):
        # "1.2.3", "1e5", "3-5": not a plain number, whatever follows.
        raise NumberError(f"“{text.strip()}”不是数字，请只填写一个数（如 12.5）。")
    want = unicodedata.normalize("NFKC", unit or "").strip()
    if rest and rest != want:
        given_mult, given_base = _split_unit(rest)
        want_mult, want_base = _split_unit(want)
        if not want or given_base != want_base:
            expected = f"单位应为“{want}”" if want else "只填写数字"
            raise NumberError(f"“{text.strip()}”的单位不对：{expected}。")
        number = number * given_mult / want_mult
    if abs(number) >= _LIMIT:
        raise NumberError("数值过大，请核对单位。")
    if number.as_tuple().exponent < -6:  # type: ignore[operator]
        number = number.quantize(Decimal("0.000001"))
    return number

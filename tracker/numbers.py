"""Numbers as people type them into a progress form. Standard library only.

Reporters paste figures from spreadsheets and statistical bulletins: "4.8", "4.8万元", "１２.５％",
"1,234.5", "-0.3". This module turns such text into a Decimal in the target's own unit of
measure, or says precisely what is wrong with it: a NumberError carries a code and its
arguments, which the tracker turns into a message in the reader's language
(tracker.number_errors); its own text is the Chinese message, for logs and scripts.
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


EMPTY = "empty"
NOT_A_NUMBER = "not_a_number"
SEVERAL_NUMBERS = "several_numbers"
WRONG_UNIT = "wrong_unit"
TOO_LARGE = "too_large"


class NumberError(ValueError):
    """Why a typed figure is not usable: `code` (one of the constants above) and `params`
    (`text`: what was typed; `unit`: the unit expected, "" when only a bare number is)."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(_chinese(code, params))


def _chinese(code: str, params: dict[str, str]) -> str:
    text, unit = params.get("text", ""), params.get("unit", "")
    if code == EMPTY:
        return "请填写数值。"
    if code == NOT_A_NUMBER:
        return f"“{text}”不是数字，请只填写数字（如 12.5）。"
    if code == SEVERAL_NUMBERS:
        return f"“{text}”不是数字，请只填写一个数（如 12.5）。"
    if code == WRONG_UNIT:
        return f"“{text}”的单位不对：{f'单位应为“{unit}”' if unit else '只填写数字'}。"
    return "数值过大，请核对单位。"


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
        raise NumberError(EMPTY)
    m = _NUMBER.match(cleaned)
    if m is None:
        raise NumberError(NOT_A_NUMBER, text=text.strip())
    sign, digits, rest = m.groups()
    try:
        number = Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise NumberError(NOT_A_NUMBER, text=text.strip()) from None
    rest = rest.strip()
    if rest[:1] in tuple("0123456789.eE+-"):
        # "1.2.3", "1e5", "3-5": not a plain number, whatever follows.
        raise NumberError(SEVERAL_NUMBERS, text=text.strip())
    want = unicodedata.normalize("NFKC", unit or "").strip()
    if rest and rest != want:
        given_mult, given_base = _split_unit(rest)
        want_mult, want_base = _split_unit(want)
        if not want or given_base != want_base:
            raise NumberError(WRONG_UNIT, text=text.strip(), unit=want)
        number = number * given_mult / want_mult
    if abs(number) >= _LIMIT:
        raise NumberError(TOO_LARGE)
    if number.as_tuple().exponent < -6:  # type: ignore[operator]
        number = number.quantize(Decimal("0.000001"))
    return number

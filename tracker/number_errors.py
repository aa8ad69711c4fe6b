"""What is wrong with a typed figure, in the reader's language.

tracker.numbers stays pure and says why a figure is refused with a code and its arguments; the
form, the live preview and the API all show the refusal through this one function.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tracker import numbers


def number_error_text(error: numbers.NumberError) -> str:
    text = error.params.get("text", "")
    unit = error.params.get("unit", "")
    if error.code == numbers.EMPTY:
        return _("请填写数值。")
    if error.code == numbers.NOT_A_NUMBER:
        return _("“%(text)s”不是数字，请只填写数字（如 12.5）。") % {"text": text}
    if error.code == numbers.SEVERAL_NUMBERS:
        return _("“%(text)s”不是数字，请只填写一个数（如 12.5）。") % {"text": text}
    if error.code == numbers.WRONG_UNIT:
        if unit:
            return _("“%(text)s”的单位不对：单位应为“%(unit)s”。") % {"text": text, "unit": unit}
        return _("“%(text)s”的单位不对：只填写数字。") % {"text": text}
    return _("数值过大，请核对单位。")

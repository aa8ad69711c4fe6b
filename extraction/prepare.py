"""prepare_text(): the cleaned text that extraction reads and the tracker stores.

Text arrives scraped from web pages, copied out of Word, or decoded from files in the wrong
encoding.  Before any rule runs it is cleaned once, and every offset the extractor reports (the
assignment spans) and every string it returns "as written" refers to this cleaned text:

- line breaks unified (CRLF, CR, U+2028/2029 → LF; form feeds become line breaks);
- mojibake repaired where it can be (UTF-8 read as Windows-1252: "å¢žé•¿" → "增长") and removed
  where it cannot: U+FFFD, "锟斤拷", private-use code points, stray control characters;
- invisible characters removed (zero-width spaces and joiners, BOMs, soft hyphens);
- pinyin ruby annotations removed ("實(shí)現(xiàn)" → "實現"), as some sites render <ruby> as text;
- traditional characters converted to simplified with OpenCC (t2s).

The cleaning is idempotent: prepare_text(prepare_text(x)) == prepare_text(x).
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from opencc import OpenCC

Script = Literal["simplified", "traditional"]

# --- line breaks and invisible characters ------------------------------------------------------

_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\f\v\x85]")
# Zero-width and formatting characters, BOMs, soft hyphens, variation selectors, the replacement
# character, private-use code points (fonts' icon glyphs copied out of web pages), and every C0/C1
# control character except tab and line feed.
_JUNK = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff\u00ad\ufe00-\ufe0f\ufffc\ufffd"
    "\ue000-\uf8ff\U000f0000-\U0010ffff\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
# Two U+FFFD encoded as UTF-8 and read back as GBK, the best-known Chinese mojibake.
_KUNJINKAO = re.compile("(?:锟斤拷)+|(?:烫){4,}|(?:屯){4,}")

# UTF-8 bytes decoded as Windows-1252 or Latin-1: a lead byte (U+00C2–U+00F4) followed by
# continuation bytes, which Windows-1252 shows as U+0080–U+00BF or as its own punctuation
# (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ).
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_CONT = f"[\u0080-\u00bf{_CP1252_HIGH}]"
_MOJIBAKE = re.compile(
    f"(?:[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}})+"
)


_LATIN = re.compile("[\u0080-\u02ff]")


def _mojibake_byte(ch: str) -> int:
    code = ord(ch)
    if code < 0x100:
        return code
    return ch.encode("cp1252")[0]


def _repair(match: re.Match[str]) -> str:
    run = match.group()
    try:
        fixed = bytes(_mojibake_byte(ch) for ch in run).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return ""
    # Kept only when it restores Chinese text or its punctuation (“ ” — …).  A Latin letter
    # ("Ã©" → "é") has no place in these documents, and a repair that yields control characters
    # or more mojibake was a coincidence: such runs are dropped.
    if _JUNK.search(fixed) or _MOJIBAKE.search(fixed) or _LATIN.search(fixed):
        return ""
    return fixed


# --- pinyin ruby ---------------------------------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_UNTONE = str.maketrans(_TONED, "aaaaeeeeiiiioooouuuuüüüünnnm")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ong|ian|iao|uai|uan|üan|van|ai|ei|ao|ou|an|en|er|ia|ie|iu"
    r"|in|ing|ua|uo|ui|un|üe|ue|ve|ün|a|o|e|i|u|ü|v|m|n|ng)r?[1-5]?"
)
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUBY_GROUP = f"[ \t]?[(（][ \t]?([a-zü{_TONED}1-5'’ ]{{1,40}}?)[ \t]?[)）]"
# "實(shí)", "實（shí）", "實 (shí) "; several in a row when a word was annotated as a whole.
_RUBY_BRACKETED = re.compile(f"(?<=[{_HAN}])(?:{_RUBY_GROUP})+")
_ONE_GROUP = re.compile(_RUBY_GROUP)
# "實shí現xiàn": only syllables carrying a tone mark, which ordinary text never has.
_RUBY_BARE = re.compile(
    f"(?<=[{_HAN}])[ \t]?[a-zü]*[{_TONED}][a-zü{_TONED}]*(?![A-Za-z0-9{_TONED}])"
)
_TONE_MARK = re.compile(f"[{_TONED}]")
_TONE_DIGIT = re.compile(r"[a-zü][1-5]")


def _is_pinyin(body: str) -> bool:
    words = [w for w in re.split(r"[ '’]+", body.translate(_UNTONE)) if w]
    return bool(words) and all(_SYLLABLE.fullmatch(w) for w in words)


def _strip_ruby(text: str) -> str:
    if "(" not in text and "（" not in text and not _TONE_MARK.search(text):
        return text
    # Without tone marks "(an)" or "(e)" may be list labels or abbreviations; they count as ruby
    # only on a page that annotates with tone marks elsewhere.
    toned_page = len(_TONE_MARK.findall(text)) >= 2

    def is_ruby(body: str) -> bool:
        if _TONE_MARK.search(body):
            return True
        return _is_pinyin(body) and (toned_page or bool(_TONE_DIGIT.search(body)))

    def bracketed(match: re.Match[str]) -> str:
        run = match.group()
        for group in _ONE_GROUP.finditer(run):
            if not is_ruby(group[1]):
                # The first group that is not ruby keeps itself and what follows.
                return run[group.start() :]
        return ""

    text = _RUBY_BRACKETED.sub(bracketed, text)
    return _RUBY_BARE.sub("", text)


# --- traditional → simplified -----------------------------------------------------------------

_converter_lock = threading.Lock()
_converters: dict[str, OpenCC] = {}


def _converter(config: str) -> OpenCC:
    """One OpenCC converter per configuration and process, built on first use.

    Conversion is read-only once built, so threads share a converter.  After a fork the child
    reuses the parent's finished converters; a lock a parent thread held at fork time would stay
    held in the child, hence the fresh lock after fork below.
    """
    found = _converters.get(config)
    if found is not None:
        return found
    with _converter_lock:
        if config not in _converters:
            import opencc

            _converters[config] = opencc.OpenCC(config)
        return _converters[config]


def _reset_after_fork() -> None:
    global _converter_lock
    _converter_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def to_simplified(text: str) -> str:
    converted: str = _converter("t2s").convert(text)
    return converted


@lru_cache(maxsize=1)
def _script_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Character classes of the traditional-only and the simplified-only characters.

    Computed once per process from OpenCC itself, one character at a time across the CJK
    blocks (about 28,000 characters, a few tens of milliseconds), so that counting a
    document's characters is one regular-expression scan rather than a lookup per character.
    """
    chars = [chr(code) for code in range(0x3400, 0xA000)]
    joined = "\n".join(chars)
    to_simp = _converter("t2s").convert(joined).split("\n")
    to_trad = _converter("s2t").convert(joined).split("\n")
    trad = {ch for ch, simp in zip(chars, to_simp, strict=True) if simp != ch}
    simp = {ch for ch, back in zip(chars, to_trad, strict=True) if back != ch} - trad
    return re.compile(f"[{''.join(sorted(trad))}]"), re.compile(f"[{''.join(sorted(simp))}]")


def script_counts(text: str) -> tuple[int, int]:
    """(traditional-only, simplified-only) characters in `text`."""
    trad, simp = _script_classes()
    return len(trad.findall(text)), len(simp.findall(text))


def detect_script(text: str) -> Script:
    """ "traditional" only when traditional-only characters clearly outnumber simplified ones."""
    trad, simp = script_counts(text[:50000])
    return "traditional" if trad >= 5 and trad > 2 * simp else "simplified"


def _simplify_lines(text: str) -> str:
    """Convert only lines written in traditional characters (a quoted passage, a page part).

    Converting a simplified line would do harm: OpenCC reads some simplified place names as
    traditional ("乾县" → "干县").
    """
    out = []
    for line in text.split("\n"):
        trad, simp = script_counts(line)
        out.append(to_simplified(line) if trad >= 2 and simp == 0 else line)
    return "\n".join(out)


# --- the whole preparation ----------------------------------------------------------------------


def _clean(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    text = _MOJIBAKE.sub(_repair, text)
    text = _JUNK.sub("", text)
    text = _KUNJINKAO.sub("", text)
    return _strip_ruby(text)


def _clean_fully(text: str) -> str:
    # Removing one piece of junk can complete another ("锟\ufffd斤拷"); a few passes reach the
    # fixed point that makes preparation idempotent.
    for _ in range(4):
        again = _clean(text)
        if again == text:
            break
        text = again
    return text


def prepare(text: str) -> tuple[str, Script]:
    """The prepared text, and the script the input was written in (before conversion)."""
    cleaned = _clean_fully(text)
    script = detect_script(cleaned)
    if script == "traditional":
        simplified = to_simplified(cleaned)
    else:
        simplified = _simplify_lines(cleaned)
    # Conversion can turn junk written in traditional characters ("錕斤拷") into junk the
    # cleaning knows.
    return _clean_fully(simplified), script


def prepare_text(text: str) -> str:
    """The cleaned, simplified text every extraction offset and string refers to."""
    return prepare(text)[0]

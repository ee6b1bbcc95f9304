"""What the redaction cannot read, handled on purpose instead of passed through unexamined.

The recognizers read English (Latin letters) and Hindi (Devanagari) and digits. A word in any other
script (Tamil, Bengali, Arabic, Chinese ...) could be a name or an address nobody can check, so it is
removed whole (UNCHECKED_TEXT). A question written mostly in such a script, or mostly in digits, is
refused with a message that says why and what to do: removing most of it would leave nothing to
answer, and a run of digits without words around it cannot be told from an account or ID number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pii_filter.redaction.policy import Span

READ_SCRIPTS = frozenset({"LATIN", "DEVANAGARI"})
# a refused question: at least this share of its letters in other scripts (and a few letters)
MOST_LETTERS = 0.3
FEWEST_LETTERS = 4
# a refused question: at least this share of its visible characters digits, and this many digits
MOST_DIGITS = 0.6
FEWEST_DIGITS = 16

_WORD = re.compile(r"\S+")


def script_of(char: str) -> str | None:
    """The script of a letter, from its Unicode name ("TAMIL LETTER KA" -> "TAMIL"); None otherwise."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    if name.startswith(("CJK ", "HIRAGANA", "KATAKANA")):
        return "CJK"
    return name.split(" ", 1)[0] or None


def _is_unread_letter(char: str) -> bool:
    script = script_of(char)
    return script is not None and script not in READ_SCRIPTS


def unchecked_spans(text: str) -> list[Span]:
    """Every word with a letter of a script the recognizers cannot read, as UNCHECKED_TEXT."""
    if text.isascii():
        return []
    return [
        Span("UNCHECKED_TEXT", word.start(), word.end())
        for word in _WORD.finditer(text)
        if any(_is_unread_letter(char) for char in word.group())
    ]


@dataclass(frozen=True)
class Refusal:
    """Why a text is not analysed at all: a machine-readable code and a sentence for a person."""

    code: str
    message: str


def refusal(text: str, *, what: str = "question") -> Refusal | None:
    """A Refusal for text mostly in scripts the recognizers cannot read, or mostly digits; else None."""
    letters = [char for char in text if unicodedata.category(char).startswith("L")]
    unread = [char for char in letters if _is_unread_letter(char)]
    if len(unread) >= FEWEST_LETTERS and len(unread) >= MOST_LETTERS * len(letters):
        scripts = sorted({script_of(char) or "" for char in unread})
        names = ", ".join(script.title() for script in scripts[:3])
        return Refusal(
            "unsupported_script",
            f"The {what} is mostly written in a script ({names}) that the privacy filter cannot "
            "check for personal data yet. Please write it in English or Hindi.",
        )
    visible = [char for char in text if not char.isspace()]
    digits = sum(unicodedata.decimal(char, None) is not None for char in visible)
    if digits >= FEWEST_DIGITS and digits >= MOST_DIGITS * len(visible):
        return Refusal(
            "mostly_digits",
            f"The {what} is mostly numbers, which the privacy filter cannot tell apart from account, "
            "card or ID numbers. Please describe the problem in words and leave such numbers out.",
        )
    return None

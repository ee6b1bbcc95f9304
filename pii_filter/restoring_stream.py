"""Placeholders put back into a streamed answer, piece by piece, in the gateway's memory only.

A placeholder can arrive split over two pieces ("... call <PHO" + "NE_1> today"): the tail from a `<`
that may still become one is held back until the next piece (or the end) decides. What is released is
exactly what restoring the whole answer would give, so the pieces add up to the restored answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# what may follow '<' before the '>' of a placeholder (pii_filter/redaction/placeholders.py: <LABEL_n>)
_PLACEHOLDER_BODY = re.compile(r"[\sA-Z0-9_]*")


class RestoringStream:
    """Feed redacted pieces, get restored text safe to show now; `finish` gives what was held back."""

    def __init__(self, restore: Callable[[str], str]) -> None:
        self._restore = restore
        self._held = ""
        self.released = ""  # restored text handed out so far (personal data: never logged)

    def feed(self, piece: str) -> str:
        text = self._held + piece
        start = text.rfind("<")
        if start != -1 and _PLACEHOLDER_BODY.fullmatch(text, start + 1):
            self._held, text = text[start:], text[:start]
        else:
            self._held = ""
        return self._release(text)

    def finish(self) -> str:
        text, self._held = self._held, ""
        return self._release(text)

    def _release(self, text: str) -> str:
        out = self._restore(text) if text else ""
        self.released += out
        return out

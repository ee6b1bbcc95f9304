"""The answer text as it streams: each piece written exactly as the whole answer will read once resolved.

`resolve_markers` (llm_connector/citations.py) renumbers `[n]` markers in order of first mention, drops
markers naming no passage and tidies the spaces they leave; the answer is also stripped. Applied piece
by piece, that needs three hold-backs: leading whitespace (until the first visible character), a `[`
that may still become a marker, and a run of spaces or tabs (a following `.` removes it). What has been
released is never taken back, so the pieces add up to `resolve_markers(text.strip())` exactly.
"""

from __future__ import annotations

import re

from llm_connector.citations import resolve_markers

# what may follow '[' inside a marker before its ']' (digits, separators, spaces): citations._MARKER
_MARKER_BODY = re.compile(r"[\d\s,–-]*")
_TRAILING_BLANKS = re.compile(r"[ \t]+$")
_TRAILING_SPACE = re.compile(r"\s+$")


class AnswerStream:
    """Feed raw pieces, get the resolved text that is safe to show now; `finish` gives the rest."""

    def __init__(self, passage_count: int) -> None:
        self.passage_count = passage_count
        self.cited: list[int] = []
        self._started = False  # a visible character was seen (leading whitespace is dropped)
        self._space = ""  # trailing whitespace of the raw text, released once more text follows
        self._marker = ""  # from a '[' that may still become a marker
        self._blanks = ""  # trailing spaces or tabs of the resolved text
        self.released = ""

    def feed(self, piece: str) -> str:
        """The text that can be shown after this piece (may be empty)."""
        if not self._started:
            piece = piece.lstrip()
            if not piece:
                return ""
            self._started = True
        text = self._space + piece
        match = _TRAILING_SPACE.search(text)
        self._space = match.group(0) if match else ""
        text = text[: match.start()] if match else text
        return self._release(self._markers(text))

    def finish(self) -> str:
        """What was held back (trailing whitespace is dropped, as strip() does)."""
        tail = self._resolve(self._marker)
        self._marker = ""
        out = self._tidy(self._blanks + tail, final=True)
        self._blanks = ""
        self.released += out
        return out

    def _markers(self, text: str) -> str:
        """Resolve complete markers; keep back a '[' whose marker may continue in the next piece."""
        text = self._marker + text
        start = text.rfind("[")
        if start != -1 and _MARKER_BODY.fullmatch(text, start + 1):
            self._marker = text[start:]
            text = text[:start]
        else:
            self._marker = ""
        return self._resolve(text)

    def _resolve(self, text: str) -> str:
        if not text:
            return ""
        renumbered, self.cited = resolve_markers(text, self.passage_count, cited=self.cited, tidy=False)
        return renumbered

    def _release(self, text: str) -> str:
        out = self._tidy(self._blanks + text, final=False)
        self.released += out
        return out

    def _tidy(self, text: str, *, final: bool) -> str:
        """The spacing rules of resolve_markers, holding back trailing blanks unless `final`."""
        if not final:
            match = _TRAILING_BLANKS.search(text)
            self._blanks = match.group(0) if match else ""
            text = text[: match.start()] if match else text
        return re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", text))


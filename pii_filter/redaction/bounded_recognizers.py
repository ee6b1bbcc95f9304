"""Presidio recognizers whose stock patterns take quadratic time on hostile input, with bounded ones.

Presidio's email pattern scans every word start to the end of a run of local-part characters before
failing ("a-a-a-...@" of 2,000 characters took a second), and its weakest PAN pattern looks ahead to
the end of the text from every word boundary. The patterns below start only where a run of the
characters they match starts and never look further than the longest value they accept, so their cost
grows linearly with the text (tests/pii_filter/test_redaction_cost.py measures every recognizer).
"""

from __future__ import annotations

import bisect
import re

from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer, InPanRecognizer, PhoneRecognizer

from pii_filter.redaction.lexicon import english_zipf

_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]"
_LOCAL_OR_DOT = r"[\w.!#$%&'*+/=?^`{|}~-]"
_LABEL = r"\w(?:[\w-]{0,61}\w)?"
_HOLDER = "[ABCFGHJLPTabcfghjlpt]"


class BoundedEmailRecognizer(EmailRecognizer):
    """Email addresses (local part at most 64 characters, as RFC 5321 allows); tldextract validates."""

    PATTERNS = [  # noqa: RUF012 (Presidio declares PATTERNS as a plain class attribute)
        Pattern(
            "email, bounded",
            rf"(?<!{_LOCAL}){_LOCAL}(?:{_LOCAL_OR_DOT}{{0,62}}{_LOCAL})?@(?:{_LABEL}\.){{1,8}}"
            rf"[^\W\d_]{{2,24}}(?![\w-])",
            0.5,
        )
    ]


class BoundedPanRecognizer(InPanRecognizer):
    """PAN: five letters, four digits, a letter; a space or hyphen may split the groups ("ABCPV 1234 D").

    The fourth letter names the holder's kind (P person, C company, ...): a strong match; any other
    letter there is a weak one that only a context word ("PAN") lifts.
    """

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        """ "March 2024 I" has a PAN's shape once spaces may split it: a spaced PAN's letters are not
        an English word."""
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [result for result in found if not _spaced_word(text[result.start : result.end])]

    PATTERNS = [  # noqa: RUF012
        Pattern("PAN (holder letter)", rf"\b[A-Za-z]{{3}}{_HOLDER}[A-Za-z][ -]?\d{{4}}[ -]?[A-Za-z]\b", 0.5),
        Pattern("PAN (shape only)", r"\b[A-Za-z]{5}[ -]?\d{4}[ -]?[A-Za-z]\b", 0.1),
    ]


def _spaced_word(value: str) -> bool:
    head = re.match(r"([A-Za-z]{5})[ -]", value)
    return bool(head) and english_zipf(head.group(1).casefold()) >= 3.0  # type: ignore[union-attr]


# a run of digits and the characters phone numbers are written with; in the analysis copy the
# separators between two digits are already single spaces (normalise.py)
_NUMBER_RUN = re.compile(r"[+(]*\d[\d ()+.-]*")
_FEWEST_DIGITS = 7  # the shortest subscriber numbers libphonenumber accepts anywhere
_CONTEXT_CHARS = 8
# a seller's toll-free (1800) or shared-cost (1860) line: printed on every bill, nobody's own number
_TOLL_FREE = re.compile(r"(?:\+?91[ -]?)?0?18[06]0")
_WINDOW_CHARS = 48  # twice the longest phone number written with a separator between every digit


class BoundedPhoneRecognizer(PhoneRecognizer):
    """libphonenumber's matcher, run on each run of number characters instead of the whole text.

    On one long run ("1 1 1 1 ...") the matcher's cost grows with the square of its length; a run
    longer than a window is read in overlapping windows that start and end at a separator, so every
    number of up to half a window lies wholly inside one of them.
    """

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for start, end in self._windows(text):
            piece_start = max(0, start - _CONTEXT_CHARS)
            piece = text[piece_start : min(len(text), end + _CONTEXT_CHARS)]
            for found in super().analyze(piece, entities, nlp_artifacts=None):  # type: ignore[arg-type]
                found.start += piece_start
                found.end += piece_start
                results.append(found)
        unique = {(r.start, r.end): r for r in results if not _TOLL_FREE.match(text, r.start)}
        return EntityRecognizer.remove_duplicates(list(unique.values()))

    @staticmethod
    def _windows(text: str) -> list[tuple[int, int]]:
        windows = []
        for run in _NUMBER_RUN.finditer(text):
            if sum(char.isdigit() for char in run.group()) < _FEWEST_DIGITS:
                continue
            start, end = run.start(), run.end()
            cuts = [start + m.end() for m in re.finditer(r"[ ()+.-]+", run.group())]
            begin = start
            while end - begin > _WINDOW_CHARS:
                stop = _last_cut(cuts, begin, begin + _WINDOW_CHARS) or begin + _WINDOW_CHARS
                windows.append((begin, stop))
                begin = _last_cut(cuts, begin, begin + _WINDOW_CHARS // 2) or stop
            windows.append((begin, end))
        return windows


def _last_cut(cuts: list[int], after: int, limit: int) -> int | None:
    """The last cut in (after, limit] of the sorted cuts, if any."""
    index = bisect.bisect_right(cuts, limit) - 1
    return cuts[index] if index >= 0 and cuts[index] > after else None

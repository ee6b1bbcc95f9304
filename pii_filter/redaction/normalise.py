"""The copy of a question the analyzer reads, and the way back from its offsets to the original's.

People (and people dodging filters) write identifiers with invisible characters inside, full-width or
other-script digits, odd spaces and separators. The analyzer reads a normalised copy: Unicode NFKC,
format and control characters removed, decimal digits of every script as ASCII, whitespace runs folded,
and a separator between two digits ("2345.6789", "4111_1111", "98765 - 43210") or a line break
inside a wrapped number as one space. Every character of the copy remembers which
stretch of the original it came from, so a span found in the copy removes the whole original value,
the invisible characters inside and around it included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Default_Ignorable_Code_Point characters that are not of category Cf (Hangul fillers, variation
# selectors, the combining grapheme joiner, Mongolian selectors, Khmer inherent vowels).
_IGNORABLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)
_KEPT_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
# ASCII text without control characters, tabs or repeated spaces needs no work at all
_NEEDS_WORK = re.compile(r"[^\x20-\x7e\n]|[ \n]{2}|\d(?:[-._/]| ?- ?)\d|\d ?\n ?\d")
# "2345.6789", "4111_1111", "98765 - 43210"; not " / ", which lists two numbers
_DIGIT_GAP = re.compile(r"(?<=\d)(?:[-._/]| ?- ?)(?=\d)")
# a number wrapped onto the next line ("Mobile: 99001\n23456", "4567 8901\n2341"): groups of three
# to five digits on both sides, so a PIN code on the next line stays apart, and on neither side a whole
# mobile number (ten digits, in groups or not): two numbers listed line by line stay two
_WRAPPED_DIGITS = re.compile(
    r"(?<!\d)(?<!\d )(?P<before>(?:\d{1,5} )*\d{3,5})(?P<gap> ?\n ?)(?P<after>\d{3,5}(?: \d{1,5})*)(?![\d])"
)
_WHOLE_NUMBER_DIGITS = 10


def is_invisible(char: str) -> bool:
    """Characters that change nothing a reader sees: format (Cf), control, default-ignorable."""
    category = unicodedata.category(char)
    if category == "Cf":
        return True
    if category == "Cc":
        return char not in _KEPT_CONTROLS
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


@dataclass(frozen=True)
class NormalisedText:
    """`text` is what the analyzer reads; character i of it came from original[starts[i]:ends[i]]."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def identity(cls, original: str) -> NormalisedText:
        return cls(original, original, tuple(range(len(original))), tuple(range(1, len(original) + 1)))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original stretch a span of the copy came from, widened over invisible characters
        touching it, so nothing of the value (not even a zero-width space) stays behind."""
        if end <= start:
            raise ValueError("empty span")
        first, last = self.starts[start], self.ends[end - 1]
        while first > 0 and is_invisible(self.original[first - 1]):
            first -= 1
        while last < len(self.original) and is_invisible(self.original[last]):
            last += 1
        return first, last

    def rewrite(self, replacements: Iterable[tuple[int, int, str]]) -> NormalisedText:
        """A further copy in which text[start:end] reads as the replacement (sorted, non-overlapping);
        every replacement character maps to the original stretch of what it replaced."""
        pieces = _Pieces()
        cursor = 0
        for start, end, new in replacements:
            for i in range(cursor, start):
                pieces.add(self.text[i], self.starts[i], self.ends[i])
            if end > start:
                for char in new:
                    pieces.add(char, self.starts[start], self.ends[end - 1])
            cursor = end
        for i in range(cursor, len(self.text)):
            pieces.add(self.text[i], self.starts[i], self.ends[i])
        return pieces.build(self.original)


class _Pieces:
    """Collects output characters with the original stretch each came from."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, chars: str, start: int, end: int) -> None:
        for char in chars:
            self.chars.append(char)
            self.starts.append(start)
            self.ends.append(end)

    def build(self, original: str) -> NormalisedText:
        return NormalisedText(original, "".join(self.chars), tuple(self.starts), tuple(self.ends))


def normalise(original: str) -> NormalisedText:
    """The analysis copy of `original` (see the module docstring)."""
    if not _NEEDS_WORK.search(original):
        return NormalisedText.identity(original)
    unicode_folded = _fold_unicode(original)
    return _fold_spacing(unicode_folded)


def _fold_unicode(original: str) -> NormalisedText:
    """NFKC per base character with its combining marks, invisible characters dropped, digits ASCII."""
    pieces = _Pieces()
    length = len(original)
    i = 0
    while i < length:
        char = original[i]
        if is_invisible(char):
            i += 1
            continue
        end = i + 1
        while end < length and (
            unicodedata.category(original[end]).startswith("M") or is_invisible(original[end])
        ):
            end += 1
        cluster = "".join(c for c in original[i:end] if not is_invisible(c))
        for out in unicodedata.normalize("NFKC", cluster):
            digit = unicodedata.decimal(out, None)
            if digit is not None:
                out = str(digit)
            elif out.isspace():
                out = "\n" if out in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029" else " "
            pieces.add(out, i, end)
        i = end
    return pieces.build(original)


def _fold_spacing(copy: NormalisedText) -> NormalisedText:
    """Whitespace runs become one space (or one newline if they hold one); the separators between two
    digits ("2345.6789", "98765 - 43210", "4111_1111") become one space."""
    replacements: list[tuple[int, int, str]] = []
    for run in re.finditer(r"\s{2,}", copy.text):
        replacements.append((run.start(), run.end(), "\n" if "\n" in run.group() else " "))
    folded = copy.rewrite(replacements) if replacements else copy
    gaps = [(m.start(), m.end(), " ") for m in _DIGIT_GAP.finditer(folded.text)]
    gaps += [
        (m.start("gap"), m.end("gap"), " ")
        for m in _WRAPPED_DIGITS.finditer(folded.text)
        if max(_digits(m.group("before")), _digits(m.group("after"))) < _WHOLE_NUMBER_DIGITS
    ]
    gaps.sort()
    return folded.rewrite(gaps) if gaps else folded


def _digits(text: str) -> int:
    return sum(char.isdigit() for char in text)


_PUNCTUATION_RUN = re.compile(r"[^\w\s]{3,}")
_LONG_CHUNK = re.compile(r"\S{33,}")
_CHUNK_PIECE = 16


def ner_view(text: str) -> str:
    """What spaCy reads: the analysis copy with runs of punctuation blanked and chunks without spaces
    cut every 16 characters, at the same offsets. spaCy's tokenizer splits affixes off a chunk one at a
    time, in time quadratic in its length (2,000 apostrophes took a second); no name is that long."""
    text = _PUNCTUATION_RUN.sub(lambda m: " " * len(m.group()), text)
    return _LONG_CHUNK.sub(
        lambda m: " ".join(
            m.group()[i : i + _CHUNK_PIECE - 1] for i in range(0, len(m.group()), _CHUNK_PIECE)
        )[: len(m.group())],
        text,
    )

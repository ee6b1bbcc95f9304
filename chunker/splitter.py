"""Packs structural pieces into chunks that fit the embedding model, splitting long ones with overlap.

Sizes are measured in the model's own word pieces (all-MiniLM-L6-v2 reads at most 256 including
[CLS] and [SEP]; anything beyond is silently ignored, so it would be indexed but never embedded).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chunker.statute import Piece
from common.samples import SAMPLE_MARK

SPECIAL_TOKENS = 2
SENTENCE_END = re.compile(r"(?<=[.;:—])\s+(?=\S)")


class TokenCounter:
    """Counts word pieces with the embedding model's tokenizer (tokenizer.json only, no model)."""

    def __init__(self, model_path: str = "") -> None:
        from tokenizers import Tokenizer

        if not model_path:
            from common.embedding import default_model_path

            model_path = default_model_path()
        self._tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self._counts: dict[str, int] = {}  # packing asks about the same pieces several times

    def __call__(self, text: str) -> int:
        count = self._counts.get(text)
        if count is None:
            count = len(self._tokenizer.encode(text, add_special_tokens=False).ids)
            self._remember({text: count})
        return count

    def prime(self, texts: list[str]) -> None:
        """Count many texts in one call (the tokenizer spreads it over the cores)."""
        new = [t for t in dict.fromkeys(texts) if t not in self._counts]
        encodings = self._tokenizer.encode_batch(new, add_special_tokens=False)
        self._remember({text: len(e.ids) for text, e in zip(new, encodings, strict=True)})

    def _remember(self, counts: dict[str, int]) -> None:
        if len(self._counts) + len(counts) > 50_000:  # bounded: a long-running chunker sees many texts
            self._counts.clear()
        self._counts.update(counts)

    def head(self, text: str, tokens: int) -> str:
        """The longest prefix of `text` with at most `tokens` word pieces, cut between words."""
        offsets = self._tokenizer.encode(text, add_special_tokens=False).offsets
        if len(offsets) <= tokens:
            return text
        end = offsets[tokens][0]
        space = text.rfind(" ", 0, end)
        return text[: space if space > 0 else end].rstrip()


@dataclass
class Window:
    """The pieces of one chunk."""

    pieces: list[Piece]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pieces)


CUT = "…"  # marks where a sentence too long for one chunk was cut between words, on both sides of the cut


def _fragments(piece: Piece, budget: int, count: TokenCounter) -> list[Piece]:
    """A piece too long for one chunk, cut at sentence/clause ends, else between words; a sentence cut
    between words ends in CUT and its rest starts with it, so no reader takes a fragment for a sentence
    (65(3)'s "Commission, as the case may be, shall declare ..."). Every fragment of a sample line keeps
    its SAMPLE_MARK (common/samples.py)."""
    mark = SAMPLE_MARK if piece.text.startswith(SAMPLE_MARK) else ""
    out: list[Piece] = []
    for n, sentence in enumerate(SENTENCE_END.split(piece.text)):
        sentence = f"{mark}{sentence}" if n and mark else sentence
        while count(sentence) > budget:
            head = count.head(sentence, budget - count(CUT))
            out.append(Piece(f"{head} {CUT}", piece.page))
            sentence = f"{mark}{CUT} {sentence[len(head) :].lstrip()}"
        if sentence:
            out.append(Piece(sentence, piece.page))
    return out


def pack(pieces: list[Piece], *, budget: int, overlap: int, count: TokenCounter) -> list[Window]:
    """Greedy windows of consecutive pieces up to `budget` tokens; a new window repeats up to
    `overlap` tokens of trailing pieces from the previous one, so no sentence loses its context."""
    units: list[Piece] = []
    for piece in pieces:
        units.extend(_fragments(piece, budget, count) if count(piece.text) > budget else [piece])
    sizes = [count(u.text) + 1 for u in units]
    windows: list[Window] = []
    start = 0
    while start < len(units):
        end, used = start, 0
        while end < len(units) and (end == start or used + sizes[end] <= budget):
            used += sizes[end]
            end += 1
        windows.append(Window(units[start:end]))
        if end >= len(units):
            break
        back, carried = end, 0
        while back - 1 > start and carried + sizes[back - 1] <= overlap:
            back -= 1
            carried += sizes[back]
        start = back
    return windows


def fits(pieces: list[Piece], budget: int, count: TokenCounter) -> bool:
    """Whether the pieces joined by newlines fit. BERT's pre-tokenizer splits at whitespace, so the
    joined text has exactly the sum of the pieces' word pieces (tests check this on the Act)."""
    return sum(count(p.text) for p in pieces) <= budget


def body_budget(heading: str, *, target: int, maximum: int, count: Callable[[str], int]) -> int:
    """Tokens left for the text once the heading and [CLS]/[SEP] are counted."""
    return max(32, min(target, maximum - SPECIAL_TOKENS) - count(heading) - 1)

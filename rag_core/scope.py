"""Is the question about consumer rights at all? Nearest written examples decide, not shared words.

A divorce, a stolen chain or a tax refund shares words with the Consumer Protection Act ("mutual",
"complaint", "refund", a city's name), so the best passage's cosine alone passes it. The question is
compared instead with examples of what the assistant is for and what it is not for
(scope_examples.txt): it is out of scope when its nearest out-of-scope examples are closer than its
nearest in-scope ones. The examples are embedded once, with the same model as the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common.embedding import Embedder

EXAMPLES = Path(__file__).with_name("scope_examples.txt")


def read_examples(path: Path = EXAMPLES) -> tuple[list[str], list[str]]:
    """(in-scope, out-of-scope) example questions; `#` lines are comments."""
    inside: list[str] = []
    outside: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition(":")
        if line.startswith("#") or not text.strip():
            continue
        (inside if label.strip() == "in" else outside).append(text.strip())
    return inside, outside


@dataclass(frozen=True)
class ScopeCheck:
    """Compares a question vector with the examples; `nearest` examples per side are averaged."""

    inside: np.ndarray
    outside: np.ndarray
    nearest: int = 3
    margin: float = 0.0

    @classmethod
    def build(
        cls, embedder: Embedder, *, path: Path = EXAMPLES, nearest: int = 3, margin: float = 0.0
    ) -> ScopeCheck:
        inside, outside = read_examples(path)
        vectors = embedder.embed(inside + outside)
        return cls(vectors[: len(inside)], vectors[len(inside) :], nearest=nearest, margin=margin)

    def closeness(self, vector: np.ndarray) -> tuple[float, float]:
        """(mean cosine of the nearest in-scope examples, the same for out-of-scope ones)."""

        def mean_top(matrix: np.ndarray) -> float:
            if not len(matrix):
                return 0.0
            similarities = matrix @ vector
            n = min(self.nearest, len(similarities))
            return float(np.sort(similarities)[-n:].mean())

        return mean_top(self.inside), mean_top(self.outside)

    def out_of_scope(self, vector: np.ndarray) -> bool:
        inside, outside = self.closeness(vector)
        return outside > inside + self.margin

"""Is the question about consumer rights at all? Nearest written examples decide, not shared words.

A divorce, a stolen chain or a tax refund shares words with the Consumer Protection Act ("mutual",
"complaint", "refund", a city's name), so the best passage's cosine alone passes it. The question is
compared instead with examples of what the assistant is for and what it is not for
(scope_examples.txt): it is out of scope when its nearest out-of-scope examples are closer than its
nearest in-scope ones. Near a tie (another law's appeal or limitation period reads like the Act's), a
logistic regression trained on all the examples' vectors tips the balance by at most `lean`: it weighs
the directions that separate the two sides (tax, a tribunal, a cheque's drawer) rather than the
question's shape. A question that names another law's forum or instrument and nothing of the Act's
(rag_core.scope_words) leans out of scope by `other_law_lean` more. The examples are embedded once, with
the same model as the question. A question on the in-scope side by at least `sure_margin` is a consumer's
question even when no passage of the index is close (a hotel, a resort, a jeweller: the Act and the guides
name few trades), so the Retriever does not refuse it for its best passage's score alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common.embedding import Embedder
from rag_core.scope_words import names_other_law

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


def logistic_regression(
    inside: np.ndarray, outside: np.ndarray, *, scale: float = 10.0, l2: float = 0.01, steps: int = 500
) -> tuple[np.ndarray, float]:
    """(weights, bias) of P(out of scope) over unit vectors times `scale`; both sides weigh the same.

    Full-batch gradient descent from zero, so the same examples always give the same weights."""
    x = np.vstack([inside, outside]).astype(np.float64) * scale
    y = np.r_[np.zeros(len(inside)), np.ones(len(outside))]
    balance = np.where(y == 1, len(y) / (2 * len(outside)), len(y) / (2 * len(inside)))
    weights, bias = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        error = (1 / (1 + np.exp(-(x @ weights + bias))) - y) * balance
        weights -= x.T @ error / len(y) + l2 * weights
        bias -= float(error.mean())
    return weights * scale, bias  # applies to unit vectors directly


@dataclass(frozen=True)
class ScopeCheck:
    """Compares a question vector with the examples; `nearest` examples per side are averaged."""

    inside: np.ndarray
    outside: np.ndarray
    nearest: int = 3
    margin: float = 0.0
    weights: np.ndarray | None = None
    bias: float = 0.0
    lean: float = 0.04
    other_law_lean: float = 0.1
    sure_margin: float = 0.1

    @classmethod
    def build(
        cls,
        embedder: Embedder,
        *,
        path: Path = EXAMPLES,
        nearest: int = 3,
        margin: float = 0.0,
        lean: float = 0.04,
        other_law_lean: float = 0.1,
        sure_margin: float = 0.1,
    ) -> ScopeCheck:
        inside, outside = read_examples(path)
        vectors = embedder.embed(inside + outside)
        inside_vectors, outside_vectors = vectors[: len(inside)], vectors[len(inside) :]
        weights, bias = (None, 0.0)
        if lean and len(inside) and len(outside):
            weights, bias = logistic_regression(inside_vectors, outside_vectors)
        return cls(
            inside_vectors,
            outside_vectors,
            nearest=nearest,
            margin=margin,
            weights=weights,
            bias=bias,
            lean=lean,
            other_law_lean=other_law_lean,
            sure_margin=sure_margin,
        )

    def closeness(self, vector: np.ndarray) -> tuple[float, float]:
        """(mean cosine of the nearest in-scope examples, the same for out-of-scope ones)."""

        def mean_top(matrix: np.ndarray) -> float:
            if not len(matrix):
                return 0.0
            similarities = matrix @ vector
            n = min(self.nearest, len(similarities))
            return float(np.sort(similarities)[-n:].mean())

        return mean_top(self.inside), mean_top(self.outside)

    def tilt(self, vector: np.ndarray) -> float:
        """The classifier's vote in (-lean, lean): positive leans out of scope."""
        if self.weights is None:
            return 0.0
        return self.lean * float(np.tanh((vector @ self.weights + self.bias) / 4))

    def words_lean(self, text: str) -> float:
        """`other_law_lean` when the text names another law's forum or instrument and nothing of the Act's."""
        return self.other_law_lean if text and names_other_law(text) else 0.0

    def inside_by(self, vector: np.ndarray, text: str = "") -> float:
        """How far the question sits on the in-scope side of the line (negative: out of scope)."""
        inside, outside = self.closeness(vector)
        return inside + self.margin - (outside + self.tilt(vector) + self.words_lean(text))

    def out_of_scope(self, vector: np.ndarray, text: str = "") -> bool:
        """`text` is what `vector` embeds; without it only the vector decides."""
        return self.inside_by(vector, text) < 0

    def surely_in_scope(self, vector: np.ndarray, text: str = "") -> bool:
        """In scope by at least `sure_margin`: the examples decide, whatever the index holds."""
        return self.inside_by(vector, text) >= self.sure_margin

"""Whether a "what can I do?" story is about a service or about goods, by the Act's own definitions.

The answer should name the kind of wrong: a poor service is a "deficiency" (section 2(11)), faulty goods a
"defect" (section 2(10)). No retrieved passage says "deficiency" of a courier, a hospital or a photographer,
so such a story is brought the passage that names the kind (common.remedy.names_deficiency); a goods story
must not be, so the story must be nearer the definitions of "service" (2(42)) and "deficiency" than those of
"goods" (2(21)) and "defect", by the embedding the retrieval already computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rag_core.index import IndexSnapshot

SERVICE_TERMS = ("service", "deficiency")
GOODS_TERMS = ("goods", "defect")


def _defining(records: Sequence[dict[str, Any]], term: str) -> int | None:
    """The first chunk of the Act's clause defining `term` (its lead-in: "(42) "service" means ...")."""
    return next((i for i, r in enumerate(records) if str(r.get("defines", "")).lower() == term), None)


def about_service(snapshot: IndexSnapshot, vector: Any, *, margin: float) -> bool:
    """Whether the story is nearer the Act's service and deficiency than its goods and defect by `margin`
    (cosines summed); False when the index holds no such definitions."""
    service = [_defining(snapshot.records, term) for term in SERVICE_TERMS]
    goods = [_defining(snapshot.records, term) for term in GOODS_TERMS]
    if None in service or None in goods:
        return False
    cosine = snapshot.similarities(vector, [i for i in service + goods if i is not None])
    return sum(cosine[i] for i in service if i is not None) - sum(
        cosine[i] for i in goods if i is not None
    ) > margin


def with_rest(
    fused: Sequence[tuple[int, float]], snapshot: IndexSnapshot, vector: Any, *, wanted: Callable[[str], bool]
) -> list[tuple[int, float]]:
    """The fused ranking, then the `wanted` chunks it did not reach, nearest first (score 0): the passage
    naming the kind is seldom among a story's candidates."""
    seen = {i for i, _ in fused}
    rest = [i for i, r in enumerate(snapshot.records) if i not in seen and wanted(str(r["text"]))]
    cosine = snapshot.similarities(vector, rest)
    return [*fused, *((i, 0.0) for i in sorted(rest, key=lambda i: -cosine.get(i, 0.0)))]

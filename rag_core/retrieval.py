"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates fused by reciprocal rank.

Dense vectors find paraphrases ("time limit" for "limitation period"); BM25 finds the exact words
of a statute ("defect", "mediator", "e-commerce") that a small embedding model blurs; a question
that names a defined term also ranks the clause defining it (rag_core.terms). Reciprocal rank
fusion needs no score calibration between the rankings. Each passage's `score` is its cosine
similarity to the question, and the query is "no context" when the best one is below the
relevance threshold (chosen from data, see docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.embedding import Embedder, load_embedder
from common.messages import Passage
from common.remedy import asks_remedy, names_deficiency, states_remedy
from rag_core.index import IndexSnapshot, SnapshotWatcher
from rag_core.kinds import about_service, with_rest
from rag_core.links import linked
from rag_core.question import follow_up_text
from rag_core.scope import ScopeCheck
from rag_core.settings import RagSettings
from rag_core.terms import defining
from rag_core.units import group, passage_for, with_extra, with_one

log = logging.getLogger(__name__)


class IndexUnavailable(RuntimeError):
    """No index snapshot has been built yet (or none could be opened)."""


@dataclass(frozen=True)
class RetrievalResult:
    """The passages for one question, best first, and which snapshot answered."""

    passages: list[Passage]
    no_context: bool
    index_version: str
    best_score: float = 0.0
    out_of_scope: bool = False
    timings_ms: dict[str, float] = field(default_factory=dict)


def fuse(rankings: list[list[int]], *, k: int) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: sum of 1/(k + rank) over the rankings an item appears in."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def by_best_piece(
    dense: list[tuple[int, float]], pieces: list[tuple[int, float]], *, n: int
) -> list[tuple[int, float]]:
    """The dense ranking of chunks by the better of their own cosine and their best clause's (small-to-big:
    a clause's vector is not diluted by the rest of a long definition; the chunk still fills the slot)."""
    best = dict(dense)
    for index, cosine in pieces:
        if cosine > best.get(index, -1.0):
            best[index] = cosine
    return sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))[:n]


def to_passage(record: dict[str, Any], score: float) -> Passage:
    return Passage(
        chunk_id=record["chunk_id"],
        text=record["text"],
        source=record["source"],
        act=record.get("act", ""),
        chapter=record.get("chapter", ""),
        section=record.get("section", ""),
        title=record.get("title", ""),
        page=record.get("page", ""),
        score=round(score, 4),
        sample=bool(record.get("sample")),
    )


class Retriever:
    """Thread-safe: the model is loaded once and each query reads one immutable snapshot."""

    def __init__(
        self,
        *,
        embedder: Embedder,
        index_dir: Path,
        relevance_threshold: float,
        candidates: int = 40,
        rrf_k: int = 60,
        hybrid: bool = True,
        term_lookup: bool = True,
        unit_chars: int = 1800,
        law_first: bool = False,
        guide_links: int = 0,
        small_to_big: bool = True,
        scope_check: bool = True,
        service_margin: float = 0.15,
        check_interval_s: float = 1.0,
    ) -> None:
        self.embedder = embedder
        self.watcher = SnapshotWatcher(index_dir, check_interval_s=check_interval_s)
        self.relevance_threshold = relevance_threshold
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.hybrid = hybrid
        self.term_lookup = term_lookup
        self.unit_chars = unit_chars
        self.law_first = law_first
        self.guide_links = guide_links
        self.small_to_big = small_to_big
        self.service_margin = service_margin
        self.scope = ScopeCheck.build(embedder) if scope_check else None
        self.watcher.current()  # opens the index if it exists; an empty index is fine at start-up

    @classmethod
    def from_settings(cls, settings: RagSettings) -> Retriever:
        embedder = load_embedder(
            model_path=settings.embedding_model_path,
            backend=settings.embedding_backend,
            cache_dir=settings.embedding_cache_dir,
            threads=settings.embedding_threads,
        )
        return cls(
            embedder=embedder,
            index_dir=Path(settings.index_dir),
            relevance_threshold=settings.relevance_threshold,
            candidates=settings.candidates,
            rrf_k=settings.rrf_k,
            hybrid=settings.hybrid,
            term_lookup=settings.term_lookup,
            unit_chars=settings.unit_chars,
            guide_links=settings.guide_links,
            law_first=settings.law_first,
            small_to_big=settings.small_to_big,
            scope_check=settings.scope_check,
            service_margin=settings.service_margin,
            check_interval_s=settings.index_check_interval_s,
        )

    @property
    def index_version(self) -> str:
        snapshot = self.watcher.current()
        return snapshot.snapshot_id if snapshot else ""

    def retrieve(self, question: str, *, k: int = 5, earlier: Sequence[str] = ()) -> RetrievalResult:
        """The top-k passages for `question` (a follow-up of the `earlier` questions, oldest first, searched
        with them: rag_core.question.follow_up_text); raises IndexUnavailable before the first build."""
        snapshot = self.watcher.current()
        if snapshot is None:
            raise IndexUnavailable(f"no index snapshot in {self.watcher.index_dir} yet")
        started = time.perf_counter()
        text = follow_up_text(question, earlier, count_tokens=self.embedder.count_tokens)
        vector = self.embedder.embed([text])[0]
        embedded = time.perf_counter()
        fused, similarity = self._rank(snapshot, text, vector)
        units = group(fused, snapshot.records, k=k, law_first=self.law_first)
        if asks_remedy(question):  # one passage says where to complain and by when
            units = with_one(
                units, fused, snapshot.records, k=k, wanted=states_remedy, law_first=self.law_first
            )
            if about_service(snapshot, vector, margin=self.service_margin):  # the Act's name for the wrong
                units = with_extra(
                    units, with_rest(fused, snapshot, vector, wanted=names_deficiency), snapshot.records,
                    wanted=names_deficiency,
                )
        chosen = [i for unit in units for i, _ in unit.members]
        similarity.update(snapshot.similarities(vector, [i for i in chosen if i not in similarity]))
        best = max(similarity.values(), default=0.0)
        out_of_scope = self.scope is not None and self.scope.out_of_scope(vector, text)
        # the threshold refuses what the index cannot answer, unless the examples are sure it is a consumer's
        unsupported = best < self.relevance_threshold and not (
            self.scope is not None and self.scope.surely_in_scope(vector, text)
        )
        passages = [
            passage_for(unit, snapshot.records, similarity, budget_chars=self.unit_chars) for unit in units
        ]
        done = time.perf_counter()
        return RetrievalResult(
            passages=passages,
            no_context=out_of_scope or unsupported,
            index_version=snapshot.snapshot_id,
            best_score=best,
            out_of_scope=out_of_scope,
            timings_ms={"embed": (embedded - started) * 1000, "search": (done - embedded) * 1000},
        )

    def _rank(
        self, snapshot: IndexSnapshot, text: str, vector: Any
    ) -> tuple[list[tuple[int, float]], dict[int, float]]:
        """Candidate chunks, best first, with a fusion score; and the cosine of those the dense search saw."""
        dense = snapshot.dense(vector, self.candidates)
        similarity = dict(dense)  # the chunks' own cosines: the no-context threshold reads these
        if self.small_to_big:
            dense = by_best_piece(dense, snapshot.piece_dense(vector, 3 * self.candidates), n=self.candidates)
        if not self.hybrid:
            return dense, similarity
        lexical = snapshot.lexical(text, self.candidates)
        rankings = [[i for i, _ in dense], [i for i, _ in lexical]]
        if self.term_lookup:
            rankings.append(defining(text, snapshot.definitions))
        fused = fuse(rankings, k=self.rrf_k)
        if self.guide_links:
            rankings.append(linked(fused, snapshot.records, snapshot.statute_units, guides=self.guide_links))
            fused = fuse(rankings, k=self.rrf_k)
        return fused, similarity

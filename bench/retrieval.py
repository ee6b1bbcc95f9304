"""`python -m bench.retrieval` (make bench-retrieval): coverage@k of the naive pipeline and ours, one run.

coverage@k = share of the ground-truth passage's distinct words that occur in the first 4,000
characters of the top-k passages' text (what an LLM would be given), averaged over questions.
Both pipelines index the Act PDF only and use the same embedding model on the same machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ACT = ROOT.parent / "shared" / "corpus" / "consumer_protection_act_2019.pdf"
GOLDEN = ROOT.parent / "shared" / "eval" / "golden_dev.csv"
CONTEXT_CHARS = 4000
OFF_TOPIC = [
    "What is the capital of France?",
    "Give me a recipe for chicken biryani.",
    "Who won the football world cup in 2018?",
    "How do I change a flat tyre on my bicycle?",
    "What is the boiling point of water at sea level?",
    "Write a poem about the monsoon.",
    "How many moons does Jupiter have?",
    "Explain how a neural network is trained.",
    "What is the best time to plant tomatoes?",
    "Translate 'good morning' into Japanese.",
]
# consumer questions in everyday words, written for the threshold check (not in the dev set)
EVERYDAY = [
    "The shop will not refund my broken phone, what can I do?",
    "Can I complain if an online seller sent me a fake product?",
    "My flight was cancelled and the airline kept my money",
    "Where do I file a case against a builder who delayed my flat?",
    "Is there a fee to file a consumer case?",
    "The hospital was negligent, can I claim compensation?",
    "A celebrity advertised a cream that did not work",
    "How do I appeal if I lose in the district forum?",
]


def words(text: str) -> set[str]:
    text = text.lower().replace("’", "'").replace("“", '"').replace("”", '"')
    return set(re.findall(r"[a-z0-9]+", text))


def coverage(truth: str, passages: list[str]) -> float:
    """Share of the truth's words found in the first 4,000 characters of the passages."""
    context = words("\n\n".join(passages)[:CONTEXT_CHARS])
    expected = words(truth)
    return len(expected & context) / len(expected) if expected else 0.0


def golden(path: Path = GOLDEN) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


INTRO = """`python -m bench.retrieval` (`make bench-retrieval`; `--write-docs` rewrites this section).
Both pipelines
index only `../shared/corpus/consumer_protection_act_2019.pdf` and answer the 10 questions of
`../shared/eval/golden_dev.csv` in the same process. coverage@k = share of the ground-truth passage's
distinct words found in the first 4,000 characters of the top-k passages' text, averaged over questions;
"≥0.8" counts questions at or above 0.8. Naive = 500-character windows with 50 overlap, dense top-k,
torch. Ours = structure-aware chunks (a section when it fits in 200 word pieces, otherwise packed
sub-sections; one chunk per defined term in section 2; split with 40-token overlap; heading with act,
chapter, section and title embedded with the text), hybrid retrieval (Chroma dense + bm25s with
Snowball stems, 40 candidates each) fused by reciprocal rank (k=60), plus a defined-term lookup
(a question that names a term in quotes or as "what is X / meaning of X" also ranks the clause
defining it), int8 ONNX embeddings. The Act + knowledge/ row is what the service actually serves
(the Act plus the project's 36 guides). Query p50 = embed + retrieve one question, k=5, warm.

Honesty notes: these are the 10 dev questions; the ablation rows show what each mechanism adds on
them. Structure-aware chunking alone (dense only) already reaches 0.984; BM25 without the term
lookup lowers coverage@3 (it pulls product-liability sections for the "harm" question), the term
lookup recovers it. The term lookup is a general mechanism (no question-specific rules), but all
five definition questions in the dev set quote their term, which flatters it; unquoted "what is X"
questions are matched by pattern and are untested here. The remaining gap on question 3 is the
ground truth's own prefix "From Section 2(16):", which is not passage text.

No-context threshold (RELEVANCE_THRESHOLD, default 0.22): best-passage cosine for the 10 dev
questions plus 8 everyday consumer questions written for this check, against 10 clearly off-topic
questions (capital of France, biryani recipe, football, ...), lines below. The gap runs from
~0.16-0.18 (highest off-topic) to ~0.27 (lowest consumer question, an airline refund against the Act
alone); 0.22 sits in the middle. Only 28 questions: treat the margin as indicative and re-measure
when the knowledge base changes. These cosines move by up to ~0.02 with how passages are batched
(int8 activations are quantised per model call); the embedder now embeds one text per call, so a
passage's vector is the one its text gets as a question."""


@dataclass
class Scores:
    name: str
    per_question: dict[int, list[float]]
    p50_ms: float
    chunks: int

    def mean(self, k: int) -> float:
        return statistics.mean(self.per_question[k])

    def passing(self, k: int, bar: float = 0.8) -> int:
        return sum(1 for c in self.per_question[k] if c >= bar)


class NaiveIndex:
    """The original pipeline: 500-character windows with 50 overlap, dense top-k, torch model."""

    def __init__(self, embedder: object, text: str, *, size: int = 500, overlap: int = 50) -> None:
        self.embedder = embedder
        self.chunks = [text[i : i + size] for i in range(0, len(text), size - overlap)]
        self.vectors = embedder.embed(self.chunks, batch_size=64)  # type: ignore[attr-defined]

    def search(self, question: str, k: int) -> list[str]:
        vector = self.embedder.embed([question])[0]  # type: ignore[attr-defined]
        order = np.argsort(-(self.vectors @ vector))[:k]
        return [self.chunks[i] for i in order]


def act_text(path: Path = ACT) -> str:
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def p50(fn, questions: list[str], repeats: int = 5) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(repeats):
        for q in questions:
            started = time.perf_counter()
            fn(q)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def score(name: str, search, rows: list[dict[str, str]], chunks: int) -> Scores:  # type: ignore[no-untyped-def]
    per_question: dict[int, list[float]] = {3: [], 5: []}
    for row in rows:
        passages = search(row["question"], 5)
        for k in (3, 5):
            per_question[k].append(coverage(row["ground_truth_context"], passages[:k]))
    return Scores(name, per_question, p50(lambda q: search(q, 5), [r["question"] for r in rows]), chunks)


def build_ours(index_dir: Path, paths: list[str], backend: str) -> None:
    from chunker.settings import ChunkerSettings
    from embedder.ingest import ingest
    from embedder.settings import EmbedderSettings

    settings = EmbedderSettings(index_dir=str(index_dir), embedding_backend=backend)
    ingest(paths, settings=settings, chunker_settings=ChunkerSettings(), progress=False)


def run(*, backend: str, with_knowledge: bool) -> tuple[list[Scores], dict[str, list[float]]]:
    from common.embedding import load_embedder
    from rag_core.retrieval import Retriever
    from rag_core.settings import RagSettings

    rows = golden()
    naive = NaiveIndex(load_embedder(backend="torch"), act_text())
    results = [score("naive (500 chars, dense, torch)", naive.search, rows, len(naive.chunks))]
    separation: dict[str, list[float]] = {}
    setups = [("ours (Act only)", [str(ACT)])]
    if with_knowledge:
        setups.append(("ours (Act + knowledge/)", [str(ACT), str(ROOT / "knowledge")]))
    for name, paths in setups:
        with tempfile.TemporaryDirectory() as tmp:
            build_ours(Path(tmp), paths, backend)
            settings = RagSettings(index_dir=tmp, embedding_backend=backend)
            retriever = Retriever.from_settings(settings)
            chunks = len(retriever.watcher.current().records)  # type: ignore[union-attr]
            results.append(
                score(
                    name,
                    lambda q, k, r=retriever: [p.text for p in r.retrieve(q, k=k).passages],
                    rows,
                    chunks,
                )
            )
            best = lambda q, r=retriever: r.retrieve(q, k=5).best_score  # noqa: E731
            separation[name] = (
                [best(q) for q in [r["question"] for r in rows] + EVERYDAY]
                + [-1.0]
                + [best(q) for q in OFF_TOPIC]
            )
            if len(paths) == 1:  # ablations on the Act-only index: what each mechanism adds
                for label, changes in (
                    ("dense only", {"hybrid": False}),
                    ("hybrid, no term lookup", {"term_lookup": False}),
                ):
                    variant = Retriever.from_settings(settings.model_copy(update=changes))
                    results.append(
                        score(
                            f"  ablation: {label}",
                            lambda q, k, r=variant: [p.text for p in r.retrieve(q, k=k).passages],
                            rows,
                            chunks,
                        )
                    )
    return results, separation


def report(results: list[Scores], separation: dict[str, list[float]], *, backend: str) -> str:
    lines = [
        "| pipeline | chunks | coverage@3 | ≥0.8 @3 | coverage@5 | ≥0.8 @5 | query p50 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results:
        lines.append(
            f"| {s.name} | {s.chunks} | {s.mean(3):.3f} | {s.passing(3)}/{len(s.per_question[3])} | "
            f"{s.mean(5):.3f} | {s.passing(5)}/{len(s.per_question[5])} | {s.p50_ms:.1f} |"
        )
    lines += [
        "",
        "Per question coverage@5: "
        + "; ".join(f"{s.name}: " + " ".join(f"{c:.2f}" for c in s.per_question[5]) for s in results),
    ]
    for name, values in separation.items():
        split = values.index(-1.0)
        on, off = values[:split], values[split + 1 :]
        lines.append(
            f"\nBest-passage cosine, {name}: consumer questions (dev + everyday) min {min(on):.3f} / "
            f"median {statistics.median(on):.3f}; "
            f"off-topic max {max(off):.3f} / median {statistics.median(off):.3f} (backend {backend})."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__)
    parser.add_argument("--backend", default=os.environ.get("EMBEDDING_BACKEND", "onnx-int8"))
    parser.add_argument("--no-knowledge", action="store_true", help="skip the Act + knowledge/ row")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    results, separation = run(backend=args.backend, with_knowledge=not args.no_knowledge)
    text = report(results, separation, backend=args.backend)
    print(text)
    if args.write_docs:
        update_section("Retrieval quality (bench.retrieval)", INTRO + "\n\n" + text)


def update_section(title: str, body: str, path: Path = ROOT / "docs" / "benchmarks.md") -> None:
    """Replace (or append) one `## title` section in one read-modify-write; other sections stay."""
    import platform
    import subprocess

    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    date = subprocess.run(["date", "-u", "+%F"], capture_output=True, text=True, check=False).stdout.strip()
    section = f"## {title}\n\n{date}, {os.cpu_count()} cores, {cpu}.\n\n{body.strip()}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    text = (
        pattern.sub(lambda _: section + "\n", text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

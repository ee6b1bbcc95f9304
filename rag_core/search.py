"""`python -m rag_core.search --k K`: one question per stdin line -> one JSON line of passages each.

Uses the configured index (INDEX_DIR, current snapshot) exactly as the rag_core service does.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO

from rag_core.retrieval import IndexUnavailable, Retriever
from rag_core.settings import RagSettings


def answer_lines(retriever: Retriever, lines: IO[str], out: IO[str], *, k: int) -> int:
    """Write one JSON object per non-empty input line; returns how many questions were answered."""
    answered = 0
    for line in lines:
        question = line.strip()
        if not question:
            continue
        result = retriever.retrieve(question, k=k)
        passages = [
            {
                "text": p.text,
                "source": p.source,
                "section": p.section,
                "page": p.page,
                "score": p.score,
                "title": p.title,
                "chunk_id": p.chunk_id,
            }
            for p in result.passages
        ]
        record = {
            "question": question,
            "passages": passages,
            "no_context": result.no_context,
            "index_version": result.index_version,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        answered += 1
    return answered


def main(argv: list[str] | None = None) -> int:
    settings = RagSettings()
    parser = argparse.ArgumentParser(prog="python -m rag_core.search", description=__doc__)
    parser.add_argument("--k", type=int, default=settings.default_top_k, help="passages per question")
    args = parser.parse_args(argv)
    retriever = Retriever.from_settings(settings)
    try:
        answer_lines(retriever, sys.stdin, sys.stdout, k=args.k)
    except IndexUnavailable as exc:
        print(f"no index yet: {exc}; run `python -m embedder.ingest PATH...` first", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bench.scope`: the no-context decision on a set of questions labelled in or out of scope.

bench/data/scope_heldout.csv holds questions written blind for issue #scope (before the decision was
changed): out-of-scope ones from other statutes and forums that share words with consumer law, and
in-scope ones as people type them, some naming tax, GST, a cheque, the police or rent in passing;
scope_heldout2.csv to scope_heldout5.csv are later sets of the same kind; scope_heldout6.csv (issue #14)
holds in-scope questions about hospitality, rentals, vehicles and dealers, professional services,
education, travel, repairs, utilities, digital services and housing, beside out-of-scope ones that
share the law's words; scope_heldout7.csv (issue #14, written blind like held-out6) holds 40 in-scope
questions over services, goods, e-commerce, the commissions' procedure and the Act itself beside 20 out of
scope (tenancy, criminal, tax, family, employment, government schemes, general knowledge); scope_dev6.csv
is a dev set
(the one the word lean of rag_core.scope_words was written beside, so not a check). Each
question goes through rag_core's Retriever over one index of the Act and knowledge/ built for the run
(shared by every --file);
"answered" = not no_context. Both error counts must be 0. The sets are checks, not tuning sets.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.retrieval import ACT, ROOT, build_ours
from common.settings import DEFAULT_EMBEDDING_BACKEND

BLIND = ROOT / "bench" / "data" / "scope_heldout.csv"


def rows(path: Path = BLIND) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--file", type=Path, action="append", help=f"a labelled CSV (repeatable; default {BLIND.name})"
    )
    parser.add_argument("--backend", default=os.environ.get("EMBEDDING_BACKEND", DEFAULT_EMBEDDING_BACKEND))
    args = parser.parse_args()

    from rag_core.retrieval import Retriever
    from rag_core.settings import RagSettings

    with tempfile.TemporaryDirectory() as tmp:
        build_ours(Path(tmp), [str(ACT), str(ROOT / "knowledge")], args.backend)
        retriever = Retriever.from_settings(RagSettings(index_dir=tmp, embedding_backend=args.backend))
        for path in args.file or [BLIND]:
            report(path, rows(path), retriever)


def report(path: Path, questions: list[dict[str, str]], retriever: Any) -> None:
    """Print one set's two error counts and its misses."""
    refused, answered = [], []
    for row in questions:
        found = retriever.retrieve(row["question"], k=5)
        inside = row["in_scope"] == "yes"
        if inside and found.no_context:
            refused.append(row)
        elif not inside and not found.no_context:
            answered.append(row)
    inside_total = sum(r["in_scope"] == "yes" for r in questions)
    print(
        f"{path.name}: in-scope refused {len(refused)}/{inside_total}, "
        f"out-of-scope answered {len(answered)}/{len(questions) - inside_total}"
    )
    for label, missed in (("refused", refused), ("answered", answered)):
        for row in missed:
            print(f"  {label}: {row['reason']} - {row['question'][:90]}")


if __name__ == "__main__":
    main()

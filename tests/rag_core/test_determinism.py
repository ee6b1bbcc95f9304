"""The same question gets the same passages and the same answer in every process, whatever its hash seed.

Chroma's HNSW graph is rebuilt by several threads whenever a process opens a snapshot, so its approximate
search once gave a story a different second passage from run to run; common.vectors searches exactly.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench.answers_keyfacts import rows
from common.embedding import load_embedder
from common.index_layout import COLLECTION, PIECES, piece_parent, published_chroma, read_pointer
from rag_core.index import IndexSnapshot
from rag_core.settings import RagSettings
from tests.support.answers_cli import answers_env
from tests.support.knowledge import ingest_paths

ROOT = Path(__file__).resolve().parents[2]
STORIES = [
    "my e-bike battery was rewired by a roadside mechanic and then it caught fire. the maker says it is not "
    "liable because of that. can they refuse to pay?",
    "I bought 200 power banks to resell in my shop and they are all dead. can I file a consumer complaint?",
    "the District Commission dismissed my complaint last month, by when must I appeal and how much must I "
    "deposit first?",
    "what is the fee for filing a complaint about a Rs 8 lakh loss?",
    "a famous cricketer endorsed a hair oil that did nothing for me, can the endorser be penalised?",
    "hospital ne operation mein laparwahi ki, complaint kahan aur kab tak karein?",
]


@pytest.fixture(scope="module")
def index_dir(act_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Act and the guides, as the answer benches index them: the Act's index with knowledge/ added
    (the Act's vectors are carried over, only the guides are embedded)."""
    index = tmp_path_factory.mktemp("determinism") / "index"
    shutil.copytree(act_index, index)
    ingest_paths(index, ROOT / "knowledge")
    return index


def stored(collection: object, owner: dict[str, int], parent: object) -> tuple[np.ndarray, np.ndarray]:
    """Every stored vector as a unit row and the record it belongs to, read straight from Chroma."""
    got = collection.get(include=["embeddings"])  # type: ignore[attr-defined]
    matrix = np.asarray(got["embeddings"], dtype=np.float64)
    owners = np.asarray([owner[parent(i)] for i in got["ids"]])  # type: ignore[operator]
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True), owners


def assert_exact(found: list[tuple[int, float]], cosines: dict[int, float], n: int) -> None:
    """`found` is the n best records by cosine, best first: nothing left out beats the last one taken."""
    assert len(found) == min(n, len(cosines))
    assert all(abs(cosine - cosines[index]) < 1e-5 for index, cosine in found)
    assert all(a[1] >= b[1] for a, b in itertools.pairwise(found))
    taken = {index for index, _ in found}
    left_out = max((c for i, c in cosines.items() if i not in taken), default=-1.0)
    assert left_out <= found[-1][1] + 1e-5, (found[-1], left_out)


def test_dense_candidates_are_the_exact_nearest_chunks_and_clauses(index_dir: Path) -> None:
    snapshot = IndexSnapshot.open(index_dir, str(read_pointer(index_dir)))
    with published_chroma(snapshot.path / "chroma") as client:
        chunks, chunk_owner = stored(client.get_collection(COLLECTION), snapshot.position, lambda i: i)
        pieces, piece_owner = stored(client.get_collection(PIECES), snapshot.position, piece_parent)
    settings = RagSettings(index_dir=str(index_dir))
    embedder = load_embedder(
        model_path=settings.embedding_model_path,
        backend=settings.embedding_backend,
        cache_dir=settings.embedding_cache_dir,
    )
    questions = [row["question"] for row in rows()] + STORIES
    for vector in embedder.embed(questions):
        unit = vector / np.linalg.norm(vector)
        by_chunk = dict(zip(chunk_owner.tolist(), (chunks @ unit).tolist(), strict=True))
        assert_exact(snapshot.dense(vector, 40), by_chunk, 40)
        best_clause: dict[int, float] = {}
        for owner, cosine in zip(piece_owner.tolist(), (pieces @ unit).tolist(), strict=True):
            best_clause[owner] = max(cosine, best_clause.get(owner, -1.0))
        clauses = snapshot.piece_dense(vector, 120)
        assert len({i for i, _ in clauses}) == len(clauses)  # a chunk once, at its best clause
        assert all(abs(c - best_clause[i]) < 1e-5 for i, c in clauses)
        assert all(a[1] >= b[1] for a, b in itertools.pairwise(clauses))
        cut = np.sort(pieces @ unit)[::-1][min(120, len(pieces)) - 1]  # the 120th nearest clause
        assert clauses[-1][1] >= cut - 1e-5
        assert {i for i, c in best_clause.items() if c > cut + 1e-5} <= {i for i, _ in clauses}


def test_answers_and_citations_do_not_depend_on_the_process_or_its_hash_seed(index_dir: Path) -> None:
    """bench.answers (redaction, retrieval, prompt, extractive answer) in two processes with different
    PYTHONHASHSEED values, side by side: every answer and citation the same."""
    env = answers_env(index_dir)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.answers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "PYTHONHASHSEED": seed},
            cwd=ROOT,
        )
        for seed in ("0", "1")
    ]
    outputs = [run.communicate("\n".join(STORIES) + "\n", timeout=300) for run in runs]
    for run, (_, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr
    first, second = ([json.loads(line) for line in stdout.splitlines()] for stdout, _ in outputs)
    assert len(first) == len(STORIES) and all(record["answered"] for record in first)
    for a, b in zip(first, second, strict=True):
        assert (a["answer"], a["citations"]) == (b["answer"], b["citations"]), a["question"]

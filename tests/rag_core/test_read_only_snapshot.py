"""rag_core never writes to a published snapshot: many tasks read one on a shared (EFS) or read-only mount."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from common.index_layout import read_pointer
from rag_core.index import IndexSnapshot
from rag_core.retrieval import Retriever
from rag_core.settings import RagSettings
from tests.support.snapshots import file_states, read_only_mount

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "The shop will not refund the price of a defective phone. What can I do?"
# one reader process: the snapshot opened and searched three times
READ = """
import json, sys
from pathlib import Path
from tests.rag_core.test_read_only_snapshot import searches
print(json.dumps([searches(Path(sys.argv[1])) for _ in range(3)]))
"""


def searches(index_dir: Path) -> list[list[tuple[int, float]]]:
    """The current snapshot opened and searched by vector (a stored one: it finds its own chunk), by clause
    and by words, as JSON keeps it."""
    snapshot = IndexSnapshot.open(index_dir, str(read_pointer(index_dir)))
    assert snapshot.vectors is not None
    vector = snapshot.vectors.matrix[7]
    found = [snapshot.dense(vector, 5), snapshot.piece_dense(vector, 5), snapshot.lexical(QUESTION, 5)]
    return json.loads(json.dumps(found))


def answer(index_dir: Path) -> list[tuple[str, float]]:
    retriever = Retriever.from_settings(RagSettings(index_dir=str(index_dir), scope_check=False))
    return [(p.chunk_id, p.score) for p in retriever.retrieve(QUESTION, k=5).passages]


def test_opening_and_querying_leaves_every_file_as_published(act_index: Path) -> None:
    before = file_states(act_index)
    assert any(name.endswith("chroma.sqlite3") for name in before)
    assert answer(act_index)
    assert file_states(act_index) == before  # no file added, removed, resized, rewritten or touched


def test_a_snapshot_on_a_read_only_mount_answers_the_same(act_index: Path, tmp_path: Path) -> None:
    expected = answer(act_index)
    with read_only_mount(act_index, tmp_path / "read-only") as index:
        assert answer(index) == expected


def test_two_processes_read_one_snapshot_at_once(act_index: Path) -> None:
    before = file_states(act_index)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READ, str(act_index)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]
    outputs = [reader.communicate(timeout=300) for reader in readers]
    assert [reader.returncode for reader in readers] == [0, 0], [err[-2000:] for _, err in outputs]
    first, second = (json.loads(out) for out, _ in outputs)
    here = searches(act_index)
    assert first == second == [here] * 3
    assert here[0][0][1] > 0.99 and here[2]  # the readers searched: a stored vector found itself
    assert file_states(act_index) == before

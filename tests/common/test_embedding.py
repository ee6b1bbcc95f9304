"""The ONNX backends: same vectors as the torch reference, in input order, with a fused graph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from common.embedding import Embedder

TEXTS = [
    "The seller refuses to refund my broken fridge.",
    "Section 69. Limitation period. (1) The District Commission, the State Commission or the National "
    "Commission shall not admit a complaint unless it is filed within two years from the date on which "
    "the cause of action has arisen.",
    "consumer rights",
    "An e-commerce entity shall not adopt any unfair trade practice, whether in the course of business "
    "on its platform or otherwise. " * 6,
    "Which commission hears a claim of Rs 45 lakh?",
    "product liability action",
    "What is the meaning of 'harm' in the Act?",
]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return Embedder(backend="torch", threads=1).embed(TEXTS)


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_onnx_vectors_match_torch_in_input_order(
    backend: str, reference: np.ndarray, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cache = tmp_path_factory.getbasetemp() / "onnx-cache"
    model = Embedder(backend=backend, threads=2, cache_dir=str(cache))  # type: ignore[arg-type]
    together = model.embed(TEXTS, batch_size=2)  # four batches, run two at a time
    alone = np.vstack([model.embed([t]) for t in TEXTS])
    assert together.shape == reference.shape
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    # same text, (nearly) same vector whatever batch or thread it ran in: rows are not mixed up and
    # padding does not leak in. int8 quantizes activations with one scale per batch, hence "nearly".
    similarity = together @ alone.T
    assert (similarity.argmax(axis=1) == np.arange(len(TEXTS))).all()
    assert np.diag(similarity).min() > (0.98 if backend == "onnx-int8" else 0.99999), np.diag(similarity)
    cosine = np.sum(together * reference, axis=1)
    assert cosine.min() > (0.98 if backend == "onnx-int8" else 0.9999), cosine


def test_exported_graph_has_fused_attention(tmp_path_factory: pytest.TempPathFactory) -> None:
    import onnx

    cache = tmp_path_factory.getbasetemp() / "onnx-cache"
    Embedder(backend="onnx-int8", threads=1, cache_dir=str(cache))
    [fused] = Path(cache).glob("*/model-fused.onnx")
    [int8] = Path(cache).glob("*/model-fused-int8.onnx")
    ops = {n.op_type for n in onnx.load(str(fused)).graph.node}
    assert {"Attention", "SkipLayerNormalization", "EmbedLayerNormalization"} <= ops
    assert "QAttention" in {n.op_type for n in onnx.load(str(int8)).graph.node}


def test_exports_are_readable_by_every_user(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Images export as root at build time and serve as uid 10001: a 0600 file fails the start."""
    cache = tmp_path_factory.getbasetemp() / "onnx-cache"
    Embedder(backend="onnx-int8", threads=1, cache_dir=str(cache))
    exports = sorted(Path(cache).glob("*/*.onnx"))
    assert [p.name for p in exports] == ["model-fused-int8.onnx", "model-fused.onnx"]
    for path in exports:
        assert path.stat().st_mode & 0o777 == 0o644, (path.name, oct(path.stat().st_mode))
    assert not list(Path(cache).glob("*/.*.tmp"))  # no temporary file left behind

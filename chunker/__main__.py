"""`python -m chunker PATH... [--jsonl FILE] [--no-publish]`: chunk sources for a new index build."""

from __future__ import annotations

import argparse
import sys

from chunker.pipeline import run
from chunker.settings import ChunkerSettings
from common.logging import configure_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chunker", description=__doc__)
    parser.add_argument("paths", nargs="+", help="files or folders (PDF, Markdown, HTML, text)")
    parser.add_argument("--jsonl", help="also write every chunk as one JSON line to this file")
    parser.add_argument("--no-publish", action="store_true", help="do not publish to RabbitMQ")
    parser.add_argument("--build-id", help="snapshot id for the embedder (default: time-based)")
    args = parser.parse_args(argv)
    settings = ChunkerSettings()
    configure_logging(service="chunker", level=settings.log_level, fmt=settings.log_format)
    build_id, chunks = run(
        paths=args.paths,
        settings=settings,
        jsonl=args.jsonl,
        to_broker=not args.no_publish,
        build_id=args.build_id,
    )
    print(f"build {build_id}: {chunks} chunks" + ("" if args.no_publish else " published"), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

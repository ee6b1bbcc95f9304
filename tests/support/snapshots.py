"""A snapshot directory's files as a test compares them, and a read-only view of a directory."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def file_states(directory: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `directory`: relative path -> (size, mtime in ns, sha256)."""
    states = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            states[str(path.relative_to(directory))] = (stat.st_size, stat.st_mtime_ns, digest)
    return states


@contextmanager
def read_only_mount(source: Path, target: Path) -> Iterator[Path]:
    """`source` bind-mounted read-only at `target`, as a read-only EFS mount point looks to the reader.

    Only a mount proves it: root (what the sandbox and CI run as) ignores chmod. Skips the test when this
    process may not mount."""
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root (and chmod proves nothing to root)")
    target.mkdir(parents=True, exist_ok=True)
    bind = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True, text=True)
    if bind.returncode != 0:
        pytest.skip(f"mount --bind not permitted here: {bind.stderr.strip()}")
    try:
        remount = subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(target)], capture_output=True, text=True
        )
        if remount.returncode != 0:
            pytest.skip(f"remount read-only not permitted here: {remount.stderr.strip()}")
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=True)

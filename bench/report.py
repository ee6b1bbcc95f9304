"""Write one benchmark's section into docs/benchmarks.md (replacing its previous figures)."""

from __future__ import annotations

import datetime
import os
import platform
import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\nEach section is rewritten by its benchmark (`make bench`); figures are from one run.\n"
)


def machine() -> str:
    """'2026-11-26, 2 cores, Intel Xeon ..., Python 3.11.7': the date and machine a figure belongs to."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    return f"{today}, {os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def write_section(heading: str, body: str, *, path: Path = BENCHMARKS) -> None:
    """Replace the `## heading` section (or append it), keeping every other section as it was."""
    text = path.read_text() if path.exists() else HEADER
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)

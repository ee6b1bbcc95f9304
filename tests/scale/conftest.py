"""The replica stack the scale tests share (started once per module: eight processes take a while)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.local import ROOT
from tests.support.broker import wait_until
from tests.support.replicas import KEYS, RATE_LIMIT_PER_MINUTE, Replicas, running_replicas
from tests.support.stack import build_index


@pytest.fixture(scope="session")
def scale_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("index"), ROOT / "knowledge")


@pytest.fixture(scope="module")
def replicas(scale_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    env = {
        "INDEX_DIR": str(scale_index), "LLM_PROVIDER": "extractive", "LOG_FORMAT": "json",
        "RATE_LIMIT": f"{RATE_LIMIT_PER_MINUTE}/minute", "ANSWER_TIMEOUT_S": "30",
    }
    with running_replicas(env=env, log_dir=tmp_path_factory.mktemp("logs"), keys=KEYS) as stack:
        for url in stack.gateways.values():
            wait_until(lambda url=url: httpx.get(f"{url}/ready", timeout=5).status_code == 200, timeout=60,
                       message=f"{url} ready with every stage consumed twice")
        yield stack

"""One image build and one compose stack for the suite's one module (ordered steps), torn down
(`down -v`, every profile) whatever happens.

Without a Docker engine the suite is skipped with the reason; under CI (`CI=true`) a missing engine
fails it instead, since `.ci/run` prepares one (../shared/containers/build-standins).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deploy.local import free_port
from tests.containers.compose import (
    ROOT,
    Compose,
    checkout_image_tag,
    engine_problem,
    image_sizes,
)
from tests.containers.settings import (
    BUILD_ARGS,
    BUILD_TIMEOUT_S,
    LOAD_CONCURRENCY,
    MEASUREMENTS,
    Measurements,
)

_measured = Measurements()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _measured:
        terminalreporter.section("containers: measured")
        for key, value in sorted(_measured.items()):
            terminalreporter.write_line(f"{key}: {json.dumps(value)}")
        terminalreporter.write_line(f"(saved in {MEASUREMENTS.relative_to(ROOT)})")


@pytest.fixture(scope="session")
def measured() -> Measurements:
    return _measured


@pytest.fixture(scope="module")
def compose() -> Compose:
    problem = engine_problem()
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must run the container suite, but {problem} (.ci/run runs "
                        "../shared/containers/build-standins first)", pytrace=False)
        pytest.skip(f"no container engine: {problem}")
    return Compose.fresh({
        "IMAGE_TAG": checkout_image_tag(),
        "GATEWAY_PORT": str(free_port()),
        "RABBITMQ_MANAGEMENT_PORT": str(free_port()),
        "RATE_LIMIT": "100000/minute",
        "MAX_CONCURRENT_PER_CALLER": str(LOAD_CONCURRENCY),
    })


@pytest.fixture(scope="module")
def images(compose: Compose, measured: Measurements) -> dict[str, str]:
    """Every image the compose file builds, built once from the repository's own Dockerfiles:
    {image: the first service that names it}."""
    services = compose.config()["services"]
    by_image: dict[str, str] = {}
    for name, service in sorted(services.items()):
        if service.get("build"):
            by_image.setdefault(service["image"], name)
    args = [part for key, value in BUILD_ARGS.items() for part in ("--build-arg", f"{key}={value}")]
    started = time.monotonic()
    # one image at a time: parallel legacy builds of one Dockerfile's targets would each run the
    # shared cold stages on the same two cores; one after another, each finds the previous ones cached
    deadline = started + BUILD_TIMEOUT_S
    for service in by_image.values():
        compose.run("build", *args, service, timeout=max(60.0, deadline - time.monotonic()),
                    profiles=("pipeline",))
    measured["build_s"] = round(time.monotonic() - started, 1)
    measured["image_bytes"] = image_sizes(sorted(by_image))
    return by_image


@pytest.fixture(scope="module")
def stack(compose: Compose, images: dict[str, str], measured: Measurements) -> Iterator[Compose]:
    """`up -d --wait` on fresh volumes; `down -v` (every profile) at the end, also when a step failed."""
    try:
        started = time.monotonic()
        compose.up()
        measured["up_to_healthy_s"] = round(time.monotonic() - started, 1)
        yield compose
    finally:
        done = compose.down()
        measured["down_rc"] = done.returncode
        measured.save()


@pytest.fixture(scope="module")
def gateway(stack: Compose) -> Iterator[httpx.Client]:
    port = stack.variables["GATEWAY_PORT"]
    # trust_env=False: never through a proxy from the environment; the traffic stays on 127.0.0.1
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, trust_env=False) as client:
        yield client

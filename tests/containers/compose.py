"""The repository's docker-compose.yml driven through the `docker compose` CLI, one project per test run.

Only compose variables and build arguments differ from what a user runs: a project name of its own
(fresh volumes and network), host ports picked free at run time, and an image tag per checkout so
that two checkouts on one engine never build over each other's images.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
# every profile, so that build, stop and down reach the pipeline's services too
PROFILES = ("pipeline",)


class ComposeError(AssertionError):
    """A `docker compose` command failed; the message carries its output."""


def engine_problem() -> str | None:
    """Why no stack can run here (no CLI, no daemon, no compose plugin), or None when one can."""
    if shutil.which("docker") is None:
        return "the docker CLI is not installed"
    for command, what in ((["docker", "info", "--format", "{{.ServerVersion}}"], "the Docker daemon"),
                          (["docker", "compose", "version", "--short"], "Docker Compose v2")):
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{what} did not answer: {exc}"
        if done.returncode != 0:
            return f"{what} is not available: {(done.stderr or done.stdout).strip()[:300]}"
    return None


def checkout_image_tag(root: Path = ROOT) -> str:
    """Stable per checkout (warm rebuilds reuse its layers), distinct between checkouts."""
    return "ct-" + hashlib.sha1(str(root).encode()).hexdigest()[:8]


def bounded_wait(predicate: Callable[[], Any], *, timeout: float, interval: float = 1.0,
                 message: str) -> Any:
    """Poll until `predicate` returns something truthy (returned); fail with `message` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            result = predicate()
        except Exception as exc:  # a probe that cannot answer yet counts as "not yet"
            last_error, result = exc, None
        if result:
            return result
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise AssertionError(f"timed out after {timeout:g} s waiting for {message}{detail}")
        time.sleep(interval)


@dataclass
class Compose:
    """One compose project of the repository's file; every command is bounded by a timeout."""

    project: str
    variables: Mapping[str, str]
    root: Path = ROOT
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        # the caller's shell must not change what is tested either (AWS keys would switch llm-connector
        # to Bedrock): every variable the file interpolates comes from `variables` or its default
        text = (self.root / "docker-compose.yml").read_text()
        referenced = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text))
        self.env = {
            **{name: value for name, value in os.environ.items() if name not in referenced},
            # the legacy builder: BuildKit's front end is an image, and no registry may be reachable
            "DOCKER_BUILDKIT": "0",
            "COMPOSE_BAKE": "false",
            "COMPOSE_PROJECT_NAME": self.project,
            **self.variables,
        }
        for name in ("COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_ENV_FILES"):
            self.env.pop(name, None)

    @classmethod
    def fresh(cls, variables: Mapping[str, str]) -> Compose:
        return cls(project=f"crct-{uuid.uuid4().hex[:8]}", variables=dict(variables))

    def base(self, *, profiles: Iterable[str] = ()) -> list[str]:
        command = ["docker", "compose", "--project-name", self.project, "--project-directory",
                   str(self.root), "--file", str(self.root / "docker-compose.yml"),
                   # a developer's .env must not change what is tested: the defaults and our variables only
                   "--env-file", os.devnull]
        for profile in profiles:
            command += ["--profile", profile]
        return command

    def run(self, *args: str, timeout: float, profiles: Iterable[str] = (), check: bool = True,
            input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        command = [*self.base(profiles=profiles), *args]
        try:
            done = subprocess.run(command, env=self.env, cwd=self.root, capture_output=True, text=True,
                                  timeout=timeout, check=False, input=input_text)
        except subprocess.TimeoutExpired as exc:
            raise ComposeError(f"{' '.join(args)} did not finish within {timeout:g} s:\n"
                               f"{_tail(exc.stdout)}\n{_tail(exc.stderr)}") from None
        if check and done.returncode != 0:
            raise ComposeError(f"`docker compose {' '.join(args)}` exited {done.returncode}:\n"
                               f"{_tail(done.stdout)}\n{_tail(done.stderr)}")
        return done

    # --- what the file declares ------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        done = self.run("config", "--format", "json", timeout=60, profiles=PROFILES)
        return json.loads(done.stdout)

    # --- what is running -------------------------------------------------------------------------
    def containers(self) -> dict[str, dict[str, Any]]:
        """`docker inspect` of every container of the project, by service (one-off `run` ones left out)."""
        done = subprocess.run(
            ["docker", "ps", "-aq", "--no-trunc",
             "--filter", f"label=com.docker.compose.project={self.project}",
             "--filter", "label=com.docker.compose.oneoff=False"],
            capture_output=True, text=True, timeout=60, check=True,
        )
        ids = done.stdout.split()
        if not ids:
            return {}
        inspected = json.loads(subprocess.run(["docker", "inspect", *ids], capture_output=True, text=True,
                                              timeout=60, check=True).stdout)
        return {c["Config"]["Labels"]["com.docker.compose.service"]: c for c in inspected}

    def diagnosis(self) -> str:
        """For each container that is neither healthy nor exited 0: its state, last probes and log tail."""
        parts = []
        for name, container in sorted(self.containers().items()):
            state = container["State"]
            health = state.get("Health") or {}
            if health.get("Status") == "healthy" or (state["Status"] == "exited" and state["ExitCode"] == 0):
                continue
            probes = [p.get("Output", "").strip()[-300:] for p in health.get("Log", [])[-2:]]
            done = self.run("logs", "--no-color", "--tail", "40", name, timeout=60, check=False)
            logs = _tail(done.stdout + done.stderr)
            parts.append(f"--- {name}: {state['Status']} exit {state['ExitCode']} health "
                         f"{health.get('Status', 'none')} probes {probes}\n{logs}")
        return "\n".join(parts)

    def up(self, *args: str, timeout: float = 900, profiles: Iterable[str] = ()) -> None:
        """`up -d --wait` (bounded); on failure the error says which containers are not right and why."""
        try:
            self.run("up", "--detach", "--wait", "--wait-timeout", str(int(timeout * 2 / 3)), *args,
                     timeout=timeout, profiles=profiles)
        except ComposeError as exc:
            raise ComposeError(f"{exc}\n{self.diagnosis()}") from None

    def logs(self, *services: str) -> str:
        done = self.run("logs", "--no-color", "--no-log-prefix", *services, timeout=120, profiles=PROFILES)
        return done.stdout + done.stderr

    def exec(self, service: str, *command: str, timeout: float = 60, check: bool = True) -> str:
        return self.run("exec", "-T", service, *command, timeout=timeout, check=check).stdout

    def python(self, service: str, script: str, *args: str, timeout: float = 60) -> Any:
        """Run `script` with the service's own Python inside its container; its stdout parsed as JSON."""
        return json.loads(self.exec(service, "python", "-c", script, *args, timeout=timeout))

    def down(self) -> subprocess.CompletedProcess[str]:
        return self.run("down", "--volumes", "--remove-orphans", "--timeout", "30", timeout=300,
                        profiles=PROFILES, check=False)

    def leftovers(self) -> dict[str, list[str]]:
        """Containers, volumes and networks still labelled with this project."""
        label = f"label=com.docker.compose.project={self.project}"
        found = {}
        for kind, command in (("containers", ["docker", "ps", "-aq", "--filter", label]),
                              ("volumes", ["docker", "volume", "ls", "-q", "--filter", label]),
                              ("networks", ["docker", "network", "ls", "-q", "--filter", label])):
            done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
            found[kind] = done.stdout.split()
        return found


def _tail(text: str | bytes | None, limit: int = 4000) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return (text or "")[-limit:]


def host_kill(container: Mapping[str, Any], signal_number: int) -> None:
    """Signal the container's main process from the host, as a crash would end it (not `docker kill`,
    which the engine counts as a deliberate stop that no restart policy undoes)."""
    pid = int(container["State"]["Pid"])
    if pid <= 0:
        raise AssertionError(f"{container['Name']} has no running main process")
    os.kill(pid, signal_number)


def image_sizes(images: Sequence[str]) -> dict[str, int]:
    sizes = {}
    for image in images:
        with contextlib.suppress(subprocess.CalledProcessError):
            out = subprocess.run(["docker", "image", "inspect", "--format", "{{.Size}}", image],
                                 capture_output=True, text=True, timeout=60, check=True).stdout
            sizes[image] = int(out.strip())
    return sizes

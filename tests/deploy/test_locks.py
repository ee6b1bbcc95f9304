"""requirements/<image>.txt (`make lock`, pip-compile) against pyproject.toml: the locks the images install.

A lock agrees with its extra when every requirement of the extra (and of the base dependencies) is
satisfied by the lock's pin, every pin carries hashes, and every pin is reachable from those
requirements through the dependency chain pip-compile recorded (a package dropped from pyproject.toml
leaves an unreachable pin until the lock is made again).
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.deploy.support import ROOT, pyproject

LOCKS = sorted((ROOT / "requirements").glob("*.txt"))
PROJECT = "consumer-rights-assistant"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([^\]]*)\])?==(\S+)")  # name, its extras, version


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _entries(path: Path) -> list[tuple[str, str, list[str], list[str]]]:
    """(name, version, hashes, via) for every pin of a pip-compile output."""
    entries: list[tuple[str, str, list[str], list[str]]] = []
    via_block = False
    for line in path.read_text().splitlines():
        found = _PIN.match(line)
        if found:
            entries.append((_canonical(found.group(1)), found.group(3).rstrip(" \\"), [], []))
            via_block = False
            continue
        stripped = line.strip()
        if not entries or not stripped:
            continue
        if stripped.startswith("--hash=sha256:"):
            entries[-1][2].append(stripped.removeprefix("--hash=sha256:").rstrip(" \\"))
        elif stripped.startswith("# via"):
            rest = stripped.removeprefix("# via").strip()
            via_block = not rest
            if rest:
                entries[-1][3].append(rest)
        elif via_block and stripped.startswith("#   "):
            entries[-1][3].append(stripped.removeprefix("#").strip())
        elif not stripped.startswith("#"):
            via_block = False
    return entries


@cache
def lock_pins(path: Path) -> dict[str, str]:
    """Canonical name -> pinned version."""
    return {name: version for name, version, _, _ in _entries(path)}


def _extra_of(path: Path) -> str:
    return path.stem.replace("-", "_")


def _requirements(extra: str) -> list[Requirement]:
    project = pyproject()["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"][extra]]]


def _unsafe(path: Path) -> set[str]:
    """Packages pip-compile left out on purpose (--unsafe-package: torch in the export stage's lock)."""
    text = path.read_text()
    marker = text.find("# WARNING: The following packages were not pinned")
    return {_canonical(line.lstrip("# ").strip()) for line in text[marker:].splitlines()[3:]
            if line.startswith("# ") and line[2:].strip()} if marker >= 0 else set()


def test_there_is_a_lock_for_every_image_and_the_export_stage() -> None:
    from deploy.aws import images

    expected = {f"{build.target}.txt" for build in images.compose_builds().values()} | {"onnx-export.txt"}
    assert {p.name for p in LOCKS} == expected


def test_make_lock_writes_every_lock() -> None:
    done = subprocess.run(["make", "-n", "lock"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    plan = done.stdout
    for path in LOCKS:
        extra = _extra_of(path)
        written = f"-o requirements/{path.name}" in plan or (
            "--extra $extra -o requirements/$(echo $extra | tr _ -).txt" in plan and extra in plan)
        assert written and extra in plan, f"make lock does not write {path.name}"
    assert "--generate-hashes" in plan


@pytest.mark.parametrize("path", LOCKS, ids=[p.name for p in LOCKS])
def test_every_pin_has_hashes(path: Path) -> None:
    entries = _entries(path)
    assert entries
    for name, version, hashes, _ in entries:
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), f"{name}=={version}"


@pytest.mark.parametrize("path", LOCKS, ids=[p.name for p in LOCKS])
def test_every_requirement_of_the_extra_is_satisfied_by_the_lock(path: Path) -> None:
    pins, unsafe = lock_pins(path), _unsafe(path)
    for requirement in _requirements(_extra_of(path)):
        name = _canonical(requirement.name)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        if name in unsafe:
            continue  # installed by the Dockerfile on its own (torch, from the CPU index)
        assert name in pins, f"{path.name}: {requirement} is not pinned (make lock)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{path.name}: {name}=={pins[name]} does not satisfy {requirement} (make lock)"
        )


@pytest.mark.parametrize("path", LOCKS, ids=[p.name for p in LOCKS])
def test_every_pin_is_reachable_from_the_extra(path: Path) -> None:
    entries = _entries(path)
    direct = {_canonical(r.name) for r in _requirements(_extra_of(path))}
    parents = {name: {_canonical(v.split()[0]) for v in via} for name, _, _, via in entries}
    reachable = {n for n, via in parents.items() if n in direct and PROJECT in via}
    stale = {n for n, via in parents.items() if PROJECT in via and n not in direct}
    assert not stale, f"{path.name}: pinned as the project's own requirement, no longer one: {sorted(stale)}"
    changed = True
    while changed:
        changed = False
        for name, via in parents.items():
            if name not in reachable and via & (reachable | _unsafe(path)):
                reachable.add(name)
                changed = True
    assert reachable == set(parents), f"{path.name}: unreachable pins {sorted(set(parents) - reachable)}"


def _pinned_extras(path: Path) -> dict[str, set[str]]:
    """Canonical name -> the extras its pin names (`smart-open[http]==9.0.2`)."""
    pins = (_PIN.match(line) for line in path.read_text().splitlines())
    return {_canonical(m.group(1)): {e.strip() for e in (m.group(2) or "").split(",") if e.strip()}
            for m in pins if m}


@pytest.mark.parametrize("path", LOCKS, ids=[p.name for p in LOCKS])
def test_every_extra_a_requirement_asks_for_is_named_in_its_pin(path: Path) -> None:
    """An image's pip (23.0 in the base image) resolves `weasel`'s `smart-open[http]` to the newest release
    when the lock pins plain `smart-open`, and --require-hashes then rejects it: the pin must name the extra.
    Read from the metadata of the pins installed here at the locked version."""
    pins, extras = lock_pins(path), _pinned_extras(path)
    wanted: dict[str, set[str]] = {}
    for requirement in _requirements(_extra_of(path)):
        if requirement.marker is None or requirement.marker.evaluate():
            wanted.setdefault(_canonical(requirement.name), set()).update(requirement.extras)
    read: set[tuple[str, frozenset[str]]] = set()
    while (todo := {(n, frozenset(e)) for n, e in wanted.items()} - read):
        for name, asked in todo:
            read.add((name, asked))
            try:
                dist = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
            if dist.version != pins.get(name):
                continue
            for line in dist.requires or []:
                child = Requirement(line)
                if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in {"", *asked}):
                    wanted.setdefault(_canonical(child.name), set()).update(child.extras)
    missing = {n: sorted(left) for n, e in wanted.items() if n in pins and (left := e - extras.get(n, set()))}
    assert not missing, f"{path.name}: pins without the extras asked for (make lock): {missing}"

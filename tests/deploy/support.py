"""Shared readers for the deployment tests: compose (interpolated), the Dockerfile, settings env names."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
import shlex
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
SCHEMA_FILE = ROOT / "deploy" / "schemas" / "compose-spec.json"
VALUES_EXAMPLE = ROOT / "deploy" / "ecs" / "values.example.json"

# our own top-level packages (setuptools `packages.find` in pyproject.toml)
LOCAL_PACKAGES = (
    "common",
    "pii_filter",
    "rag_core",
    "llm_connector",
    "psql_worker",
    "chunker",
    "embedder",
    "deploy",
)

# environment variables read by libraries, not by our settings classes, per compose service
LIBRARY_ENV = {
    # boto3's credential chain; local only (ECS uses the task role)
    "llm-connector": {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"},
}
# PUBLISHED_HOST: compose's host binding, told to the gateway; ECS has no host port
LOCAL_ONLY_ENV = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PUBLISHED_HOST"}

# third-party images: the variables their official images document
THIRD_PARTY_ENV = {
    "rabbitmq": {"RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS", "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"},
    "postgres": {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"},
}


# -- compose ------------------------------------------------------------------------------------------

_VAR = re.compile(
    r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose's variable syntax: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3)
        current = env.get(name)
        if operator == ":-":
            return current if current else interpolate(argument or "", env)
        if operator == "-":
            return current if current is not None else interpolate(argument or "", env)
        if operator in (":?", "?") and not current:
            raise KeyError(f"required variable {name} is not set: {argument}")
        return current or ""

    return _VAR.sub(replace, value)


def _interpolate_tree(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {k: _interpolate_tree(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [_interpolate_tree(v, env) for v in node]
    return node


def raw_compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())  # type: ignore[no-any-return]


def compose(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """docker-compose.yml as `docker compose config` would see it with `env` (default: nothing set)."""
    return _interpolate_tree(raw_compose(), env or {})  # type: ignore[no-any-return]


def env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def compose_variables() -> set[str]:
    """Every variable docker-compose.yml interpolates (not the `$$` escapes meant for the container)."""
    text = COMPOSE_FILE.read_text()
    return {m.group(1) or m.group(4) for m in _VAR.finditer(text) if m.group(0) != "$$"}


def service_env(service: Mapping[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {k: "" if v is None else str(v) for k, v in environment.items()}


def is_one_shot(name: str, services: Mapping[str, Any]) -> bool:
    """A job that runs to completion: restart "no" and nothing may expect it to stay healthy."""
    return str(services[name].get("restart", "no")) == "no"


# -- Dockerfiles ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    line: int

    @property
    def exec_form(self) -> list[str] | None:
        text = self.arguments
        if self.keyword == "HEALTHCHECK":
            text = text.split(" CMD ", 1)[1] if " CMD " in f" {text}" else ""
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, list) else None


def dockerfile(path: Path) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    buffer, start = "", 0
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        buffer += stripped
        keyword, _, arguments = buffer.partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip(), start))
        buffer = ""
    return instructions


def dockerfile_env(instructions: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ENV":
            for token in shlex.split(ins.arguments):
                key, _, value = token.partition("=")
                env[key] = value
    return env


def dockerfile_cmd(instructions: list[Instruction]) -> list[str]:
    commands = [i.exec_form for i in instructions if i.keyword == "CMD"]
    assert commands and commands[-1], "Dockerfile needs an exec-form CMD"
    return commands[-1]


def dockerfile_for(service: Mapping[str, Any]) -> Path | None:
    build = service.get("build")
    if not build:
        return None
    if isinstance(build, str):
        return ROOT / build / "Dockerfile"
    return (ROOT / build.get("context", ".")) / build.get("dockerfile", "Dockerfile")


def stages(instructions: list[Instruction]) -> dict[str, tuple[Instruction, list[Instruction]]]:
    """Stage name (or its index) -> (its FROM, its instructions after the FROM)."""
    found: dict[str, tuple[Instruction, list[Instruction]]] = {}
    current: list[Instruction] = []
    for ins in instructions:
        if ins.keyword == "FROM":
            parts = ins.arguments.split()
            name = parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else str(len(found))
            current = []
            found[name] = (ins, current)
        else:
            current.append(ins)
    return found


def image_instructions(path: Path, target: str | None = None) -> list[Instruction]:
    """What an image is made of: the FROM of its root stage, then every instruction of the stages it
    inherits, outermost first (the last stage when no target is named)."""
    found = stages(dockerfile(path))
    name = target or list(found)[-1]
    assert name in found, f"{path} has no stage {name}"
    chain: list[Instruction] = []
    while True:
        origin, own = found[name]
        chain = own + chain
        name = origin.arguments.split()[0]
        if name not in found:
            return [origin, *chain]


def image_for(service: Mapping[str, Any]) -> list[Instruction]:
    """The instructions of the image a compose service builds (its build target)."""
    path = dockerfile_for(service)
    assert path is not None, "service has no build section"
    build = service["build"]
    return image_instructions(path, build.get("target") if isinstance(build, Mapping) else None)


def python_module(service: Mapping[str, Any]) -> str | None:
    """The module a compose service runs (`python -m X`), from its entrypoint/command or image CMD."""
    parts: list[str] = []
    for key in ("entrypoint", "command"):
        value = service.get(key)
        if value:
            parts += value if isinstance(value, list) else shlex.split(value)
    if not parts or not any("python" in p for p in parts):
        if dockerfile_for(service) is None:
            return None
        parts = dockerfile_cmd(image_for(service))
    match = re.search(r"python\s+-m\s+([\w.]+)", " ".join(parts))
    return match.group(1) if match else None


# -- settings --------------------------------------------------------------------------------------------


def settings_classes(package: str) -> list[type[BaseSettings]]:
    """The pydantic-settings classes `<package>/settings.py` defines; skips while it is not written yet."""
    if not (ROOT / package / "settings.py").exists():
        pytest.skip(f"{package}/settings.py does not exist yet")
    module = importlib.import_module(f"{package}.settings")
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseSettings) and cls.__module__ == module.__name__
    ]


def settings_class_for(module: str) -> type[BaseSettings]:
    """The settings class the entry module builds (`X()` of a class from its package's settings)."""
    package = module.split(".")[0]
    classes = settings_classes(package)
    if len(classes) == 1:
        return classes[0]
    source = module_file(module).read_text()
    used = [cls for cls in classes if re.search(rf"\b{cls.__name__}\s*\(", source)]
    assert len(used) == 1, f"cannot tell which of {classes} {module} builds"
    return used[0]


def env_names(cls: type[BaseSettings]) -> set[str]:
    """Environment variable names a settings class reads (pydantic-settings is case-insensitive)."""
    prefix = str(cls.model_config.get("env_prefix", "") or "")
    names: set[str] = set()
    for name, field in cls.model_fields.items():
        alias = field.validation_alias or field.alias
        if isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            names.update(c.upper() for c in alias.choices if isinstance(c, str))
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def field_for_env(cls: type[BaseSettings], env: str) -> str | None:
    prefix = str(cls.model_config.get("env_prefix", "") or "").upper()
    for name in cls.model_fields:
        if f"{prefix}{name}".upper() == env.upper():
            return name
    return None


# -- imports ------------------------------------------------------------------------------------------


def module_file(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    if path.is_dir():
        main = path / "__main__.py"
        return main if main.exists() else path / "__init__.py"
    return path.with_suffix(".py")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _guards_import_error(node: ast.Try) -> bool:
    names = []
    for handler in node.handlers:
        kind = handler.type
        names += [
            e.id for e in (kind.elts if isinstance(kind, ast.Tuple) else [kind]) if isinstance(e, ast.Name)
        ]
    return bool({"ImportError", "ModuleNotFoundError"} & set(names))


def _imports(path: Path) -> Iterator[str]:
    """Imported module names, lazy ones too; not those under TYPE_CHECKING or `except ImportError`."""
    todo: list[ast.AST] = [ast.parse(path.read_text(), filename=str(path))]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            todo += node.orelse
            continue
        if isinstance(node, ast.Try) and _guards_import_error(node):
            todo += [*node.handlers, *node.orelse, *node.finalbody]
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        todo += list(ast.iter_child_nodes(node))


@cache
def import_closure(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """(our modules reachable from `module`, third-party top-level names they import), lazily included."""
    seen: set[str] = set()
    third_party: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        path = module_file(current)
        if current in seen or not path.exists():
            continue
        seen.add(current)
        parent = current.rsplit(".", 1)[0]
        if parent != current and parent not in seen:
            todo.append(parent)
        for name in _imports(path):
            top = name.split(".")[0]
            if top in LOCAL_PACKAGES:
                if module_file(name).exists():
                    todo.append(name)
            elif top not in sys.stdlib_module_names and top != "__future__":
                third_party.add(top)
    return frozenset(seen), frozenset(third_party)


# -- what an image installs -------------------------------------------------------------------------


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirement_closure(requirements: list[str]) -> set[str]:
    """Canonical names of the installed distributions these requirements pull in, transitively."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo: list[tuple[str, frozenset[str]]] = []
    for text in requirements:
        requirement = Requirement(text)
        todo.append((requirement.name, frozenset(requirement.extras)))
    while todo:
        name, extras = todo.pop()
        key = _canonical(name)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            seen.add(key)  # not installed here; still what the image would install
            continue
        first_visit = key not in seen
        seen.add(key)
        for text in distribution.requires or []:
            requirement = Requirement(text)
            wanted = requirement.marker is None or any(
                requirement.marker.evaluate({"extra": extra}) for extra in (extras or {""})
            )
            if wanted and (first_visit or extras) and _canonical(requirement.name) not in seen | {key}:
                todo.append((requirement.name, frozenset(requirement.extras)))
    return seen


def extra_requirements(extra: str) -> list[str]:
    project = pyproject()["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"][extra])


def distributions_of(top_level_module: str) -> set[str]:
    from importlib import metadata

    return {_canonical(d) for d in metadata.packages_distributions().get(top_level_module, [])}

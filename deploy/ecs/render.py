"""Fill the `${NAME}` placeholders of the ECS task-definition and RunTask templates from a values file.

Templates are JSON, so rendering walks the parsed document instead of editing text: a value can never
break the JSON, and a string that is exactly one placeholder may take a list or number (subnets).
Every placeholder must have a value, and every value must be a placeholder some template uses, so a
typo on either side fails before anything reaches AWS.

    python -m deploy.ecs.render --values deploy/ecs/values.json [--out build/ecs]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"

PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")

# every template, by the name the rest of the code uses: the task definitions go into the
# CloudFormation stack (deploy/aws/template.py), the RunTask request is what `up` sends for the pipeline
TEMPLATE_FILES: dict[str, Path] = {
    "live_task_definition": TEMPLATES / "live-inference.json",
    "pipeline_task_definition": TEMPLATES / "data-pipeline.json",
    "run_pipeline": TEMPLATES / "run-pipeline.json",
    "production_additions": TEMPLATES / "production-additions.json",
}


class RenderError(ValueError):
    """A placeholder without a value, a value nobody uses, or a value of the wrong type."""


def load_template(name: str) -> Any:
    return json.loads(TEMPLATE_FILES[name].read_text())


def placeholders(document: Any) -> set[str]:
    """Names of all `${NAME}` markers anywhere in a parsed JSON document (keys and values)."""
    found: set[str] = set()
    if isinstance(document, str):
        found.update(PLACEHOLDER.findall(document))
    elif isinstance(document, Mapping):
        for key, value in document.items():
            found.update(PLACEHOLDER.findall(key))
            found |= placeholders(value)
    elif isinstance(document, Sequence):
        for item in document:
            found |= placeholders(item)
    return found


def _render_string(text: str, values: Mapping[str, Any]) -> Any:
    whole = PLACEHOLDER.fullmatch(text)
    if whole:
        name = whole.group(1)
        if name not in values:
            raise RenderError(f"no value for ${{{name}}}")
        return values[name]

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise RenderError(f"no value for ${{{name}}}")
        value = values[name]
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise RenderError(f"${{{name}}} is used inside a string, so its value must be a string or number")
        return str(value)

    return PLACEHOLDER.sub(substitute, text)


def render(document: Any, values: Mapping[str, Any]) -> Any:
    """A copy of `document` with every placeholder replaced; raises RenderError on a missing value."""
    if isinstance(document, str):
        return _render_string(document, values)
    if isinstance(document, Mapping):
        return {_render_string(k, values): render(v, values) for k, v in document.items()}
    if isinstance(document, list):
        return [render(item, values) for item in document]
    return document


def load_values(path: Path | None, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Values from a JSON file; an environment variable `CR_<NAME>` overrides a string value."""
    values: dict[str, Any] = json.loads(path.read_text()) if path else {}
    if not isinstance(values, dict):
        raise RenderError(f"{path} must hold a JSON object of placeholder values")
    for key, value in environ.items():
        if key.startswith("CR_") and PLACEHOLDER.fullmatch("${" + key[3:] + "}"):
            values[key[3:]] = value
    return values


def render_all(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every template rendered; refuses values that no template uses (likely typos)."""
    templates = {name: load_template(name) for name in TEMPLATE_FILES}
    used = set().union(*(placeholders(t) for t in templates.values()))
    unused = sorted(set(values) - used)
    if unused:
        raise RenderError(f"values not used by any template: {', '.join(unused)}")
    missing = sorted(used - set(values))
    if missing:
        raise RenderError(f"no value for: {', '.join(missing)}")
    return {name: render(template, values) for name, template in templates.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.ecs.render", description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=Path, required=True, help="JSON object of placeholder values")
    parser.add_argument("--out", type=Path, help="directory for the rendered JSON files (default: stdout)")
    args = parser.parse_args(argv)
    try:
        rendered = render_all(load_values(args.values))
    except RenderError as exc:
        print(f"render failed: {exc}", file=sys.stderr)
        return 2
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, document in rendered.items():
            target = args.out / TEMPLATE_FILES[name].name
            target.write_text(json.dumps(document, indent=2) + "\n")
            print(target)
    else:
        print(json.dumps(rendered, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check request parameters against the real AWS API models that ship with botocore.

botocore's ParamValidator checks names, types, required members and ranges but not enum values, so
`enum_problems` walks the same shapes and reports any string outside its shape's enum (a typo in a
dependsOn condition or a log driver would otherwise only surface when AWS rejects the call).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.validate import ParamValidator


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    return _session().get_service_model(service).operation_model(operation)


def enum_problems(value: Any, shape: Shape, path: str = "") -> list[str]:
    """Strings that are not one of their shape's enum values, anywhere under `value`."""
    problems: list[str] = []
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        for name, member in shape.members.items():
            if name in value:
                problems += enum_problems(value[name], member, f"{path}.{name}" if path else name)
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for i, item in enumerate(value):
            problems += enum_problems(item, shape.member, f"{path}[{i}]")
    elif isinstance(shape, MapShape) and isinstance(value, Mapping):
        for key, item in value.items():
            problems += enum_problems(key, shape.key, f"{path} key")
            problems += enum_problems(item, shape.value, f"{path}[{key}]")
    elif getattr(shape, "enum", None) and isinstance(value, str) and value not in shape.enum:
        problems.append(f"{path}: {value!r} is not one of {sorted(shape.enum)}")
    return problems


def problems(service: str, operation: str, params: Mapping[str, Any]) -> list[str]:
    """Everything botocore's model says is wrong with these parameters; empty when valid."""
    shape = operation_model(service, operation).input_shape
    report = ParamValidator().validate(dict(params), shape)
    found = [line.strip() for line in report.generate_report().splitlines() if line.strip()]
    return found + enum_problems(params, shape)

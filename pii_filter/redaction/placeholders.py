"""Readable, typed placeholders that are consistent within one request, and putting values back."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pii_filter.redaction.normalise import normalise
from pii_filter.redaction.policy import PLACEHOLDER_LABELS, Span

# tolerate the spacing a language model sometimes adds inside the brackets
_PLACEHOLDER = re.compile(r"<\s*([A-Z][A-Z_]*_\d+)\s*>")
_DIGIT_TYPES = frozenset({"PHONE", "IN_AADHAAR", "CARD", "BANK_ACCOUNT", "IN_PIN_CODE"})


@dataclass(frozen=True)
class Placeholdered:
    """The text with placeholders and the placeholder -> original value map (first spelling seen)."""

    text: str
    originals: dict[str, str]


def identity_key(kind: str, value: str) -> tuple[str, str]:
    """The same identifier written two ways ("+91 98765 43210", "9876543210") gets one placeholder."""
    value = normalise(value).text
    if kind in _DIGIT_TYPES:
        digits = re.sub(r"\D", "", value)
        return kind, digits[-10:] if kind == "PHONE" else digits
    if kind in {"IN_PAN", "IN_PASSPORT", "IN_VOTER", "IN_VEHICLE_REGISTRATION", "IN_GSTIN"}:
        return kind, re.sub(r"[\W_]", "", value).upper()
    return kind, " ".join(value.split()).casefold()


def apply_placeholders(text: str, spans: Sequence[Span]) -> Placeholdered:
    """Replace each span (sorted, non-overlapping) with <LABEL_n>, numbering per label."""
    by_identity: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    originals: dict[str, str] = {}
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        value = text[span.start : span.end]
        key = identity_key(span.type, value)
        placeholder = by_identity.get(key)
        if placeholder is None:
            label = PLACEHOLDER_LABELS[span.type]
            counters[label] = counters.get(label, 0) + 1
            placeholder = f"{label}_{counters[label]}"
            by_identity[key] = placeholder
            originals[placeholder] = value
        pieces.append(text[cursor : span.start])
        pieces.append(f"<{placeholder}>")
        cursor = span.end
    pieces.append(text[cursor:])
    return Placeholdered("".join(pieces), originals)


def restore_placeholders(answer_text: str, originals: Mapping[str, str]) -> str:
    """Unknown placeholders are left as written: they were not ours to fill."""
    return _PLACEHOLDER.sub(lambda m: originals.get(m.group(1), m.group(0)), answer_text)

"""Defined-term lookup: "what does 'defect' mean?" should reach the clause that defines "defect".

Statutes define their vocabulary in one section; a question naming a term (in quotes, or as
"what is X", "meaning of X", "define X") adds the defining clauses as one more ranking to the
fusion. Terms are compared as stemmed, stop-word-free token sequences, the same as BM25 uses.
"""

from __future__ import annotations

import re
from typing import Any

from common.embedding import lexical_tokens

QUOTED = re.compile(r"(?:^|(?<=[\s(]))['‘\"“]([^'’\"”]{2,60})['’\"”](?=[\s?.,;:!)]|$)")
ASKED = re.compile(
    r"\b(?:what\s+is|what's|what\s+are|who\s+is|who\s+are|define|definition\s+of|meaning\s+of|"
    r"what\s+does|what\s+do|what\s+constitutes|meant\s+by)\s+(?:the\s+(?:term|word|expression)s?\s+)?"
    r"(?:an?\s+|the\s+)?(.{2,60}?)\s*(?:\bmeans?\b|\bunder\b|\bin\s+(?:the|this|a|an)\b|\baccording\b|\bas\s+per\b|\?|$)",
    re.IGNORECASE,
)


def key(term: str) -> tuple[str, ...]:
    return tuple(lexical_tokens([term])[0])


def asked_terms(question: str) -> list[tuple[str, ...]]:
    """Candidate defined terms named by the question, most explicit (quoted) first."""
    found = [m.group(1) for m in QUOTED.finditer(question)]
    found += [m.group(1) for m in ASKED.finditer(question)]
    keys: list[tuple[str, ...]] = []
    for term in found:
        k = key(term.strip(" '\"“”‘’"))
        if k and k not in keys:
            keys.append(k)
    return keys


def definitions_index(records: list[dict[str, Any]]) -> dict[tuple[str, ...], list[int]]:
    """Stemmed term -> indices of the records that define it."""
    index: dict[tuple[str, ...], list[int]] = {}
    for i, record in enumerate(records):
        if record.get("defines"):
            index.setdefault(key(record["defines"]), []).append(i)
    return index


def defining(question: str, index: dict[tuple[str, ...], list[int]]) -> list[int]:
    """Records defining a term the question asks about, in question order."""
    hits: list[int] = []
    for k in asked_terms(question):
        hits.extend(i for i in index.get(k, []) if i not in hits)
    return hits

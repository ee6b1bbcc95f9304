"""From a guide's words to the Act's: the sections a matching guide passage names lead to their text.

A story ("I bought 200 power banks to resell in my shop") shares words with the plain-language guide
that explains it ("Section 2(7) leaves out a person who buys goods for resale") far more than with the
Act's definition, which never mentions shops or power banks. The guide passages that rank best for the
question name, in their own text, the clauses they explain; those clauses' chunks form one more
ranking for the fusion, in the order the guides name them. Only a passage's own text counts (a guide's
front matter lists every section it touches, too many to point anywhere).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rag_core.units import is_statute, unit_key

# "section 2(7)", "sections 35 and 36", "Section 39(1)(b)", "sections 2(7), 2(42) or 69"
_CITED = re.compile(
    r"\bsections?\s+(\d{1,3}[A-Z]?(?:\(\w{1,4}\))*(?:\s*(?:,|and|or|to|/)\s*\d{1,3}[A-Z]?(?:\(\w{1,4}\))*)*)",
    re.IGNORECASE,
)
_LABEL = re.compile(r"(\d{1,3}[A-Z]?)((?:\(\w{1,4}\))*)")


def cited(text: str) -> list[str]:
    """Section labels a passage names in its text, in order, without repeats: ['2(7)', '39(1)(b)']."""
    labels: list[str] = []
    for match in _CITED.finditer(text):
        for number, clauses in _LABEL.findall(match.group(1)):
            label = number + clauses
            if label not in labels:
                labels.append(label)
    return labels


def statute_units(records: Sequence[dict[str, Any]]) -> dict[str, list[int]]:
    """Section or defined-term clause ('38', '2(7)') and sub-section label ('38(7)') -> the Act's chunks."""
    index: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        if not is_statute(record):
            continue
        for label in dict.fromkeys((unit_key(record)[2], str(record.get("section", "")))):
            index.setdefault(label, []).append(i)
    return index


def _targets(label: str, units: dict[str, list[int]]) -> list[int]:
    """The chunks a label names: its most specific indexed label (39(1)(b) -> 39(1) -> 39)."""
    parts = _LABEL.fullmatch(label)
    if not parts:
        return []
    number, clauses = parts.groups()
    pieces = re.findall(r"\(\w{1,4}\)", clauses)
    for n in range(len(pieces), -1, -1):
        found = units.get(number + "".join(pieces[:n]))
        if found:
            return found
    return []


def linked(
    fused: Sequence[tuple[int, float]],
    records: Sequence[dict[str, Any]],
    units: dict[str, list[int]],
    *,
    guides: int = 3,
) -> list[int]:
    """The Act's chunks that the best `guides` guide passages of the ranking name, in naming order."""
    ranking: dict[int, None] = {}
    seen = 0
    for index, _ in fused:
        if seen >= guides:
            break
        record = records[index]
        if is_statute(record):
            continue
        seen += 1
        for label in cited(str(record.get("text", ""))):
            ranking.update(dict.fromkeys(_targets(label, units)))
    return list(ranking)

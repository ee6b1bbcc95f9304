"""One slot per unit of the law: a section, a defined term or a guide, holding the chunks of it that matched.

A long section is indexed as several chunks (sub-sections packed to the model's input limit). Ranked one
by one, two chunks of one section fill two of five slots, and the chunk that ranks best is not always the
clause that answers. So the fused chunk ranking is grouped by unit; a unit ranks by its best chunk, and
its slot holds its matching chunks in reading order up to a character budget, so a short sub-section
arrives with the neighbouring clause that answers (docs/benchmarks.md measures the budget).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from common.messages import Passage


def unit_key(record: dict[str, Any]) -> tuple[str, str, str]:
    """(source, title, section without its sub-section) — a defined term keeps its clause (2(7) is a unit).

    The chunks of one guide share its title and section list, so a guide is one unit too.
    """
    section = str(record.get("section", ""))
    if not record.get("defines"):
        section = section.split("(", 1)[0]
    return (str(record.get("source", "")), str(record.get("title", "")), section)


@dataclass
class Unit:
    key: tuple[str, str, str]
    score: float = 0.0
    members: list[tuple[int, float]] = field(default_factory=list)  # (record index, fused score), best first


def is_statute(record: dict[str, Any]) -> bool:
    """Text of an Act (a paged document with one section label), not a guide written about it (a guide
    carries the Act's name but lists several sections and has no pages; llm_connector.citations agrees)."""
    section = str(record.get("section", ""))
    return bool(record.get("act") and section and record.get("page_start")) and "," not in section


def group(
    fused: Sequence[tuple[int, float]], records: Sequence[dict[str, Any]], *, k: int, law_first: bool = False
) -> list[Unit]:
    """The k best units of a fused chunk ranking (best chunk first), each with its ranked chunks; with
    `law_first` the Act's units come before the guides' (the authority first, then the plain words; a
    guide matches a story's words better and would otherwise fill the start of the context)."""
    units: dict[tuple[str, str, str], Unit] = {}
    for index, score in fused:
        key = unit_key(records[index])
        unit = units.get(key)
        if unit is None:
            if len(units) >= k:
                continue  # only chunks of units already chosen still join
            unit = units[key] = Unit(key, score)
        unit.members.append((index, score))
    chosen = list(units.values())
    if law_first:
        chosen.sort(key=lambda unit: not is_statute(records[unit.members[0][0]]))  # stable: ranks kept
    return chosen


def with_one(
    units: list[Unit],
    fused: Sequence[tuple[int, float]],
    records: Sequence[dict[str, Any]],
    *,
    k: int,
    wanted: Callable[[str], bool],
    law_first: bool = False,
) -> list[Unit]:
    """The k units, the last one given up, when none of their chunks is `wanted`, to the best ranked other
    unit with a chunk that is: a "what can I do?" story matches the guides on what went wrong (a defect,
    the e-commerce rules) better than the one saying where to complain and by when, which it needs most."""
    if len(units) < k or _holds(units, records, wanted):
        return units
    found = _best_other(units, fused, records, wanted)
    return units if found is None else [*group(fused, records, k=k - 1, law_first=law_first), found]


def with_extra(
    units: list[Unit], fused: Sequence[tuple[int, float]], records: Sequence[dict[str, Any]], *,
    wanted: Callable[[str], bool],
) -> list[Unit]:
    """The units and, when none of their chunks is `wanted`, one more: the best ranked other unit with a
    chunk that is, that chunk first (a slot given up would be the remedy's, which `with_one` just brought)."""
    if _holds(units, records, wanted):
        return units
    found = _best_other(units, fused, records, wanted)
    return units if found is None else [*units, found]


def _holds(units: list[Unit], records: Sequence[dict[str, Any]], wanted: Callable[[str], bool]) -> bool:
    return any(wanted(str(records[index]["text"])) for unit in units for index, _ in unit.members)


def _best_other(
    units: list[Unit],
    fused: Sequence[tuple[int, float]],
    records: Sequence[dict[str, Any]],
    wanted: Callable[[str], bool],
) -> Unit | None:
    """The best ranked unit outside `units` with a `wanted` chunk, that chunk first, then the unit's other
    fused chunks in rank order; None when there is none."""
    keys = {unit.key for unit in units}
    found = next(
        (i for i, _ in fused if unit_key(records[i]) not in keys and wanted(str(records[i]["text"]))), None
    )
    if found is None:
        return None
    key = unit_key(records[found])
    best = dict(fused)[found]
    members = [(found, best)] + [(i, s) for i, s in fused if i != found and unit_key(records[i]) == key]
    return Unit(key, best, members)


def _joined(first: str, second: str, *, probe: int = 60) -> str:
    """Two chunks in reading order; the overlap a split window repeats is kept once."""
    head = second[:probe]
    at = first.find(head) if len(head) == probe else -1
    if at >= 0 and second.startswith(first[at:]):
        return first[:at] + second
    return f"{first}\n\n{second}"


def _label(records: Sequence[dict[str, Any]]) -> str:
    labels = list(dict.fromkeys(str(r.get("section", "")) for r in records))
    return labels[0] if len(labels) == 1 else labels[0].split("(", 1)[0]  # 38(2) + 38(12) = section 38


def _pages(records: Sequence[dict[str, Any]]) -> str:
    starts = [int(r["page_start"]) for r in records if r.get("page_start")]
    ends = [int(r.get("page_end") or r["page_start"]) for r in records if r.get("page_start")]
    if not starts:
        return str(records[0].get("page", ""))
    low, high = min(starts), max(ends)
    return str(low) if low == high else f"{low}-{high}"


def passage_for(
    unit: Unit, records: Sequence[dict[str, Any]], similarity: dict[int, float], *, budget_chars: int
) -> Passage:
    """The unit's best chunk, plus its other matching chunks while they fit the budget, in reading order."""
    chosen: list[int] = []
    size = 0
    for index, _ in unit.members:
        length = len(records[index]["text"])
        if chosen and size + length > budget_chars:
            continue
        chosen.append(index)
        size += length
    chosen.sort(key=lambda i: int(records[i].get("position", 0)))
    parts = [records[i] for i in chosen]
    text = parts[0]["text"]
    for part in parts[1:]:
        text = _joined(text, part["text"])
    first = parts[0]
    return Passage(
        chunk_id="+".join(str(p["chunk_id"]) for p in parts),
        text=text,
        source=first["source"],
        act=first.get("act", ""),
        chapter=first.get("chapter", ""),
        section=_label(parts),
        title=first.get("title", ""),
        page=_pages(parts) if len(parts) > 1 else str(first.get("page", "")),
        score=round(max(similarity.get(i, 0.0) for i in chosen), 4),
        sample=any(p.get("sample") for p in parts),
    )

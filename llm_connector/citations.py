"""Map the `[n]` markers in an answer back to the passages they name, and build the user's citations."""

from __future__ import annotations

import re
from collections.abc import Sequence

from common.messages import SNIPPET_CHARS, Citation, Passage, snippet

__all__ = ["SNIPPET_CHARS", "citation_for", "citations_for", "resolve_markers", "snippet", "source_label"]

FALLBACK_CITATIONS = 3

# [1], [1, 2], [1,2,3], [2-3]; written back as [1][2] so every marker names one passage
_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")


def _numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*,\s*", group):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2:
            low, high = int(bounds[0]), int(bounds[1])
            if 0 < high - low < 10:
                numbers.extend(range(low, high + 1))
                continue
        numbers.extend(int(b) for b in bounds)
    return numbers


def resolve_markers(
    text: str, passage_count: int, *, cited: list[int] | None = None, tidy: bool = True
) -> tuple[str, list[int]]:
    """(text with one-number markers that count positions in the citation list, cited passage numbers).

    Citations are listed in order of first mention, so marker [n] names the n-th citation the person
    sees, whatever the passage's place in the prompt was. Markers naming a passage that does not exist
    are removed: a citation the user cannot follow is worse than none. `cited` continues a numbering
    (the answer's earlier pieces, llm_connector/answer_stream.py), `tidy=False` leaves the spacing alone.
    """
    cited = list(cited or [])

    def rewrite(match: re.Match[str]) -> str:
        valid = [n for n in _numbers(match.group(1)) if 1 <= n <= passage_count]
        for n in valid:
            if n not in cited:
                cited.append(n)
        return "".join(f"[{cited.index(n) + 1}]" for n in dict.fromkeys(valid))

    cleaned = _MARKER.sub(rewrite, text)
    if not tidy:
        return cleaned, cited
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned))
    return cleaned, cited


def is_statute(passage: Passage) -> bool:
    """Text of an Act (a paged document with one section label), not one of our guides.

    A guide rests on the Act and carries its name, but lists several sections and has no pages.
    """
    return bool(passage.act and passage.section and passage.page) and "," not in passage.section


def source_label(passage: Passage) -> str:
    """'Consumer Protection Act, 2019, section 35 (Manner of complaint), p. 22', or for a guide:
    'our guide “Fees for filing a consumer complaint” (on sections 35, 101)'."""
    if not is_statute(passage):
        name = passage.title or passage.source
        on = f" (on sections {passage.section})" if passage.section else ""
        return f"our guide “{name}”{on}"
    section = passage.section
    label = f"{passage.act}, " + (
        section
        if section.lower().startswith(("section", "rule", "regulation", "preamble"))
        else f"section {section}"
    )
    if passage.title:
        label = f"{label} ({passage.title})"
    return f"{label}, p. {passage.page}" if passage.page else label


def citation_for(passage: Passage) -> Citation:
    return Citation.of(passage)


def citations_for(numbers: Sequence[int], passages: Sequence[Passage]) -> list[Citation]:
    """Citations for 1-based passage numbers, in the given order."""
    return [citation_for(passages[n - 1]) for n in numbers if 1 <= n <= len(passages)]

"""Statute structure: Chapter -> Section -> sub-section / clause / proviso / Explanation.

Indian statutes (India Code PDFs) print a running page number, footnotes under a blank rule, an
"arrangement of sections" table before the text, and headings like
`69. Limitation period.—(1) The District Commission ...`. Only the enacted text is kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

CHAPTER = re.compile(r"^CHAPTER\s+([IVXLC]+[A-Z]?)\s*$")
HEADING = re.compile(
    r"^(\d{1,3}[A-Z]{0,2})\.\s+([A-Z][^—\n]{1,300}?)\s*[.:]?\s*(?:—|--|–)\s*(.*)$", re.DOTALL
)
HEADING_START = re.compile(r"^(\d{1,3}[A-Z]{0,2})\.\s+[A-Z]")
MARKER = re.compile(r"^(?:\((?:\d+[A-Z]*|[a-z]{1,4})\)|Provided\b|Explanation\b|Illustrations?\b|\d*\[\(\d)")
TOC_MARKERS = ("ARRANGEMENT OF SECTIONS", "TABLE OF CONTENTS")
FOOTNOTE_RULE = re.compile(r"^[ \t\u00a0]+$")  # PDFium renders the rule as a line of spaces only
FOOTNOTE = re.compile(r"^\s*(?:\*+|\d{1,2})\.\s")  # `*. Vide notification`, `1. Ins. by Act 33 of 2021`
PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)


@dataclass
class Piece:
    """A logical paragraph (wrapped PDF lines joined) and the page it starts on."""

    text: str
    page: int


@dataclass
class Section:
    number: str
    title: str
    chapter: str
    pieces: list[Piece] = field(default_factory=list)


@dataclass
class Statute:
    act: str
    preamble: list[Piece]
    sections: list[Section]


def clean_pages(pages: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(page, line) pairs without page numbers, running headers/footers and footnotes."""
    split = [(number, _above_footnotes(text.splitlines())) for number, text in pages]
    edges: Counter[str] = Counter()
    for _, lines in split:
        content = [ln.strip() for ln in lines if ln.strip()]
        edges.update({_shape(line) for line in content[:2] + content[-2:]})
    running = {s for s, n in edges.items() if len(split) >= 5 and n >= 0.4 * len(split)}
    out: list[tuple[int, str]] = []
    for number, lines in split:
        body = [ln for ln in lines if ln.strip()]
        while body and (PAGE_NUMBER.match(body[0]) or _shape(body[0].strip()) in running):
            body.pop(0)
        while body and (PAGE_NUMBER.match(body[-1]) or _shape(body[-1].strip()) in running):
            body.pop()
        # an amendment's footnote mark printed on a line of its own, above its `[(1A) ...`
        body = [ln for i, ln in enumerate(body) if not _lone_mark(ln, body[i + 1 : i + 2])]
        out.extend((number, _scrub(line)) for line in body)
    return out


def _above_footnotes(lines: list[str]) -> list[str]:
    """India Code prints footnotes under a rule that text extraction renders as a line of spaces.

    The line after the rule must read like a footnote and not like a section heading (`12. Title.—`),
    so a stray blank line never cuts enacted text off."""
    for i, line in enumerate(lines):
        following = next((ln for ln in lines[i + 1 :] if ln.strip()), "")
        if FOOTNOTE_RULE.match(line) and FOOTNOTE.match(following) and not HEADING.match(following.strip()):
            return [ln.rstrip() for ln in lines[:i]]
    return [ln.rstrip() for ln in lines]


def _lone_mark(line: str, following: list[str]) -> bool:
    marks_next = bool(following) and following[0].lstrip().startswith("[")
    return marks_next and bool(re.fullmatch(r"\d{1,2}", line.strip()))


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def _scrub(line: str) -> str:
    """Footnote reference marks: `date1 as`, `Kashmir*.`, `1[(1A)` (`1 [(1A)` from PDFium)."""
    line = re.sub(r"(?<=[a-z]{3})\d(?=[\s,.;:]|$)", "", line)
    line = re.sub(r"(?<=\w)\*+", "", line)
    line = re.sub(r"(?<![\w(])\d{1,2} ?\[", "[", line)
    return re.sub(r"\s+", " ", line).strip()


def _drop_arrangement(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Skip the table of sections: from its marker to where the act's title is printed again."""
    for i, (_, line) in enumerate(lines):
        if line.upper() in TOC_MARKERS:
            title = next((ln for _, ln in reversed(lines[:i]) if ln and not set(ln) <= set("_- ")), "")
            again = next((j for j in range(i + 1, len(lines)) if title and lines[j][1] == title), None)
            if again is not None:
                return lines[again:]
            return [(p, ln) for p, ln in lines[i + 1 :] if not re.match(r"^\d+\.\s[^—]*$", ln)]
    return lines


def looks_like_statute(text: str) -> bool:
    """At least three `N. Title.—` section headings."""
    return sum(1 for line in text.splitlines() if HEADING.match(line.strip())) >= 3


def parse(pages: list[tuple[int, str]]) -> Statute:
    """Sections in order with their chapter; a heading must continue the numbering (not a footnote)."""
    lines = [(p, ln) for p, ln in _drop_arrangement(clean_pages(pages)) if not set(ln) <= set("_- ")]
    act = next((ln for _, ln in lines if re.search(r"\bACT\b.*\d{4}", ln, re.IGNORECASE)), "")
    act = _title_case(act)
    preamble: list[Piece] = []
    sections: list[Section] = []
    chapter = ""
    i = 0
    while i < len(lines):
        page, line = lines[i]
        chapter_match = CHAPTER.match(line)
        if chapter_match:
            name = lines[i + 1][1] if i + 1 < len(lines) and lines[i + 1][1].isupper() else ""
            chapter = f"Chapter {chapter_match.group(1)}" + (f": {name.title()}" if name else "")
            i += 2 if name else 1
            continue
        heading, consumed = _heading_at(lines, i, sections[-1].number if sections else None)
        if heading:
            number, title, rest = heading
            sections.append(Section(number, title, chapter))
            if rest:
                _append(sections[-1].pieces, rest, page)
            i += consumed
            continue
        _append(sections[-1].pieces if sections else preamble, line, page)
        i += 1
    return Statute(act, preamble, sections)


def _heading_at(
    lines: list[tuple[int, str]], i: int, previous: str | None
) -> tuple[tuple[str, str, str] | None, int]:
    line = lines[i][1]
    if not HEADING_START.match(line):
        return None, 1
    for consumed in (1, 2):
        text = " ".join(ln for _, ln in lines[i : i + consumed])
        match = HEADING.match(text)
        if match and _continues(previous, match.group(1)):
            return (match.group(1), match.group(2).strip().rstrip("."), match.group(3).strip()), consumed
    return None, 1


def _continues(previous: str | None, number: str) -> bool:
    value = int(re.match(r"\d+", number).group())  # type: ignore[union-attr]
    if previous is None:
        return value == 1
    before = int(re.match(r"\d+", previous).group())  # type: ignore[union-attr]
    return before < value <= before + 5 or (value == before and number != previous)


# a line ending in these words goes on with the number it refers to ("in accordance with sub-section" then
# "(1) by the Central Authority"): that "(1)" is a reference, not a clause of its own
REFERS_TO = re.compile(r"\b(?:sub-sections?|sections?|sub-clauses?|clauses?)\s*$", re.IGNORECASE)


def _append(pieces: list[Piece], line: str, page: int) -> None:
    """Start a new piece at a structural marker, else continue the wrapped paragraph."""
    if not pieces or (MARKER.match(line) and not REFERS_TO.search(pieces[-1].text)):
        pieces.append(Piece(line, page))
    elif pieces[-1].text.endswith("-") and line[:1].islower():
        pieces[-1].text = pieces[-1].text + line
    else:
        pieces[-1].text = f"{pieces[-1].text} {line}"


def _title_case(text: str) -> str:
    small = {"of", "and", "the", "for", "in", "on", "to"}
    words = text.strip().lower().split()
    return " ".join(w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words))


DEFINED_TERM = re.compile(r"^\((\d+[A-Z]*)\)\s*[“\"']([^”\"']{1,80})[”\"']")
SUBSECTION = re.compile(r"^\((\d+[A-Z]*)\)")

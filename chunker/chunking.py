"""From a Document to Chunks: statute sections, Markdown guides, or plain paragraphs.

Granularity: a statute section is one chunk when it fits; otherwise its sub-sections are packed
together up to the budget, and a definitions section gives one chunk per defined term (the unit
people ask about). Guides give one chunk per `##` part; a blockquote's lines (a sample letter or form)
keep a mark and make their chunk `sample` (common/samples.py). Every chunk carries its section metadata
and a heading (act, chapter, section, title) that is embedded and indexed with its text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from chunker.pieces import clause_pieces
from chunker.readers import Document
from chunker.splitter import TokenCounter, Window, body_budget, fits, pack
from chunker.statute import DEFINED_TERM, SUBSECTION, Piece, Section, looks_like_statute, parse
from common.messages import Chunk
from common.samples import SAMPLE_MARK


@dataclass(frozen=True)
class Sizes:
    """Target chunk size and overlap in word pieces; `maximum` is the model's input limit."""

    target: int = 200
    overlap: int = 40
    maximum: int = 256


@dataclass
class Draft:
    text: str
    heading: str
    section: str = ""
    title: str = ""
    chapter: str = ""
    act: str = ""
    pages: tuple[int, int] = (0, 0)
    defines: str = ""
    sample: bool = False


def chunk_document(doc: Document, *, count: TokenCounter, sizes: Sizes = Sizes()) -> list[Chunk]:
    """All chunks of one document, in reading order, with stable ids."""
    statute = doc.kind != "markdown" and looks_like_statute("\n".join(text for _, text in doc.pages))
    if doc.kind == "markdown":
        drafts = _markdown(doc, count, sizes)
    elif statute:
        drafts = _statute(doc, count, sizes)
    else:
        drafts = _plain(doc, count, sizes)
    chunks = []
    for position, draft in enumerate(drafts):
        digest = hashlib.sha256(f"{doc.source}\x00{position}\x00{draft.heading}\x00{draft.text}".encode())
        chunks.append(
            Chunk(
                chunk_id=digest.hexdigest()[:24],
                text=draft.text,
                source=doc.source,
                source_sha256=doc.sha256,
                act=draft.act,
                chapter=draft.chapter,
                section=draft.section,
                title=draft.title,
                page_start=draft.pages[0],
                page_end=draft.pages[1],
                position=position,
                heading=draft.heading,
                defines=draft.defines,
                sample=draft.sample,
                # only a statute's text is made of clauses; a guide's paragraphs are short already
                pieces=clause_pieces(draft.text, section=draft.section, title=draft.title) if statute else [],
            )
        )
    return chunks


def _pages(pieces: list[Piece]) -> tuple[int, int]:
    numbers = [p.page for p in pieces if p.page]
    return (min(numbers), max(numbers)) if numbers else (0, 0)


def _windows(pieces: list[Piece], heading: str, count: TokenCounter, sizes: Sizes) -> list[Window]:
    budget = body_budget(heading, target=sizes.target, maximum=sizes.maximum, count=count)
    if fits(pieces, budget, count):
        return [Window(pieces)]
    return pack(pieces, budget=budget, overlap=sizes.overlap, count=count)


# -- statutes ---------------------------------------------------------------------------------


def _statute(doc: Document, count: TokenCounter, sizes: Sizes) -> list[Draft]:
    statute = parse(doc.pages)
    count.prime([p.text for part in (statute.preamble, *(s.pieces for s in statute.sections)) for p in part])
    act = statute.act or doc.meta.get("act", "")
    drafts: list[Draft] = []
    if statute.preamble:
        heading = f"{act} — Preamble"
        drafts += [
            Draft(w.text, heading, "Preamble", "Preamble", "", act, _pages(w.pieces))
            for w in _windows(statute.preamble, heading, count, sizes)
        ]
    for section in statute.sections:
        drafts += _section(section, act, count, sizes)
    return drafts


def _groups(pieces: list[Piece], pattern: re.Pattern[str]) -> list[tuple[str, list[Piece]]]:
    """Split at pieces matching `pattern`; text before the first match joins the first group."""
    groups: list[tuple[str, list[Piece]]] = []
    lead: list[Piece] = []
    for piece in pieces:
        match = pattern.match(piece.text)
        if match:
            groups.append((match.group(1), [*lead, piece] if not groups else [piece]))
            lead = []
        elif groups:
            groups[-1][1].append(piece)
        else:
            lead.append(piece)
    return groups if groups else [("", lead)]


def _section(section: Section, act: str, count: TokenCounter, sizes: Sizes) -> list[Draft]:
    chapter = f" — {section.chapter}" if section.chapter else ""
    prefix = f"{act}{chapter} — Section"
    pieces = section.pieces or [Piece(section.title, 0)]
    heading = f"{prefix} {section.number}: {section.title}"
    budget = body_budget(heading, target=sizes.target, maximum=sizes.maximum, count=count)
    packing_budget = body_budget(
        f"{prefix} {section.number}(99A)-(99A): {section.title}",
        target=sizes.target,
        maximum=sizes.maximum,
        count=count,
    )
    terms = [DEFINED_TERM.match(p.text) for p in pieces]
    if sum(1 for t in terms if t) >= 3:
        drafts = []
        for number, group in _groups(pieces, DEFINED_TERM):
            term = next((m.group(2) for m in map(DEFINED_TERM.match, (p.text for p in group)) if m), "")
            title = f"{section.title}: “{term}”" if term else section.title
            label = f"{section.number}({number})" if number else section.number
            sub_heading = f"{prefix} {label}: {title}"
            drafts += [
                Draft(w.text, sub_heading, label, title, section.chapter, act, _pages(w.pieces), term)
                for w in _windows(group, sub_heading, count, sizes)
            ]
        return drafts
    if fits(pieces, budget, count):
        return [
            Draft(
                "\n".join(p.text for p in pieces),
                heading,
                section.number,
                section.title,
                section.chapter,
                act,
                _pages(pieces),
            )
        ]
    drafts = []
    for numbers, group in _pack_subsections(_groups(pieces, SUBSECTION), packing_budget, count):
        if not numbers[0]:  # a long section without numbered sub-sections: its windows share its number
            label = section.number
        elif len(numbers) == 1:
            label = f"{section.number}({numbers[0]})"
        else:
            label = f"{section.number}({numbers[0]})-({numbers[-1]})"
        sub_heading = f"{prefix} {label}: {section.title}"
        drafts += [
            Draft(w.text, sub_heading, label, section.title, section.chapter, act, _pages(w.pieces))
            for w in _windows(group, sub_heading, count, sizes)
        ]
    return drafts


def _pack_subsections(
    groups: list[tuple[str, list[Piece]]], budget: int, count: TokenCounter
) -> list[tuple[list[str], list[Piece]]]:
    """Neighbouring sub-sections share a chunk while they fit; a long one is split on its own."""
    packed: list[tuple[list[str], list[Piece]]] = []
    for number, group in groups:
        if packed and fits(packed[-1][1] + group, budget, count):
            packed[-1][0].append(number)
            packed[-1][1].extend(group)
        else:
            packed.append(([number], list(group)))
    return packed


# -- guides and plain text ----------------------------------------------------------------------


def _paragraphs(text: str, page: int) -> list[Piece]:
    """Blank-line paragraphs; list items and sub-headings stay separate pieces, and so does each line of
    a blockquote (a sample letter or form, common/samples.py), which keeps SAMPLE_MARK."""
    pieces: list[Piece] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        current: list[str] = []
        for line in lines:
            quoted = line.startswith(">")
            if current and (quoted or re.match(r"^([-*+]|\d+[.)]|#{3,6})\s", line)):
                pieces.append(Piece(" ".join(current), page))
                current = []
            if quoted:  # "> > [Signature]" and a bare ">" (a blank line inside the quote) too
                words = line.lstrip("> ").strip()
                if words:
                    pieces.append(Piece(SAMPLE_MARK + words, page))
                continue
            current.append(line)
        if current:
            pieces.append(Piece(" ".join(current), page))
    return pieces


def _sample(window: Window) -> bool:
    return any(p.text.startswith(SAMPLE_MARK) for p in window.pieces)


def _markdown(doc: Document, count: TokenCounter, sizes: Sizes) -> list[Draft]:
    meta = doc.meta
    body = doc.pages[0][1] if doc.pages else ""
    title = str(meta.get("title") or next(iter(re.findall(r"^#\s+(.+)$", body, re.MULTILINE)), doc.source))
    act = str(meta.get("act") or "")
    raw_sections = meta.get("sections") or []
    section = ", ".join(str(s) for s in raw_sections) if isinstance(raw_sections, list) else str(raw_sections)
    parts = re.split(r"^##\s+(.+)$", body, flags=re.MULTILINE)
    intro = re.sub(r"^#\s+.+$", "", parts[0], flags=re.MULTILINE)
    if meta.get("summary"):
        intro = f"{meta['summary']}\n\n{intro}"
    named = [("", intro), *zip(parts[1::2], parts[2::2], strict=True)]
    drafts: list[Draft] = []
    for name, text in named:
        pieces = _paragraphs(text, 0)
        if not pieces:
            continue
        heading = f"{title} — {name.strip()}" if name else title
        drafts += [
            Draft(w.text, heading, section, title, "", act, sample=_sample(w))
            for w in _windows(pieces, heading, count, sizes)
        ]
    return drafts


def _plain(doc: Document, count: TokenCounter, sizes: Sizes) -> list[Draft]:
    title = doc.meta.get("title") or doc.source.rsplit("/", 1)[-1]
    pieces = [piece for number, text in doc.pages for piece in _paragraphs(text, number)]
    return [
        Draft(w.text, title, "", title, "", "", _pages(w.pieces), sample=_sample(w))
        for w in _windows(pieces, title, count, sizes)
    ]

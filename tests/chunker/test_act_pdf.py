"""The real Consumer Protection Act, 2019 PDF: the sections people ask about come out whole and labelled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chunker.chunking import chunk_document
from chunker.readers import read

ACT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "consumer_protection_act_2019.pdf"


@pytest.fixture(scope="module")
def act_chunks(count):
    if not ACT.exists():
        pytest.skip(f"reference corpus not found at {ACT}")
    return chunk_document(read(ACT, ACT.name), count=count)


def test_consumer_rights_definition_is_its_own_chunk(act_chunks) -> None:
    [chunk] = [c for c in act_chunks if c.section == "2(9)"]
    assert chunk.defines == "consumer rights" and "consumer rights" in chunk.title
    assert chunk.act == "The Consumer Protection Act, 2019"
    assert chunk.chapter.startswith("Chapter I:")
    assert chunk.page_label() == "6"
    assert "(vi) the right to consumer awareness" in chunk.text
    assert "(i) the right to be protected against the marketing of goods" in chunk.text


def test_limitation_period_section(act_chunks) -> None:
    chunks = [c for c in act_chunks if re.fullmatch(r"69(\(.*)?", c.section)]
    assert chunks and all(c.title == "Limitation period" for c in chunks)
    text = "\n".join(c.text for c in chunks)
    assert "within two years from the date on which the cause of action has arisen" in text
    assert "records its reasons for condoning such delay" in text
    assert chunks[0].page_label() == "28"


def test_every_section_is_present_and_fits_the_model(act_chunks, count) -> None:
    numbers = {int(re.match(r"\d+", c.section).group()) for c in act_chunks if c.section[:1].isdigit()}
    assert numbers == set(range(1, 108))
    assert all(count(c.embedding_text()) + 2 <= 256 for c in act_chunks)
    assert len({c.chunk_id for c in act_chunks}) == len(act_chunks)


def test_no_page_headers_footnotes_or_arrangement_table(act_chunks) -> None:
    for chunk in act_chunks:
        lines = [line.strip() for line in chunk.text.splitlines()]
        assert not any(re.fullmatch(r"\d{1,3}", line) for line in lines), chunk.text[:80]
        assert "ARRANGEMENT OF SECTIONS" not in chunk.text
        assert "Vide notification" not in chunk.text and "w.e.f." not in chunk.text
    # the arrangement table lists every title; the enacted text has each heading once
    assert not any("Short title, extent, commencement and application." in c.text for c in act_chunks)


def test_hyphens_and_amendment_marks_come_out_clean(act_chunks) -> None:
    text = "\n".join(c.text for c in act_chunks)
    assert "\ufffe" not in text and "\x02" not in text  # PDFium's soft-hyphen marks
    assert "sub-section" in text
    assert "[(1A) Notwithstanding" in text and "1 [(1A)" not in text


def test_word_pieces_add_up_across_newlines(count) -> None:
    """`fits` sums the pieces' counts instead of re-tokenizing the joined text: exact for this tokenizer."""
    if not ACT.exists():
        pytest.skip(f"reference corpus not found at {ACT}")
    from chunker.statute import parse

    statute = parse(read(ACT, ACT.name).pages)
    sections = [s.pieces for s in statute.sections if len(s.pieces) > 1]
    assert len(sections) > 50
    fresh = type(count)()  # no cached counts
    for pieces in sections:
        joined = "\n".join(p.text for p in pieces)
        assert fresh(joined) == sum(fresh(p.text) for p in pieces), joined[:80]


def test_sections_without_numbered_sub_sections_keep_a_plain_label(act_chunks) -> None:
    """Section 86 (no sub-sections, too long for one chunk) comes in windows labelled `86`, not `86()`."""
    assert not any("()" in c.section for c in act_chunks)
    windows = [c for c in act_chunks if c.section == "86"]
    assert len(windows) >= 2 and all(c.title == "Liability of product sellers" for c in windows)


def test_a_definitions_clauses_are_its_pieces_each_under_a_short_heading(act_chunks) -> None:
    """Small-to-big (chunker/pieces.py): the resale exclusion of 2(7)(i) is a piece of its own."""
    [chunk] = [c for c in act_chunks if c.section == "2(7)" and "resale" in c.text]
    heading = "Section 2(7): Definitions: “consumer”"
    assert len(chunk.pieces) >= 3 and all(p.startswith(heading + "\n") for p in chunk.pieces)
    exclusion = "but does not include a person who obtains such goods for resale or for any commercial"
    assert any(p.split("\n", 1)[1].startswith(exclusion) for p in chunk.pieces)
    assert all(c.pieces for c in act_chunks)
    body = " ".join(p.split("\n", 1)[1] for p in chunk.pieces)  # nothing lost between the pieces
    assert re.sub(r"\W+", " ", chunk.text).strip() == re.sub(r"\W+", " ", body).strip()

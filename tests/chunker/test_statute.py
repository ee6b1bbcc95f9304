"""Statute structure from generated PDFs and text: sections, chapters, pages, and the noise dropped."""

from __future__ import annotations

import itertools
from pathlib import Path

from chunker.chunking import Sizes, chunk_document
from chunker.readers import read
from chunker.statute import clean_pages, parse
from tests.support.pdf_maker import make_pdf

TITLE = "THE WIDGET PROTECTION ACT, 2020"


def widget_act_pages() -> list[list[str]]:
    return [
        [
            "1",
            TITLE,
            "ARRANGEMENT OF SECTIONS",
            "CHAPTER I",
            "PRELIMINARY",
            "SECTIONS",
            "1. Short title and commencement.",
            "2. Definitions.",
            "CHAPTER II",
            "COMPLAINTS",
            "3. Limitation period.",
        ],
        [
            "2",
            TITLE,
            "ACT NO. 9 OF 2020",
            "An Act to protect the buyers of widgets.",
            "CHAPTER I",
            "PRELIMINARY",
            "1. Short title and commencement.—(1) This Act may be called the Widget Protection Act, 2020.",
            "(2) It shall come into force on such date as the Government may notify.",
            "2. Definitions.—In this Act, unless the context otherwise requires,—",
            "(1) “widget” means any small mechanical device sold to a buyer;",
            "(2) “buyer” means a person who buys a widget for a consideration;",
            "(3) “seller” means a person who sells widgets in the course of",
            "business, whether online or offline;",
        ],
        [
            "3",
            "CHAPTER II",
            "COMPLAINTS",
            "3. Limitation period.—(1) No complaint shall be admitted unless it is filed within",
            "two years from the date on which the cause of action has arisen.",
            "(2) A complaint may be entertained after that period if the buyer shows sufficient cause:",
            "Provided that the reasons for condoning the delay are recorded in writing.",
        ],
    ]


def test_pdf_statute_sections_chapters_and_pages(tmp_path: Path, count) -> None:
    pdf = tmp_path / "widget_act.pdf"
    pdf.write_bytes(make_pdf(widget_act_pages()))
    chunks = chunk_document(read(pdf, "widget_act.pdf"), count=count)
    by_section = {c.section: c for c in chunks}

    assert {"1", "2(1)", "2(2)", "2(3)", "3"} <= set(by_section)
    assert all(c.act == "The Widget Protection Act, 2020" for c in chunks)
    assert by_section["2(2)"].defines == "buyer"
    assert by_section["2(2)"].title == "Definitions: “buyer”"
    assert by_section["2(3)"].text.endswith("whether online or offline;")
    limitation = by_section["3"]
    assert limitation.title == "Limitation period"
    assert limitation.chapter == "Chapter II: Complaints"
    assert limitation.page_label() == "3"
    assert "two years from the date" in limitation.text and "Provided that" in limitation.text
    assert "Section 3: Limitation period" in limitation.heading
    assert by_section["1"].chapter == "Chapter I: Preliminary"


def test_arrangement_table_and_page_numbers_are_not_indexed(tmp_path: Path, count) -> None:
    pdf = tmp_path / "widget_act.pdf"
    pdf.write_bytes(make_pdf(widget_act_pages()))
    chunks = chunk_document(read(pdf, "widget_act.pdf"), count=count)
    texts = [c.text for c in chunks]
    assert not any("ARRANGEMENT OF SECTIONS" in t for t in texts)
    assert not any(t.strip().isdigit() for t in texts)
    assert not any(line.strip() in {"1", "2", "3"} for t in texts for line in t.splitlines())
    # the table lists "1. Short title and commencement." without a dash: it must not become a section
    assert [c.section for c in chunks].count("1") == 1
    assert sum("Short title and commencement" in t for t in texts) == 0  # titles live in the heading
    assert sum("Short title and commencement" in c.heading for c in chunks) == 1


def test_footnotes_and_running_headers_are_dropped() -> None:
    footer_rule = " " * 40
    bodies = [
        "The buyer may complain.",
        "The seller must answer.",
        "A hearing is held.",
        "The order is made.",
        "An appeal may follow.",
    ]
    pages = [
        (n, f"{n}\nINDIA CODE 2021\n{body}\n{footer_rule}\n1. Subs. by Act 3 of 2021.")
        for n, body in enumerate(bodies, start=1)
    ]
    lines = [line for _, line in clean_pages(pages)]
    assert lines == bodies


def test_footnote_reference_marks_are_removed() -> None:
    statute = parse(
        [
            (
                1,
                "1. Extent.—(1) It extends to the whole of India*.\n(2) It comes into force on such date1 as "
                "notified.\n2. Other.—Text.\n3. More.—Text.",
            )
        ]
    )
    text = " ".join(p.text for p in statute.sections[0].pieces)
    assert "India." in text and "date as notified" in text


def test_a_number_referred_to_at_a_line_start_is_no_clause_of_its_own() -> None:
    statute = parse(
        [
            (
                1,
                "1. Compounding.—(1) An offence may be compounded in accordance with sub-section\n"
                "(2) by the Authority on payment of the fee.\n(2) The fee shall be fixed under clause\n"
                "(b) of section 2.\n(3) The rest.\n2. Other.—Text.\n3. More.—Text.",
            )
        ]
    )
    pieces = [p.text for p in statute.sections[0].pieces]
    assert pieces[0] == (
        "(1) An offence may be compounded in accordance with sub-section (2) by the Authority on payment of "
        "the fee."
    )
    assert pieces[1] == "(2) The fee shall be fixed under clause (b) of section 2."
    assert pieces[2] == "(3) The rest."


def test_section_numbers_must_continue_so_numbered_notes_are_not_sections() -> None:
    statute = parse(
        [
            (
                1,
                "1. First.—Text one.\n2. Second.—Text two with a list:\n"
                "1. Ins. by Act 33 of 2021.—an amendment note.\n3. Third.—Text three.",
            )
        ]
    )
    assert [s.number for s in statute.sections] == ["1", "2", "3"]


def test_long_section_is_split_under_the_model_limit_with_overlap(tmp_path: Path, count) -> None:
    clauses = [
        f"({i}) The seller shall keep record number {i} of every widget sold, including the price, "
        f"the date of sale, the name of the buyer and the warranty terms that apply to it."
        for i in range(1, 25)
    ]
    text = "\n".join(["1. Records.—", *clauses, "2. Other.—Short.", "3. Last.—Short."])
    source = tmp_path / "act.txt"
    source.write_text(text, encoding="utf-8")
    chunks = [
        c
        for c in chunk_document(read(source, "act.txt"), count=count, sizes=Sizes(target=120, overlap=30))
        if c.section.startswith("1(")
    ]
    assert len(chunks) > 3
    assert all(count(c.embedding_text()) + 2 <= 256 for c in chunks)
    assert all(c.title == "Records" for c in chunks)
    assert chunks[0].section.startswith("1(1)")
    joined = "\n".join(c.text for c in chunks)
    assert all(f"record number {i} " in joined for i in range(1, 25))


def test_oversized_paragraph_is_cut_with_overlap(count) -> None:
    from chunker.splitter import pack
    from chunker.statute import Piece

    sentences = [f"Sentence {i} says the buyer may return the widget within thirty days." for i in range(40)]
    windows = pack([Piece(" ".join(sentences), 1)], budget=80, overlap=20, count=count)
    assert len(windows) > 4
    assert all(count(w.text) <= 80 for w in windows)
    for before, after in itertools.pairwise(windows):
        assert after.pieces[0].text in before.text  # the next window repeats the last sentence(s)


def test_a_sentence_too_long_for_a_chunk_is_cut_between_words_and_marked_on_both_sides(count) -> None:
    from chunker.splitter import CUT, pack
    from chunker.statute import Piece

    sentence = " ".join(f"the commission number {i} as the case may be" for i in range(30)) + " shall act."
    windows = pack([Piece(sentence, 1)], budget=60, overlap=10, count=count)
    texts = [w.text for w in windows]
    assert len(texts) > 2
    assert all(count(t) <= 60 for t in texts)
    assert texts[0].startswith("the commission number 0") and texts[0].endswith(f" {CUT}")
    assert all(t.startswith(f"{CUT} ") for t in texts[1:])
    assert all(t.endswith(f" {CUT}") for t in texts[:-1]) and texts[-1].endswith("shall act.")
    words = " ".join(t.replace(CUT, " ") for t in texts).split()
    assert words == sentence.split()  # nothing lost or repeated at the cuts


def test_footnotes_under_a_rule_of_spaces_go_and_a_blank_line_before_a_section_stays() -> None:
    pages = [
        (
            1,
            "1\nCHAPTER I\n2. Definitions.—In this Act the sky is blue.\n \n"
            "1. Ins. by Act 33 of 2021, s. 30 (w.e.f. 4-4-2021).\n*. Vide notification No. S.O. 3912(E).",
        ),
        (
            2,
            "2\nit is also wide.\n \n3. Limitation period.—(1) Two years from the cause of action.\n"
            "age of sixty-seven years.\n1\n[(1A) Notwithstanding anything contained in sub-section (1)]",
        ),
    ]
    lines = [line for _, line in clean_pages(pages)]
    assert not any("Ins. by Act" in line or "Vide notification" in line for line in lines)
    assert "3. Limitation period.—(1) Two years from the cause of action." in lines
    assert "1" not in lines  # the amendment's mark on its own line
    assert "[(1A) Notwithstanding anything contained in sub-section (1)]" in lines


def test_pdf_reader_keeps_hyphens_and_lines(tmp_path: Path) -> None:
    pdf = tmp_path / "act.pdf"
    pdf.write_bytes(make_pdf([["Section 5. Refunds.", "within thirty days of the sub-section (2) notice."]]))
    document = read(pdf, "act.pdf")
    text = "\n".join(page_text for _, page_text in document.pages)
    assert "sub-section (2)" in text and "\ufffe" not in text
    assert "Refunds." in text

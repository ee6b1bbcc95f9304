"""The letter around a question is not searched; one slot per section holds the clauses that matched."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.remedy import names_deficiency, states_remedy
from rag_core.kinds import about_service
from rag_core.links import cited, linked, statute_units
from rag_core.question import retrieval_text
from rag_core.retrieval import Retriever
from rag_core.scope import read_examples
from rag_core.settings import RagSettings
from rag_core.units import group, is_statute, passage_for, unit_key, with_extra, with_one


def test_greetings_sign_offs_placeholders_and_numbers_are_not_searched() -> None:
    text = retrieval_text(
        "Respected Sir, the dealer refused to replace my fridge. Can I complain? Pls reply asap. "
        "Regards, <PERSON_1> <PHONE_NUMBER_1> - , Kolkata 98111 22233"
    )
    assert text == "the dealer refused to replace my fridge. Can I complain?"  # the signature goes too
    assert retrieval_text("hi hello namaste, gud evening. What is the fee for Rs 5,00,000?") == (
        "What is the fee for Rs 5,00,000?"
    )
    assert retrieval_text("Hello") == "Hello"  # nothing but a greeting: searched as typed
    assert (
        retrieval_text("write to me at a.b@example.com about section 35") == "write to me at about section 35"
    )


def _record(i: int, section: str, *, defines: str = "", text: str = "") -> dict[str, object]:
    return {
        "chunk_id": f"c{i}",
        "text": text or f"text of chunk {i} " * 10,
        "source": "act.pdf",
        "act": "The Act",
        "chapter": "",
        "section": section,
        "title": "Definitions" if defines else f"Title {section.split('(')[0]}",
        "defines": defines,
        "page": str(10 + i),
        "page_start": 10 + i,
        "page_end": 10 + i,
        "position": i,
    }


def test_chunks_of_one_section_share_a_slot_in_reading_order() -> None:
    records = [
        _record(0, "2(7)", defines="consumer"),
        _record(1, "2(7)", defines="consumer"),
        _record(2, "2(9)", defines="consumer rights"),
        _record(3, "38(2)"),
        _record(4, "38(12)"),
        _record(5, "39(1)"),
    ]
    assert unit_key(records[3]) == unit_key(records[4]) != unit_key(records[5])
    assert unit_key(records[0]) != unit_key(records[2])  # each defined term is its own unit
    fused = [(4, 0.9), (1, 0.8), (3, 0.7), (0, 0.6), (5, 0.5), (2, 0.4)]
    units = group(fused, records, k=2)
    assert [u.key for u in units] == [unit_key(records[4]), unit_key(records[1])]
    passage = passage_for(units[0], records, {4: 0.5, 3: 0.4}, budget_chars=10_000)
    assert passage.text.index("chunk 3") < passage.text.index("chunk 4")  # reading order
    assert passage.section == "38" and passage.page == "13-14" and passage.score == 0.5
    assert passage.chunk_id == "c3+c4"
    alone = passage_for(units[0], records, {4: 0.5}, budget_chars=10)
    assert alone.section == "38(12)" and "chunk 3" not in alone.text  # the best chunk always fits


def test_a_remedy_story_gets_one_passage_saying_where_to_complain_and_by_when() -> None:
    """The last of the k slots goes to the best ranked unit telling the forum and the two years, unless
    a chosen one already does; with none in the ranking, the units stay as they were."""
    remedy = "File a complaint before the District Commission within two years (section 69)."
    records = [_record(i, str(30 + i)) for i in range(4)] + [_record(4, "35", text=remedy)]
    fused = [(0, 0.9), (1, 0.8), (2, 0.7), (3, 0.6), (4, 0.5)]
    units = group(fused, records, k=3)
    assert states_remedy(remedy) and not states_remedy(str(records[0]["text"]))
    kept = with_one(units, fused, records, k=3, wanted=states_remedy)
    assert [u.key for u in kept] == [unit_key(records[0]), unit_key(records[1]), unit_key(records[4])]
    assert with_one(kept, fused, records, k=3, wanted=states_remedy) == kept  # already told
    assert with_one(units, fused[:4], records, k=3, wanted=states_remedy) == units  # none to bring



def test_a_service_story_gets_one_passage_more_naming_the_kind_of_wrong() -> None:
    """A unit naming the wrong as the Act does joins the k units, after the remedy's, even from beyond the
    fused ranking; none is added when a chosen one names it already."""
    kind = 'Most complaints are about services. The Act calls a poor service a "deficiency".'
    records = [_record(i, str(30 + i)) for i in range(3)] + [_record(3, "2(11)", text=kind)]
    fused = [(0, 0.9), (1, 0.8), (2, 0.7)]
    units = group(fused, records, k=3)
    assert not names_deficiency("remove the deficiency within a time") and names_deficiency(kind)
    ranking = [*fused, (3, 0.0)]
    more = with_extra(units, ranking, records, wanted=names_deficiency)
    assert [u.key for u in more] == [*(u.key for u in units), unit_key(records[3])]
    assert with_extra(more, ranking, records, wanted=names_deficiency) == more
    assert with_extra(units, fused, records, wanted=names_deficiency) == units  # none to bring

def test_the_overlap_of_split_windows_is_kept_once() -> None:
    words = " ".join(f"w{i}" for i in range(80))
    first, second = words[:300], words[200:]
    records = [_record(0, "86", text=first), _record(1, "86", text=second)]
    [unit] = group([(0, 1.0), (1, 0.9)], records, k=5)
    assert passage_for(unit, records, {}, budget_chars=10_000).text == words


def _guide(i: int, text: str) -> dict[str, object]:
    return {
        "chunk_id": f"g{i}",
        "text": text,
        "source": f"knowledge/g{i}.md",
        "act": "The Act",
        "chapter": "",
        "section": "2(7), 38, 39",
        "title": f"Guide {i}",
        "defines": "",
        "page": "",
        "page_start": 0,
        "page_end": 0,
        "position": i,
    }


def test_guides_lead_to_the_clauses_their_text_names_and_the_law_comes_first() -> None:
    assert cited(
        "Section 2(7) leaves out resale; see sections 35 and 36, section 39(1)(b), section 2(7)."
    ) == ["2(7)", "35", "36", "39(1)(b)"]
    records = [
        _record(0, "2(7)", defines="consumer"),
        _record(1, "38(2)"),
        _record(2, "38(7)"),
        _record(3, "39(1)"),
        _guide(4, "A reseller is not a consumer (section 2(7)); the commission decides (section 39(1)(b))."),
        _guide(5, "Testing takes five months (section 38(7))."),
        _guide(6, "Front matter lists every section, the text names none."),
    ]
    assert [is_statute(r) for r in records] == [True] * 4 + [False] * 3
    units = statute_units(records)
    assert units["38"] == [1, 2] and units["38(7)"] == [2] and units["2(7)"] == [0]
    fused = [(6, 0.9), (4, 0.8), (1, 0.7), (5, 0.6)]
    # 39(1)(b) is not indexed on its own: its sub-section 39(1) is; only the first two guides are read
    assert linked(fused, records, units, guides=2) == [0, 3]
    assert linked(fused, records, units, guides=3) == [0, 3, 2]
    ordered = group(fused, records, k=5, law_first=True)
    assert [u.members[0][0] for u in ordered] == [
        1,
        6,
        4,
        5,
    ]  # the Act's section 38, then the guides in rank order
    assert [u.members[0][0] for u in group(fused, records, k=5)] == [6, 4, 1, 5]


def test_scope_examples_cover_both_sides() -> None:
    inside, outside = read_examples()
    assert len(inside) >= 50 and len(outside) >= 50
    assert not set(inside) & set(outside)


@pytest.fixture(scope="module")
def act_retriever(act_index: Path) -> Retriever:
    return Retriever.from_settings(RagSettings(index_dir=str(act_index)))


def test_one_slot_per_section_and_labels_without_empty_parentheses(act_retriever: Retriever) -> None:
    for question in (
        "Who is liable when a product seller sold a defective product?",
        "How does the District Commission deal with a complaint about defective goods and testing?",
    ):
        passages = act_retriever.retrieve(question, k=5).passages
        sections = [p.section if p.section.startswith("2(") else p.section.split("(")[0] for p in passages]
        assert len(sections) == len(set(sections)), sections
        assert not any("()" in p.section for p in passages)


def test_out_of_scope_questions_are_no_context_whatever_words_they_share(act_retriever: Retriever) -> None:
    for question in (
        "How do I file for divorce by mutual consent?",
        "What is the best biryani place in Hyderabad?",
        "My employer has not paid my salary, can I file a complaint?",
    ):
        result = act_retriever.retrieve(question, k=5)
        assert result.no_context and result.out_of_scope, question
    consumer = act_retriever.retrieve("The shop will not refund my broken phone, what can I do?", k=5)
    assert not consumer.no_context


def test_a_story_about_a_service_is_told_from_one_about_goods_by_the_acts_definitions(
    act_retriever: Retriever,
) -> None:
    snapshot = act_retriever.watcher.current()
    assert snapshot is not None

    def service(story: str) -> bool:
        return about_service(snapshot, act_retriever.embedder.embed([story])[0], margin=0.15)

    assert service("wedding photographer took full advance and never delivered the album and video")
    assert service("my bank keeps deducting charges from my account that were never told to me")
    assert not service("the shop near my house sold me a fridge that stopped cooling in a week")
    assert not service("bought a new car from the dealer, the gearbox failed twice")

"""A guide's sample letter reaches the answer stage marked (chunker -> index record -> Passage) and the
extractive answer never quotes it as a statement: "If you fail, I will file a complaint ..." is what the
person may write to the company, not advice or law. The guide itself may still be cited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chunker.chunking import chunk_document
from chunker.readers import read
from chunker.splitter import TokenCounter
from common.messages import Passage
from embedder.records import record_for
from llm_connector.extractive import ExtractiveProvider, candidate_sentences
from llm_connector.sentences import plain
from rag_core.prompt import SYSTEM_PROMPT
from rag_core.retrieval import to_passage
from tests.support.prompts import grounded

GUIDE = Path(__file__).resolve().parents[2] / "knowledge" / "legal-notice-and-sample-complaint.md"
SOURCE = "knowledge/legal-notice-and-sample-complaint.md"


def _quoted_words() -> list[str]:
    """The guide's blockquote lines (its sample notice and complaint outline), Markdown marks gone."""
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    return [
        " ".join(plain(re.sub(r"^[>\s]+", "", ln)).split())
        for ln in lines
        if ln.startswith(">") and ln.strip("> ")
    ]


def _from_sample(text: str, quoted: list[str]) -> bool:
    """Whether five words in a row of `text` are words of a sample line."""
    words = re.sub(r"\s*\[\d+\]$", "", text).split()
    runs = [" ".join(words[i : i + 5]) for i in range(max(len(words) - 4, 1))]
    return any(run in q for run in runs for q in quoted)


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    """The guide's chunks as rag_core passes them on: chunked, stored as index records, read back."""
    chunks = chunk_document(read(GUIDE, SOURCE), count=TokenCounter())
    return [to_passage(record_for(chunk), 0.5) for chunk in chunks]


def test_the_sample_is_marked_on_its_way_to_the_answer_stage(passages) -> None:
    assert any(p.sample for p in passages) and not all(p.sample for p in passages)
    threat = next(p for p in passages if "If you fail, I will file" in p.text)
    assert threat.sample
    assert not next(p for p in passages if "does **not** require a notice" in p.text).sample


def test_no_sentence_of_a_sample_letter_is_a_candidate_and_the_guides_own_sentences_are(passages) -> None:
    quoted = _quoted_words()
    assert any("If you fail, I will file a complaint" in q for q in quoted)
    candidates = candidate_sentences(passages, SYSTEM_PROMPT, question="what should my legal notice say?")
    texts = [c.text for c in candidates]
    assert not [t for t in texts if _from_sample(t, quoted)]
    assert not [t for t in texts if re.search(r"\[[A-Za-z ]+\]|_{3}", t)]  # no blank to fill in
    own = " ".join(texts)
    assert "Send by registered post or speed post with acknowledgment" in own
    assert own.count("Fill in the notice, wait for the deadline") == 1  # the guide still points to it


@pytest.mark.parametrize(
    "question",
    [
        "if the company fails to refund, can I claim compensation and costs under section 39?",
        "what do i write in the legal notice if the seller fails to refund? i will file a complaint?",
        "what should the limitation and relief prayed parts of my complaint say?",
    ],
)
def test_the_answer_quotes_no_sample_letter_as_a_statement(passages, question) -> None:
    completion = ExtractiveProvider(max_sentences=6).complete(grounded(question, passages))
    assert completion.answered
    said = "\n".join(ln for ln in completion.text.splitlines() if not ln.startswith("Sources:"))
    sentences = [s for s in re.split(r"(?<=\])\s+|\n", said) if s.strip()]
    assert not [s for s in sentences if _from_sample(s.lstrip("- "), _quoted_words())], completion.text
    assert "If you fail, I will file" not in completion.text
    assert "[Name of company]" not in completion.text and "___" not in completion.text
    assert "Sample legal notice and complaint outline for consumers" in completion.text  # cited

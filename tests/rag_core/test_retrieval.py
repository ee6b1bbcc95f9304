"""Retriever: empty index at start-up, hybrid results with citations, no-context threshold, fusion, terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.messages import Passage
from rag_core.retrieval import IndexUnavailable, Retriever, fuse
from rag_core.settings import RagSettings
from rag_core.terms import asked_terms
from tests.support.knowledge import ingest_paths, write_knowledge


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("retrieval")
    ingest_paths(root / "index", write_knowledge(root / "knowledge"))
    return root / "index"


def test_starts_without_an_index_and_picks_it_up_when_it_appears(tmp_path: Path) -> None:
    retriever = Retriever.from_settings(
        RagSettings(index_dir=str(tmp_path / "index"), index_check_interval_s=0)
    )
    with pytest.raises(IndexUnavailable):
        retriever.retrieve("What is the limitation period?", k=3)
    summary = ingest_paths(tmp_path / "index", write_knowledge(tmp_path / "knowledge"))
    result = retriever.retrieve("What is the limitation period?", k=3)
    assert result.index_version == summary.build_id and result.passages


def test_passages_carry_citation_metadata_and_scores(index_dir: Path) -> None:
    retriever = Retriever.from_settings(RagSettings(index_dir=str(index_dir)))
    result = retriever.retrieve("How long do I have to file a consumer complaint?", k=2)
    assert len(result.passages) == 2 and all(isinstance(p, Passage) for p in result.passages)
    top = result.passages[0]
    assert top.source == "knowledge/limitation.md" and top.section == "69"
    assert top.act == "Consumer Protection Act, 2019" and top.title == "Time limit for consumer complaints"
    assert "two years" in top.text and top.chunk_id
    assert 0.3 < top.score <= 1.0 and not result.no_context
    assert result.best_score >= max(p.score for p in result.passages) - 1e-4


def test_off_topic_questions_are_marked_no_context(index_dir: Path) -> None:
    retriever = Retriever.from_settings(RagSettings(index_dir=str(index_dir)))
    for question in ("What is the capital of France?", "Give me a recipe for biryani"):
        result = retriever.retrieve(question, k=3)
        assert result.no_context, (question, result.best_score)
    assert not retriever.retrieve("Who keeps the panel of mediators?", k=3).no_context


def test_a_question_the_examples_are_sure_of_is_answered_though_no_passage_is_close(index_dir: Path) -> None:
    # a wedding planner is a paid service no guide of this small index names (written for this test); the
    # threshold is raised above the best passage's score so the decision rests on the examples
    question = "the wedding planner we paid took the decorator's money too and the stage was never set up"
    retriever = Retriever.from_settings(RagSettings(index_dir=str(index_dir), relevance_threshold=0.4))
    result = retriever.retrieve(question, k=3)
    assert result.best_score < retriever.relevance_threshold
    assert not result.no_context and not result.out_of_scope
    without_examples = Retriever.from_settings(
        RagSettings(index_dir=str(index_dir), relevance_threshold=0.4, scope_check=False)
    )
    assert without_examples.retrieve(question, k=3).no_context
    off_topic = retriever.retrieve("what is the best way to clean a silver necklace at home?", k=3)
    assert off_topic.best_score < retriever.relevance_threshold and off_topic.no_context


def test_dense_only_mode_and_k(index_dir: Path) -> None:
    retriever = Retriever.from_settings(RagSettings(index_dir=str(index_dir), hybrid=False))
    result = retriever.retrieve("panel of mediators valid for five years", k=1)
    assert len(result.passages) == 1 and result.passages[0].source == "knowledge/mediation.md"


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    fused = fuse([[1, 2, 3], [3, 1, 4]], k=60)
    assert [item for item, _ in fused] == [1, 3, 2, 4]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


def test_defined_terms_named_by_a_question() -> None:
    assert asked_terms('What does the term "defect" mean?') == [("defect",)]
    assert asked_terms("What are the basic 'consumer rights' listed?")[0] == ("consum", "right")
    assert asked_terms("What is a complainant?") == [("complain",)]
    assert asked_terms("How long is a mediator's empanelment valid?") == []


def test_a_story_searches_lexically_by_its_words_of_substance(index_dir: Path) -> None:
    """Words such as have/from/only/he are skipped by the question's BM25 search (bm25s's longer list,
    raw and stemmed); a question made only of them finds nothing lexically, whatever the index kept."""
    from rag_core.index import query_stopwords

    skip = query_stopwords()
    assert {"have", "from", "he", "onli", "ani"} <= skip and not {"resal", "appeal", "consum"} & skip
    retriever = Retriever.from_settings(RagSettings(index_dir=str(index_dir)))
    snapshot = retriever.watcher.current()
    assert snapshot is not None
    assert snapshot.lexical("have you been there from the only one?", 5) == []
    assert snapshot.lexical("which mediators have been on the panel from the start?", 5)

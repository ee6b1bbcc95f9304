"""The llm_connector handler with fake providers: the QueryResult it publishes, metrics and lean logs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pytest

from common.failures import FailureCode, PermanentFailure
from common.messages import GroundedPrompt, QueryResult, TokenUsage
from common.rabbit.worker import Publish, Reply
from common.topology import QUERY_RESULT
from llm_connector.extractive import ExtractiveProvider
from llm_connector.handler import AnswerHandler
from llm_connector.provider import Completion
from llm_connector.replies import NO_CONTEXT_ANSWER
from tests.support.metrics import sample
from tests.support.prompts import E_FILING, LIMITATION, PRODUCT_LIABILITY, grounded


@dataclass
class FakeProvider:
    reply: Completion | Exception
    name: str = "fake"
    model: str = "fake-model-1"
    calls: list[GroundedPrompt] = field(default_factory=list)

    def complete(self, prompt: GroundedPrompt) -> Completion:
        self.calls.append(prompt)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def _result(handler: AnswerHandler, prompt: GroundedPrompt) -> QueryResult:
    reply, publish = handler(prompt)  # straight to the gateway, and persisted via the results queue
    assert isinstance(publish, Publish) and publish.routing_key == QUERY_RESULT
    assert isinstance(reply, Reply) and reply.message is publish.message
    assert isinstance(publish.message, QueryResult)
    return publish.message


def test_result_carries_the_query_and_merges_timings():
    usage = TokenUsage(input_tokens=10, output_tokens=5, cost_usd=0.001)
    provider = FakeProvider(Completion("Two years [1], online [2].", answered=True, usage=usage))
    prompt = grounded(
        "deadline for <PERSON>?",
        [LIMITATION, E_FILING],
        pii_found=["PERSON"],
        query_timings={"pii_filter": 12.5},
        prompt_timings={"retrieval": 40.0, "rerank": 8.0},
    )
    result = _result(AnswerHandler(provider=provider), prompt)
    assert result.query_id == prompt.query_id and result.status == "answered" and result.answered
    assert result.redacted_question == "deadline for <PERSON>?" and result.pii_found == ["PERSON"]
    assert result.submitted_at == prompt.query.submitted_at
    assert result.answer == "Two years [1], online [2]."
    assert [c.section for c in result.citations] == ["69", ""]
    assert (result.provider, result.model, result.usage) == ("fake", "fake-model-1", usage)
    assert set(result.timings_ms) == {"pii_filter", "retrieval", "rerank", "llm"}
    assert result.timings_ms["pii_filter"] == 12.5 and result.timings_ms["rerank"] == 8.0
    assert 0 <= result.timings_ms["llm"] < 1000
    assert result.error is None


def test_no_context_answers_with_the_helpline_without_calling_the_provider():
    provider = FakeProvider(RuntimeError("must not be called"))
    result = _result(AnswerHandler(provider=provider), grounded("parking fines?", [], no_context=True))
    assert provider.calls == []
    assert result.status == "answered" and not result.answered and result.citations == []
    assert result.answer == NO_CONTEXT_ANSWER
    for needle in ("1915", "1800-11-4000", "e-Daakhil"):
        assert needle in result.answer
    assert result.usage == TokenUsage()


def test_unanswered_completion_cites_nothing():
    provider = FakeProvider(Completion("The passages do not cover this [1].", answered=False))
    result = _result(AnswerHandler(provider=provider), grounded("q?", [LIMITATION]))
    assert not result.answered and result.citations == []


def test_answer_without_markers_cites_the_top_passages():
    provider = FakeProvider(Completion("You have two years.", answered=True))
    result = _result(AnswerHandler(provider=provider), grounded("q?", [LIMITATION, E_FILING]))
    assert [c.title for c in result.citations] == [LIMITATION.title, E_FILING.title]


def test_permanent_failure_propagates_and_is_counted():
    provider = FakeProvider(PermanentFailure(FailureCode.LLM_THROTTLED, "busy"))
    before = sample("cr_llm_failures_total", provider="fake", code="llm_throttled")
    with pytest.raises(PermanentFailure):
        AnswerHandler(provider=provider)(grounded("q?", [LIMITATION]))
    assert sample("cr_llm_failures_total", provider="fake", code="llm_throttled") - before == 1


def test_answers_are_counted_by_provider_and_answered():
    handler = AnswerHandler(provider=ExtractiveProvider())
    yes = sample("cr_llm_answers_total", provider="extractive", answered="true")
    no = sample("cr_llm_answers_total", provider="extractive", answered="false")
    handler(grounded("Within how many years must a complaint be filed?", [LIMITATION, PRODUCT_LIABILITY]))
    handler(grounded("anything", [], no_context=True))
    assert sample("cr_llm_answers_total", provider="extractive", answered="true") - yes == 1
    assert sample("cr_llm_answers_total", provider="extractive", answered="false") - no == 1


def test_extractive_end_to_end_result(caplog):
    question = "Within how many years must a complaint be filed?"
    with caplog.at_level(logging.DEBUG):
        result = _result(
            AnswerHandler(provider=ExtractiveProvider()), grounded(question, [LIMITATION, E_FILING])
        )
    assert result.provider == "extractive" and result.model == "extractive" and result.answered
    assert result.citations and result.citations[0].section == "69"
    cited_numbers = {i + 1 for i, p in enumerate([LIMITATION, E_FILING]) if f"[{i + 1}]" in result.answer}
    assert len(result.citations) == len(cited_numbers)
    # logs name counts and timings, never the question or the answer
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "answer ready" in logged and "llm_ms" in logged
    assert question not in logged and "within two years" not in logged


def test_query_marked_extractive_skips_the_llm():
    """The gateway marks queries 'extractive' once its spend cap is reached: no Bedrock call, no cost."""
    bedrock = FakeProvider(RuntimeError("must not be called"), name="bedrock", model="meta.llama3-70b")
    handler = AnswerHandler(provider=bedrock, fallback=ExtractiveProvider(max_sentences=2))
    prompt = grounded(
        "Within how many years must a complaint be filed?", [LIMITATION], llm_provider="extractive"
    )
    result = _result(handler, prompt)
    assert bedrock.calls == [] and result.answered
    assert (result.provider, result.model, result.usage) == ("extractive", "extractive", TokenUsage())
    assert result.answer.count('" [') == 2

    bedrock.reply = Completion("Two years [1].", answered=True)
    assert _result(handler, grounded("deadline?", [LIMITATION])).provider == "bedrock"
    assert len(bedrock.calls) == 1

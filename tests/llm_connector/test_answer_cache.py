"""The answer cache: what it keys on, what it never stores, Redis shared by replicas, and a Redis outage."""

from __future__ import annotations

import contextlib
import time

import pytest
from prometheus_client import REGISTRY

from common.failures import FailureCode, PermanentFailure
from common.messages import GroundedPrompt, QueryResult, TokenUsage
from llm_connector.answer_cache import AnswerCache, MemoryStore, RedisStore, cache_key, normalise
from llm_connector.handler import AnswerHandler
from llm_connector.provider import Completion
from tests.llm_connector.test_handler import FakeProvider
from tests.support.prompts import E_FILING, LIMITATION, grounded
from tests.support.redis_server import REDIS_URL, keys_under

ANSWER = "A complaint must be filed within two years of the cause of action [1]."
USAGE = TokenUsage(input_tokens=1200, output_tokens=150, cost_usd=0.0044)


def prompt_for(question: str, *, snapshot: str = "snap-1", **kwargs) -> GroundedPrompt:
    return grounded(question, [LIMITATION, E_FILING], **kwargs).model_copy(update={"index_version": snapshot})


def answering(text: str = ANSWER, *, answered: bool = True) -> FakeProvider:
    return FakeProvider(Completion(text=text, answered=answered, usage=USAGE))


def result_of(handler: AnswerHandler, prompt: GroundedPrompt) -> QueryResult:
    message = handler(prompt)[0].message
    assert isinstance(message, QueryResult)
    return message


def memory_cache(ttl_s: float = 60) -> AnswerCache:
    return AnswerCache(store=MemoryStore(max_entries=100, ttl_s=ttl_s), ttl_s=ttl_s)


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_askings_that_differ_only_in_case_spacing_and_closing_marks_share_one_key():
    expected = "how long do i have to file a complaint"
    assert normalise("  How long do I have to FILE a complaint?? ") == expected
    same = [prompt_for(q) for q in ("How long do I have to file a complaint?",
                                    "how long do i have  to file a complaint",
                                    "HOW LONG DO I HAVE TO FILE A COMPLAINT ?")]
    keys = {cache_key(p, provider="bedrock", model="m") for p in same}
    assert len(keys) == 1 and None not in keys


def test_the_key_changes_with_the_snapshot_the_passages_the_model_and_the_provider():
    base = prompt_for("How long do I have to file a complaint?")
    key = cache_key(base, provider="bedrock", model="m")
    other_passages = grounded("How long do I have to file a complaint?", [LIMITATION]).model_copy(
        update={"index_version": "snap-1"})
    assert len({
        key,
        cache_key(prompt_for("How long do I have to file a complaint?", snapshot="snap-2"),
                  provider="bedrock", model="m"),
        cache_key(other_passages, provider="bedrock", model="m"),
        cache_key(base, provider="bedrock", model="m2"),
        cache_key(base, provider="extractive", model="m"),
        cache_key(base.model_copy(update={"system_prompt": base.system_prompt + " "}),
                  provider="bedrock", model="m"),
    }) == 6
    assert key is not None and "snap-1" in key and "complaint" not in key


@pytest.mark.parametrize("prompt", [
    prompt_for("I am <PERSON_1>; can I get a refund?", pii_found=["PERSON"]),
    prompt_for("Call me on < PHONE_1 > about my refund"),  # a placeholder even without an entity list
    prompt_for("What can I do?", pii_found=["IN_PAN"]),
    prompt_for("What is the weather?", no_context=True),
    grounded("How long do I have to file a complaint?", [LIMITATION]),  # no snapshot named
], ids=["placeholder", "spaced-placeholder", "entity-found", "no-context", "no-snapshot"])
def test_prompts_that_must_never_be_cached_have_no_key(prompt: GroundedPrompt):
    assert cache_key(prompt, provider="bedrock", model="m") is None


def test_a_repeat_is_answered_from_the_cache_without_calling_the_provider_and_costs_nothing():
    provider = answering()
    handler = AnswerHandler(provider=provider, cache=memory_cache())
    hits, saved = metric("cr_answer_cache_total", outcome="hit"), metric("cr_answer_cache_saved_usd_total")
    first = result_of(handler, prompt_for("How long do I have to file a complaint?"))
    second = result_of(handler, prompt_for("how long do I have to file a complaint"))
    assert len(provider.calls) == 1
    assert second.query_id != first.query_id
    assert (second.answer, second.citations, second.model, second.provider) == (
        first.answer, first.citations, first.model, first.provider)
    assert second.answered and second.usage == TokenUsage() and first.usage == USAGE
    assert "answer_cache" in second.timings_ms and "llm" not in second.timings_ms
    assert metric("cr_answer_cache_total", outcome="hit") == hits + 1
    assert metric("cr_answer_cache_saved_usd_total") == pytest.approx(saved + USAGE.cost_usd)
    # a new snapshot is a new question for the cache
    result_of(handler, prompt_for("How long do I have to file a complaint?", snapshot="snap-2"))
    assert len(provider.calls) == 2


@pytest.mark.parametrize("provider", [
    answering("NOT_COVERED: the sources do not say.", answered=False),
    answering("Write to <PERSON_1> at the shop [1]."),  # the model put a placeholder into the answer
    FakeProvider(PermanentFailure(FailureCode.LLM_UNAVAILABLE, "Bedrock is down.")),
], ids=["not-answered", "placeholder-in-answer", "failure"])
def test_what_is_never_stored(provider: FakeProvider):
    cache = memory_cache()
    handler = AnswerHandler(provider=provider, cache=cache)
    for _ in range(2):
        with contextlib.suppress(PermanentFailure):
            handler(prompt_for("Can the shop refuse a refund?"))
    assert len(provider.calls) == 2  # asked again: nothing was stored


def test_a_question_with_personal_data_reaches_the_provider_every_time():
    provider = answering()
    handler = AnswerHandler(provider=provider, cache=memory_cache())
    for _ in range(2):
        result_of(handler, prompt_for("I am <PERSON_1>; how long do I have?", pii_found=["PERSON"]))
    assert len(provider.calls) == 2


def test_entries_die_after_their_time_to_live():
    provider = answering()
    handler = AnswerHandler(provider=provider, cache=memory_cache(ttl_s=0.3))
    result_of(handler, prompt_for("How long do I have to file a complaint?"))
    result_of(handler, prompt_for("How long do I have to file a complaint?"))
    time.sleep(0.4)
    result_of(handler, prompt_for("How long do I have to file a complaint?"))
    assert len(provider.calls) == 2


@pytest.mark.integration
def test_replicas_share_entries_in_redis_which_hold_no_question_text(redis_prefix: str):
    namespace = redis_prefix.rstrip(":")
    first, second = answering(), answering()
    replica_a = AnswerHandler(provider=first, cache=AnswerCache(
        store=RedisStore(url=REDIS_URL, namespace=namespace, timeout_s=0.5), ttl_s=60))
    replica_b = AnswerHandler(provider=second, cache=AnswerCache(
        store=RedisStore(url=REDIS_URL, namespace=namespace, timeout_s=0.5), ttl_s=60))
    question = "Within how many years must a consumer complaint be filed?"
    answer = result_of(replica_a, prompt_for(question))
    again = result_of(replica_b, prompt_for(question.upper()))
    assert (len(first.calls), len(second.calls)) == (1, 0)
    assert again.answer == answer.answer
    stored = keys_under(REDIS_URL, redis_prefix)
    assert len(stored) == 1
    (key, value), = stored.items()
    assert key.startswith(f"{redis_prefix}answers:v1:snap-1:".encode())
    assert b"years" not in key and b"within how many" not in (value or b"").lower()
    ttl = replica_a.cache.store.client.pttl(key)  # type: ignore[union-attr]
    assert 55_000 < ttl <= 60_000


@pytest.mark.integration
def test_a_redis_outage_only_costs_the_cache(private_redis):
    """Fail-open: a down Redis is a miss, answered by the provider at once; the cache returns with Redis."""
    provider = answering()
    cache = AnswerCache(store=RedisStore(url=private_redis.url, namespace="outage", timeout_s=0.3), ttl_s=60,
                        retry_after_s=0.5)
    handler = AnswerHandler(provider=provider, cache=cache)
    question = "How long do I have to file a complaint?"
    result_of(handler, prompt_for(question))
    result_of(handler, prompt_for(question))
    assert len(provider.calls) == 1

    private_redis.stop()
    unavailable = metric("cr_answer_cache_total", outcome="unavailable")
    started = time.perf_counter()
    for _ in range(5):
        assert result_of(handler, prompt_for(question)).answer
    assert time.perf_counter() - started < 2.0  # no timeout per query: the breaker answers at once
    assert len(provider.calls) == 6
    assert metric("cr_answer_cache_total", outcome="unavailable") >= unavailable + 5

    private_redis.start()  # empty again: the next answer is stored, the one after is a hit
    time.sleep(0.6)
    result_of(handler, prompt_for(question))
    result_of(handler, prompt_for(question))
    assert len(provider.calls) == 7


def test_a_follow_up_is_keyed_on_the_turns_it_carries():
    """A follow-up carries its conversation's earlier turns: other turns, another question; turns with a
    placeholder make the follow-up uncacheable, like a question with one."""
    from common.messages import Turn

    base = prompt_for("And if I bought it online?")
    keys = set()
    for history in ([], [Turn(question="My phone broke in a week.", answer="Ask for a repair [1].")],
                    [Turn(question="The airline cancelled my flight.")]):
        query = base.query.model_copy(update={"history": history})
        keys.add(cache_key(base.model_copy(update={"query": query}), provider="bedrock", model="m"))
    assert len(keys) == 3 and None not in keys
    for turn in (Turn(question="I am <EARLIER_PERSON_1>, my phone broke."),
                 Turn(question="My phone broke.", answer="Write to <EARLIER_EMAIL_ADDRESS_1> [1].")):
        query = base.query.model_copy(update={"history": [turn]})
        assert cache_key(base.model_copy(update={"query": query}), provider="bedrock", model="m") is None

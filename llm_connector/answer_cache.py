"""Answers already given: the same question over the same passages of the same snapshot, by the same model.

A helpline hears the same few questions over and over; each repeat answered from here costs no Bedrock
call. The key is a SHA-256 of the normalised redacted question, the index snapshot, the passages
retrieved for it, the system prompt and the provider/model, so an entry dies when any of them changes
(a new snapshot is never served an old answer) and after ANSWER_CACHE_TTL_S. Only what a person may
see again is stored: answers that the sources covered, from a question without personal data (no
entity was found and no placeholder is in it or in the answer). Nothing of the question is stored, only
its hash, the answer and its citations.

Redis (REDIS_URL) shares the entries between llm_connector replicas; without it they live in this
process's memory. A Redis error is a miss (fail-open): the LLM answers, as it would without a cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

import cachetools
import redis

from common.messages import Citation, GroundedPrompt, Model, QueryResult
from common.redis_link import REDIS_FAILURES, key_prefix, outage_breaker
from llm_connector.guard import PLACEHOLDER as _PLACEHOLDER
from llm_connector.metrics import ANSWER_CACHE, ANSWER_CACHE_SAVED_USD

if TYPE_CHECKING:
    from llm_connector.settings import LlmSettings

log = logging.getLogger(__name__)

KEY_VERSION = "v1"  # bump when the key's ingredients or the entry's shape change
_EDGE_PUNCTUATION = " \t\r\n?!.,;:\"'"
T = TypeVar("T")


class CachedAnswer(Model):
    """What a hit gives back: the answer as published the first time, and what that call cost."""

    answer: str
    citations: list[Citation]
    provider: str
    model: str
    cost_usd: float = 0.0


class CacheStore(Protocol):
    """Bytes by key with a time to live; `get` and `put` raise on a storage failure."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes, ttl_s: float) -> None: ...


def normalise(question: str) -> str:
    """What two askings of one question share: Unicode form, case, spacing, closing punctuation."""
    text = unicodedata.normalize("NFKC", question).casefold()
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION)


def carries_personal_data(prompt: GroundedPrompt, answer: str = "") -> bool:
    """An entity was removed from the question, or a placeholder stands in the question, the earlier
    turns it carries or the answer."""
    query = prompt.query
    earlier = " ".join(f"{turn.question} {turn.answer}" for turn in query.history)
    return bool(query.pii_found) or bool(
        _PLACEHOLDER.search(query.redacted_question) or _PLACEHOLDER.search(earlier)
        or _PLACEHOLDER.search(answer)
    )


def cache_key(prompt: GroundedPrompt, *, provider: str, model: str) -> str | None:
    """The entry's key, or None when this prompt must never be cached."""
    if prompt.no_context or not prompt.passages or not prompt.index_version or carries_personal_data(prompt):
        return None
    ingredients = {
        "question": normalise(prompt.query.redacted_question),
        "snapshot": prompt.index_version,
        "passages": [p.chunk_id for p in prompt.passages],
        "system": hashlib.sha256(prompt.system_prompt.encode()).hexdigest(),
        "provider": provider,
        "model": model,
        # a follow-up is answered in the light of the earlier turns it carries: the same words after
        # another conversation are another question
        "history": _jsonable(prompt.query.history),
    }
    digest = hashlib.sha256(json.dumps(ingredients, sort_keys=True).encode()).hexdigest()
    # the snapshot in clear lets an operator see, and drop, the entries of one snapshot
    return f"answers:{KEY_VERSION}:{prompt.index_version}:{digest}"


def _jsonable(value: object) -> object:
    """Models and lists of them as plain JSON values, for the key."""
    if isinstance(value, Model):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class AnswerCache:
    """Looks answers up before the LLM is called and stores the ones that may be given again."""

    def __init__(self, *, store: CacheStore, ttl_s: float, retry_after_s: float = 5.0) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self._breaker = outage_breaker(name="answer-cache", retry_after_s=retry_after_s)

    def get(self, key: str | None) -> CachedAnswer | None:
        if key is None:
            ANSWER_CACHE.labels(outcome="not_cacheable").inc()
            return None
        raw = self._call(lambda: self.store.get(key))
        if raw is None:
            ANSWER_CACHE.labels(outcome="miss").inc()
            return None
        try:
            entry = CachedAnswer.model_validate_json(raw)
        except ValueError:  # written by an incompatible version: a miss, overwritten by the next answer
            ANSWER_CACHE.labels(outcome="miss").inc()
            return None
        ANSWER_CACHE.labels(outcome="hit").inc()
        ANSWER_CACHE_SAVED_USD.inc(entry.cost_usd)
        return entry

    def put(self, key: str | None, prompt: GroundedPrompt, result: QueryResult) -> bool:
        """Store `result` under `key` if it may be given again; True when stored."""
        answer = result.answer or ""
        if key is None or result.status != "answered" or not result.answered or not answer \
                or not result.citations or carries_personal_data(prompt, answer):
            return False
        entry = CachedAnswer(answer=answer, citations=result.citations, provider=result.provider,
                             model=result.model, cost_usd=result.usage.cost_usd)
        value = entry.model_dump_json().encode()

        def write() -> bool:
            self.store.put(key, value, self.ttl_s)
            return True

        return self._call(write) is True

    def _call(self, operation: Callable[[], T]) -> T | None:
        """Run one store operation; None when the store failed or is resting after a failure."""
        if self._breaker.opened:
            ANSWER_CACHE.labels(outcome="unavailable").inc()
            return None
        try:
            with self._breaker:
                return operation()
        except REDIS_FAILURES as exc:
            ANSWER_CACHE.labels(outcome="unavailable").inc()
            log.warning("answer cache unavailable (%s): answering without it", exc.__class__.__name__)
            return None


class RedisStore:
    """Entries in Redis under '<namespace>:answers:...', shared by every llm_connector replica."""

    def __init__(self, *, url: str, namespace: str, timeout_s: float) -> None:
        self.prefix = key_prefix(namespace)
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s, health_check_interval=30
        )

    def get(self, key: str) -> bytes | None:
        value = self.client.get(self.prefix + key)
        return value if isinstance(value, bytes) else None

    def put(self, key: str, value: bytes, ttl_s: float) -> None:
        self.client.set(self.prefix + key, value, px=max(1, int(ttl_s * 1000)))


class MemoryStore:
    """Entries in this process (no REDIS_URL): bounded in count, each living `ttl_s`."""

    def __init__(
        self, *, max_entries: int, ttl_s: float, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: cachetools.TTLCache[str, bytes] = cachetools.TTLCache(
            maxsize=max_entries, ttl=ttl_s, timer=timer
        )
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe; answers run in a pool

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, value: bytes, ttl_s: float) -> None:
        """`ttl_s` is the one the store was made with (AnswerCache passes the same setting)."""
        with self._lock:
            self._entries[key] = value


def build_answer_cache(settings: LlmSettings) -> AnswerCache | None:
    """Redis when REDIS_URL is set, else process memory; None when ANSWER_CACHE_TTL_S is 0."""
    if settings.answer_cache_ttl_s <= 0:
        return None
    ttl_s = settings.answer_cache_ttl_s
    store: CacheStore
    if settings.redis_url:
        store = RedisStore(
            url=settings.redis_url, namespace=settings.namespace, timeout_s=settings.redis_timeout_s
        )
        log.info("answer cache in Redis, entries live %.0f s", ttl_s)
    else:
        store = MemoryStore(max_entries=settings.answer_cache_max_entries, ttl_s=ttl_s)
        log.info("answer cache in process memory (no REDIS_URL), entries live %.0f s", ttl_s)
    return AnswerCache(store=store, ttl_s=ttl_s, retry_after_s=settings.redis_retry_after_s)

"""Concurrent questions share redaction batches; one bad text or a gone client affects no one else."""

from __future__ import annotations

import asyncio
import threading

import pytest

from pii_filter.redaction_batches import RedactionBatches


class SlowUpper:
    """Upper-cases texts; a batch takes a moment, so questions queue behind it."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()

    def redact(self, text: str) -> str:
        if "boom" in text:
            raise ValueError("cannot redact this one")
        return text.upper()

    def redact_many(self, texts: list[str]) -> list[str]:
        self.release.wait(5)
        self.batches.append(list(texts))
        return [self.redact(text) for text in texts]


def test_questions_arriving_during_a_batch_form_the_next_batch() -> None:
    upper = SlowUpper()
    batches = RedactionBatches(redact=upper.redact, redact_many=upper.redact_many, max_batch=8)

    async def scenario() -> list[str]:
        first = asyncio.ensure_future(batches.redact("q0"))
        await asyncio.sleep(0.05)  # q0's batch is running (held by `release`)
        rest = [asyncio.ensure_future(batches.redact(f"q{i}")) for i in range(1, 11)]
        await asyncio.sleep(0.05)
        upper.release.set()
        return await asyncio.gather(first, *rest)

    results = asyncio.run(scenario())
    batches.close()
    assert results == [f"Q{i}" for i in range(11)]
    assert upper.batches == [["q0"], [f"q{i}" for i in range(1, 9)], ["q9", "q10"]]


def test_a_text_that_fails_the_batch_fails_only_its_own_request() -> None:
    upper = SlowUpper()
    upper.release.set()
    batches = RedactionBatches(redact=upper.redact, redact_many=upper.redact_many)

    async def scenario() -> list[object]:
        return await asyncio.gather(
            *(batches.redact(text) for text in ("fine", "boom here", "also fine")), return_exceptions=True
        )

    fine, failed, also_fine = asyncio.run(scenario())
    batches.close()
    assert (fine, also_fine) == ("FINE", "ALSO FINE")
    assert isinstance(failed, ValueError)


def test_a_question_whose_client_left_is_not_redacted() -> None:
    upper = SlowUpper()
    batches = RedactionBatches(redact=upper.redact, redact_many=upper.redact_many)

    async def scenario() -> str:
        running = asyncio.ensure_future(batches.redact("first"))
        await asyncio.sleep(0.05)
        gone = asyncio.ensure_future(batches.redact("gone"))
        kept = asyncio.ensure_future(batches.redact("kept"))
        await asyncio.sleep(0)
        gone.cancel()
        upper.release.set()
        await running
        with pytest.raises(asyncio.CancelledError):
            await gone
        return await kept

    assert asyncio.run(scenario()) == "KEPT"
    batches.close()
    assert upper.batches == [["first"], ["kept"]]


def test_a_short_question_overtakes_long_ones_and_batches_hold_a_bounded_number_of_characters() -> None:
    """Analysis cost grows with length: a burst of long (or hostile) questions delays a short one by
    at most the batch that is running."""
    upper = SlowUpper()
    batches = RedactionBatches(
        redact=upper.redact, redact_many=upper.redact_many, max_batch=8, max_batch_chars=4000
    )

    async def scenario() -> list[str]:
        running = asyncio.ensure_future(batches.redact("x" * 2000))
        await asyncio.sleep(0.05)
        long_ones = [asyncio.ensure_future(batches.redact(str(i) * 2000)) for i in range(1, 5)]
        await asyncio.sleep(0.01)
        short = asyncio.ensure_future(batches.redact("short question"))
        await asyncio.sleep(0.05)
        upper.release.set()
        return await asyncio.gather(running, *long_ones, short)

    results = asyncio.run(scenario())
    batches.close()
    assert results[-1] == "SHORT QUESTION"
    assert [len(batch) for batch in upper.batches] == [1, 2, 2, 1]
    assert upper.batches[1][0] == "short question"  # first in the batch after the running one
    assert all(sum(map(len, batch)) <= 4000 or len(batch) == 1 for batch in upper.batches)

"""Concurrent requests share one redaction batch: spaCy costs about half as much per text in a batch.

One batch runs at a time on the redaction thread; questions that arrive meanwhile wait for the next
batch, which starts as soon as the running one ends. So nothing ever waits for a batch to fill: a
lone request is a batch of one, and under load the batches grow by themselves with the queue.
A text that makes the batch fail is redacted on its own, so it cannot fail the others.

The analysis never runs on the event loop. Its cost grows with the length of the text, so a batch
holds at most `max_batch_chars` characters and the shortest waiting questions go first: a client
sending long or hostile questions delays a short question by at most the batch that is running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

R = TypeVar("R")


class RedactionBatches(Generic[R]):
    """`await redact(text)` from the event loop; `redact_many` runs on one thread, a batch at a time."""

    def __init__(
        self,
        *,
        redact: Callable[[str], R],
        redact_many: Callable[[list[str]], Sequence[R]],
        max_batch: int = 32,
        max_batch_chars: int = 2000,
    ) -> None:
        self._redact = redact
        self._redact_many = redact_many
        self._max_batch = max_batch
        self._max_batch_chars = max_batch_chars
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redact")
        self._waiting: list[tuple[str, asyncio.Future[R]]] = []
        self._running = False

    async def redact(self, text: str) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((text, future))
        if not self._running:
            self._start_next(loop)
        return await future

    def _start_next(self, loop: asyncio.AbstractEventLoop) -> None:
        # requests cancelled while waiting (client gone) are not redacted at all
        waiting = sorted(
            ((text, future) for text, future in self._waiting if not future.done()), key=lambda w: len(w[0])
        )
        size, chars = 0, 0
        while size < min(len(waiting), self._max_batch) and (
            size == 0 or chars + len(waiting[size][0]) <= self._max_batch_chars
        ):
            chars += len(waiting[size][0])
            size += 1
        batch, self._waiting = waiting[:size], waiting[size:]
        self._running = bool(batch)
        if not batch:
            return
        texts = [text for text, _ in batch]
        try:
            work = asyncio.wrap_future(self._pool.submit(self._run, texts), loop=loop)
        except RuntimeError as exc:  # closed: the app is shutting down
            for _, future in batch:
                future.set_exception(exc)
            self._running = False
            return
        work.add_done_callback(lambda done: self._finish(loop, batch, done))

    def _run(self, texts: list[str]) -> list[R | BaseException]:
        """On the redaction thread: the batch, or each text alone if the batch fails."""
        try:
            return list(self._redact_many(texts))
        except Exception:
            outcomes: list[R | BaseException] = []
            for text in texts:
                try:
                    outcomes.append(self._redact(text))
                except Exception as exc:  # reaches only this text's request (a 500 without details)
                    outcomes.append(exc)
            return outcomes

    def _finish(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[tuple[str, asyncio.Future[R]]],
        done: asyncio.Future[list[R | BaseException]],
    ) -> None:
        """On the event loop (asyncio.wrap_future brings the thread's outcome back to it)."""
        try:
            outcomes: list[R | BaseException] = done.result()
        except BaseException as exc:  # the pool was shut down under the batch
            outcomes = [exc] * len(batch)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        self._start_next(loop)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

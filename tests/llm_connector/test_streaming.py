"""llm_connector's streamed answers: pieces that add up to the final answer, cancellation, the guard."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from common.failures import FailureCode, PermanentFailure, withdrawn
from common.messages import GroundedPrompt, Message, QueryProgress, QueryResult
from common.rabbit.worker import Progress
from llm_connector.answer_stream import AnswerStream
from llm_connector.citations import resolve_markers
from llm_connector.extractive import ExtractiveProvider
from llm_connector.handler import AnswerHandler
from llm_connector.provider import Completion
from llm_connector.replies import OFF_LIMITS_ANSWER
from tests.support.prompts import E_FILING, LIMITATION, PRODUCT_LIABILITY, grounded

TEXTS = [
    "  Under section 35 [2], you may file [1, 3] a complaint [9] .  Also [2-3]  see  [4] ;x [1]\n\n"
    "Sources: [1] a; [2] b.  ",
    "a  [9]  . b [1][2] [ c ] [12 d [3,\n 1] e\t\t[2] .",
    "[", "x [1", "plain text", "   ", "[1] start", "a\t [5] , b", "ends with a marker [3]",
]


def _pieces(text: str, rng: random.Random) -> list[str]:
    cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.randint(0, 8))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


@pytest.mark.parametrize("text", TEXTS)
def test_the_pieces_add_up_to_the_resolved_answer_however_the_text_is_cut(text: str):
    expected = resolve_markers(text.strip(), 4)
    rng = random.Random(text)
    splits = [list(text), [text]] + [_pieces(text, rng) for _ in range(200)]
    for pieces in splits:
        stream = AnswerStream(4)
        out = [stream.feed(p) for p in pieces] + [stream.finish()]
        assert ("".join(out), stream.cited) == expected, pieces


def test_a_marker_split_over_two_pieces_is_held_back_until_it_is_whole():
    stream = AnswerStream(3)
    assert stream.feed("File within two years [") == "File within two years"
    assert stream.feed("3, ") == ""
    assert stream.feed("1] of the cause.") == " [1][2] of the cause."
    assert stream.cited == [3, 1]


@dataclass
class Sink:
    """The worker's Progress as a handler sees it, recording what it sends."""

    cancel_after: int | None = None
    sent: list[Message] = field(default_factory=list)

    def progress(self) -> Progress:
        return Progress(send=self.sent.append, cancelled=self._cancelled)

    def _cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.sent) >= self.cancel_after

    @property
    def deltas(self) -> list[QueryProgress]:
        return [m for m in self.sent if isinstance(m, QueryProgress) and m.delta]


def _answer(outgoing: list) -> QueryResult:
    result = outgoing[0].message
    assert isinstance(result, QueryResult)
    return result


def _streamed() -> GroundedPrompt:
    passages = [LIMITATION, E_FILING, PRODUCT_LIABILITY]
    return grounded("How long do I have to file a complaint online?", passages, progress=True)


def test_the_extractive_answer_streams_sentence_by_sentence_and_adds_up_to_the_final_answer():
    sink = Sink()
    prompt = _streamed()
    result = _answer(AnswerHandler(provider=ExtractiveProvider())(prompt, sink.progress()))
    assert result.answered and len(sink.deltas) >= 3
    assert "".join(d.delta for d in sink.deltas) == result.answer
    offsets = [d.offset for d in sink.deltas]
    assert offsets == [sum(len(d.delta) for d in sink.deltas[:i]) for i in range(len(offsets))]
    assert all(d.query_id == prompt.query_id for d in sink.deltas)


def test_a_question_that_is_not_streamed_sends_no_pieces():
    sink = Sink()
    prompt = grounded("How long do I have to file?", [LIMITATION])
    result = _answer(AnswerHandler(provider=ExtractiveProvider())(prompt, sink.progress()))
    assert result.answered and sink.sent == []


def test_a_cancelled_question_stops_streaming_and_fails_as_withdrawn():
    sink = Sink(cancel_after=1)
    with pytest.raises(PermanentFailure) as failure:
        AnswerHandler(provider=ExtractiveProvider())(_streamed(), sink.progress())
    assert failure.value.code == FailureCode.CANCELLED and FailureCode.CANCELLED.retry_can_help
    assert len(sink.deltas) == 1


def test_a_question_cancelled_before_it_is_answered_never_reaches_the_provider():
    class Never:
        name, model = "never", "never"

        def complete(self, prompt: GroundedPrompt) -> Completion:
            raise AssertionError("the provider was called for a withdrawn question")

    with pytest.raises(PermanentFailure) as failure:
        AnswerHandler(provider=Never())(_streamed(), Sink(cancel_after=0).progress())
    assert failure.value.code == withdrawn().code


def test_an_answer_that_starts_reproducing_the_system_prompt_stops_streaming():
    prompt = _streamed()
    leaked = prompt.system_prompt

    class Leaky:
        name, model = "leaky", "leaky-1"

        def complete(self, prompt: GroundedPrompt) -> Completion:
            return Completion(text=leaked, answered=True)

        def stream(self, prompt, *, on_text, cancelled) -> Completion:
            words = leaked.split(" ")
            for i in range(0, len(words), 3):
                on_text(" ".join(words[i:i + 3]) + " ")
            return Completion(text=leaked, answered=True)

    sink = Sink()
    result = _answer(AnswerHandler(provider=Leaky())(prompt, sink.progress()))
    assert result.answer == OFF_LIMITS_ANSWER
    sent = "".join(d.delta for d in sink.deltas)
    assert len(sent.split()) < 12  # at most the words before the first copied run of six was complete

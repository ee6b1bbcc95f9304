"""Bedrock's ConverseStream over HTTP to a fake endpoint streaming real event-stream frames (botocore's own
parser reads them), and through botocore's Stubber: pieces, errors mid-stream, NOT_COVERED, cancelling."""

from __future__ import annotations

import threading

import pytest
from botocore.stub import Stubber

from common.failures import FailureCode, PermanentFailure
from common.messages import QueryProgress, QueryResult
from common.rabbit.worker import Progress
from llm_connector.bedrock import BedrockProvider, make_bedrock_client
from llm_connector.handler import AnswerHandler
from llm_connector.provider import build_provider
from llm_connector.settings import LlmSettings
from tests.support.fake_bedrock import error, streamed
from tests.support.prompts import E_FILING, LIMITATION, grounded

PIECES = ["You have two ", "years from the cause of action [1]", ", and you can file online [2", "]."]


def _provider(url: str, session, **overrides):
    return build_provider(LlmSettings(llm_provider="bedrock", bedrock_endpoint_url=url, **overrides),
                          session=session)


def _stream(provider, prompt, cancelled=lambda: False):
    pieces: list[str] = []
    completion = provider.stream(prompt, on_text=pieces.append, cancelled=cancelled)
    return pieces, completion


def test_the_answer_arrives_as_the_models_deltas_and_completes_like_converse(fake_bedrock, aws_session):
    fake_bedrock.queue(streamed(PIECES, input_tokens=900, output_tokens=40))
    provider = _provider(fake_bedrock.url, aws_session)
    pieces, completion = _stream(provider, grounded("deadline?", [LIMITATION]))
    assert fake_bedrock.requests[0].path.endswith("/converse-stream")
    assert fake_bedrock.requests[0].body["system"][0]["text"]  # the system prompt apart from the question
    # the opening is held until it cannot be NOT_COVERED; then every delta as it comes
    assert pieces == ["You have two years from the cause of action [1]", ", and you can file online [2", "]."]
    assert completion.text == "".join(PIECES) and completion.answered
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (900, 40)


def test_through_the_handler_the_pieces_add_up_to_the_final_answer(fake_bedrock, aws_session):
    fake_bedrock.queue(streamed(PIECES))
    sent: list = []
    prompt = grounded("deadline?", [LIMITATION, E_FILING], progress=True)
    handler = AnswerHandler(provider=_provider(fake_bedrock.url, aws_session))
    result = handler(prompt, Progress(send=sent.append, cancelled=lambda: False))[0].message
    assert isinstance(result, QueryResult) and result.answered
    deltas = [m.delta for m in sent if isinstance(m, QueryProgress)]
    assert len(deltas) >= 2 and "".join(deltas) == result.answer
    assert result.answer == "You have two years from the cause of action [1], and you can file online [2]."


def test_not_covered_is_never_streamed(fake_bedrock, aws_session):
    fake_bedrock.queue(streamed(["NOT_", "COVERED. The sources ", "do not say."]))
    pieces, completion = _stream(_provider(fake_bedrock.url, aws_session), grounded("q?", [LIMITATION]))
    assert pieces == [] and not completion.answered and "1915" in completion.text


def test_an_error_event_mid_stream_fails_with_its_code(fake_bedrock, aws_session):
    fake_bedrock.queue(streamed(PIECES[:2], error="throttlingException"))
    provider = _provider(fake_bedrock.url, aws_session)
    with pytest.raises(PermanentFailure) as caught:
        _stream(provider, grounded("q?", [LIMITATION]))
    assert caught.value.code == FailureCode.LLM_THROTTLED
    assert len(fake_bedrock.requests) == 1  # an answer half shown is not asked again


def test_a_refused_call_is_retried_by_botocore_before_the_stream_starts(fake_bedrock, aws_session):
    fake_bedrock.queue(error(429, "ThrottlingException"), streamed(PIECES))
    _, completion = _stream(_provider(fake_bedrock.url, aws_session), grounded("q?", [LIMITATION]))
    assert completion.answered and len(fake_bedrock.requests) == 2


def test_cancelling_closes_the_stream_and_stops_reading(fake_bedrock, aws_session):
    fake_bedrock.queue(streamed([f"word{i} " for i in range(2000)], delay_s=0.005))
    seen = threading.Event()
    pieces: list[str] = []

    def on_text(piece: str) -> None:
        pieces.append(piece)
        seen.set()

    provider = _provider(fake_bedrock.url, aws_session)
    with pytest.raises(PermanentFailure) as caught:
        provider.stream(grounded("q?", [LIMITATION]), on_text=on_text, cancelled=seen.is_set)
    assert caught.value.code == FailureCode.CANCELLED
    request = fake_bedrock.requests[0]
    # the fake finds the connection closed at its next frames, long before its 2003rd
    from tests.support.broker import wait_until

    wait_until(lambda: request.closed_by_client, timeout=30, message="the fake to see the stream closed")
    assert request.frames_sent < 2000 and len(pieces) == 1


@pytest.mark.parametrize(("code", "status", "ours"), [
    ("ThrottlingException", 429, FailureCode.LLM_THROTTLED),
    ("AccessDeniedException", 403, FailureCode.LLM_ACCESS_DENIED),
    ("ValidationException", 400, FailureCode.LLM_INVALID_REQUEST),
    ("ModelStreamErrorException", 424, FailureCode.LLM_MODEL_ERROR),
])
# Stubber validates a response with botocore's input validator, which cannot take an EventStream (an open
# botocore issue, boto/botocore#1621): the events themselves are tested through the fake endpoint above.
def test_stubber_a_refused_stream_becomes_our_failure_and_the_request_is_what_converse_sends(
    aws_session, code: str, status: int, ours: FailureCode
):
    client = make_bedrock_client(LlmSettings(llm_provider="bedrock"), session=aws_session)
    provider = BedrockProvider(client=client, model_id="m", max_tokens=100, temperature=0, top_p=1,
                               price_input_per_1k_usd=0.001, price_output_per_1k_usd=0.002)
    prompt = grounded("deadline?", [LIMITATION])
    expected = {"modelId": "m", "system": [{"text": prompt.system_prompt}],
                "messages": [{"role": "user", "content": [{"text": prompt.prompt}]}],
                "inferenceConfig": {"maxTokens": 100, "temperature": 0, "topP": 1}}
    with Stubber(client) as stub:
        stub.add_client_error("converse_stream", code, http_status_code=status, expected_params=expected)
        with pytest.raises(PermanentFailure) as caught:
            _stream(provider, prompt)
        stub.assert_no_pending_responses()
    assert caught.value.code == ours

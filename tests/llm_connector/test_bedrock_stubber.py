"""The Bedrock provider against botocore's Stubber: request shape, usage and cost, and every error class."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.stub import Stubber

from common.failures import PermanentFailure
from llm_connector.bedrock import BedrockProvider, make_bedrock_client
from llm_connector.settings import DEFAULT_MODEL_ID, LlmSettings
from tests.support.fake_bedrock import converse_response
from tests.support.metrics import sample
from tests.support.prompts import E_FILING, LIMITATION, grounded

SETTINGS = LlmSettings(
    llm_provider="bedrock",
    bedrock_max_tokens=400,
    bedrock_temperature=0.2,
    bedrock_top_p=0.8,
    bedrock_price_input_per_1k_usd=0.003,
    bedrock_price_output_per_1k_usd=0.004,
)


@pytest.fixture
def stubbed(aws_session) -> Iterator[tuple[BedrockProvider, Stubber]]:
    client = make_bedrock_client(SETTINGS, session=aws_session)
    provider = BedrockProvider(
        client=client,
        model_id=SETTINGS.bedrock_model_id,
        max_tokens=SETTINGS.bedrock_max_tokens,
        temperature=SETTINGS.bedrock_temperature,
        top_p=SETTINGS.bedrock_top_p,
        price_input_per_1k_usd=SETTINGS.bedrock_price_input_per_1k_usd,
        price_output_per_1k_usd=SETTINGS.bedrock_price_output_per_1k_usd,
    )
    with Stubber(client) as stubber:
        yield provider, stubber
        stubber.assert_no_pending_responses()


def test_client_uses_region_retries_and_timeouts_from_settings(aws_session):
    client = make_bedrock_client(SETTINGS, session=aws_session)
    config = client.meta.config
    assert client.meta.region_name == "ap-south-1"
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}
    assert (config.connect_timeout, config.read_timeout) == (5.0, 45.0)
    assert client.meta.endpoint_url == "https://bedrock-runtime.ap-south-1.amazonaws.com"
    assert SETTINGS.bedrock_model_id == DEFAULT_MODEL_ID == "meta.llama3-70b-instruct-v1:0"


def test_success_sends_the_grounded_prompt_and_records_usage_and_cost(stubbed):
    provider, stubber = stubbed
    prompt = grounded("How long do I have to file?", [LIMITATION, E_FILING])
    stubber.add_response(
        "converse",
        converse_response("You have two years [1].", input_tokens=2000, output_tokens=500),
        expected_params={
            "modelId": DEFAULT_MODEL_ID,
            "system": [{"text": prompt.system_prompt}],
            "messages": [{"role": "user", "content": [{"text": prompt.prompt}]}],
            "inferenceConfig": {"maxTokens": 400, "temperature": 0.2, "topP": 0.8},
        },
    )
    tokens_in = sample("cr_bedrock_tokens_total", model=DEFAULT_MODEL_ID, direction="input")
    tokens_out = sample("cr_bedrock_tokens_total", model=DEFAULT_MODEL_ID, direction="output")
    cost = sample("cr_bedrock_cost_usd_total", model=DEFAULT_MODEL_ID)

    completion = provider.complete(prompt)

    assert completion.text == "You have two years [1]." and completion.answered
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (2000, 500)
    assert completion.usage.cost_usd == pytest.approx(2 * 0.003 + 0.5 * 0.004)
    assert sample("cr_bedrock_tokens_total", model=DEFAULT_MODEL_ID, direction="input") - tokens_in == 2000
    assert sample("cr_bedrock_tokens_total", model=DEFAULT_MODEL_ID, direction="output") - tokens_out == 500
    assert sample("cr_bedrock_cost_usd_total", model=DEFAULT_MODEL_ID) - cost == pytest.approx(0.008)


@pytest.mark.parametrize(
    ("bedrock_code", "status", "code", "words"),
    [
        ("ThrottlingException", 429, "llm_throttled", "busy"),
        ("ServiceUnavailableException", 503, "llm_unavailable", "temporarily unavailable"),
        ("InternalServerException", 500, "llm_unavailable", "temporarily unavailable"),
        ("ModelNotReadyException", 429, "llm_unavailable", "temporarily unavailable"),
        ("ModelTimeoutException", 408, "llm_timeout", "too long"),
        ("AccessDeniedException", 403, "llm_access_denied", "access to the language model was denied"),
        ("ValidationException", 400, "llm_invalid_request", "rejected this request"),
        ("ResourceNotFoundException", 404, "llm_model_not_found", "not found"),
        ("ModelErrorException", 424, "llm_model_error", "could not process"),
        ("UnrecognizedClientException", 403, "llm_error", "failed"),
    ],
)
def test_each_bedrock_error_becomes_a_clear_permanent_failure(stubbed, bedrock_code, status, code, words):
    provider, stubber = stubbed
    stubber.add_client_error(
        "converse",
        service_error_code=bedrock_code,
        service_message="secret internal detail 1234",
        http_status_code=status,
    )
    with pytest.raises(PermanentFailure) as caught:
        provider.complete(grounded("refund?", [E_FILING]))
    assert caught.value.code == code
    assert words in caught.value.message
    assert "secret internal detail" not in caught.value.message and bedrock_code not in caught.value.message


def test_not_covered_reply_is_unanswered_with_helpline(stubbed):
    provider, stubber = stubbed
    stubber.add_response(
        "converse", converse_response("NOT_COVERED: The passages do not mention airline refunds.")
    )
    completion = provider.complete(grounded("airline refund?", [E_FILING]))
    assert not completion.answered
    assert completion.text.startswith("The passages do not mention airline refunds.")
    assert "1915" in completion.text and "e-Daakhil" in completion.text
    assert completion.usage.input_tokens == 1200  # the call still cost tokens


def test_guardrail_or_filter_gives_the_scope_message(stubbed):
    provider, stubber = stubbed
    stubber.add_response("converse", converse_response("blocked", stop_reason="content_filtered"))
    completion = provider.complete(grounded("something off-topic", [E_FILING]))
    assert (
        not completion.answered
        and "only help with questions about consumer rights in India" in completion.text
    )


@pytest.mark.parametrize(
    ("response", "code"),
    [
        (converse_response("  "), "llm_empty_answer"),
        (converse_response("garbled", stop_reason="malformed_model_output"), "llm_model_error"),
        (converse_response("", stop_reason="model_context_window_exceeded"), "llm_invalid_request"),
    ],
)
def test_unusable_model_output_is_a_permanent_failure(stubbed, response, code):
    provider, stubber = stubbed
    stubber.add_response("converse", response)
    with pytest.raises(PermanentFailure) as caught:
        provider.complete(grounded("refund?", [E_FILING]))
    assert caught.value.code == code


def test_an_answer_cut_at_max_tokens_is_still_returned(stubbed):
    provider, stubber = stubbed
    stubber.add_response(
        "converse", converse_response("You may file within two years [1] and", stop_reason="max_tokens")
    )
    completion = provider.complete(grounded("deadline?", [LIMITATION]))
    assert completion.answered and completion.text.endswith("and")


def test_a_reply_naming_only_e_daakhil_still_gets_the_e_jagriti_pointer():
    from llm_connector.replies import HELPLINE, with_helpline

    old = "File online on e-Daakhil or call 1915."
    assert with_helpline(old).endswith(HELPLINE)
    assert with_helpline(HELPLINE) == HELPLINE

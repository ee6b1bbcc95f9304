"""Settings defaults and validation, and LLM_PROVIDER=auto following the standard AWS credential chain."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import ValidationError

from common.failures import PermanentFailure
from llm_connector.bedrock import BedrockProvider
from llm_connector.extractive import ExtractiveProvider
from llm_connector.provider import aws_credentials_available, build_provider
from llm_connector.settings import LlmSettings
from tests.support.prompts import LIMITATION, grounded

AWS_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


@pytest.fixture
def no_aws(monkeypatch, tmp_path) -> None:
    """An environment with no credentials anywhere in the chain (and no IMDS probing)."""
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def container_credentials() -> Iterator[str]:
    """A local stand-in for the ECS container credentials endpoint."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_GET(self) -> None:
            body = json.dumps(
                {
                    "AccessKeyId": "ASIATASKROLE",
                    "SecretAccessKey": "task-secret",
                    "Token": "task-token",
                    "Expiration": "2099-01-01T00:00:00Z",
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v2/credentials/task"
    server.shutdown()
    server.server_close()


def test_defaults(no_aws):
    settings = LlmSettings()
    assert settings.llm_provider == "auto" and settings.health_port == 8082
    assert (
        settings.bedrock_model_id == "meta.llama3-70b-instruct-v1:0"
        and settings.bedrock_region == "ap-south-1"
    )
    assert settings.worker_threads == 8 and settings.prefetch >= settings.worker_threads
    assert settings.bedrock_price_input_per_1k_usd > 0 and settings.bedrock_price_output_per_1k_usd > 0
    assert not any("secret" in name or "access_key" in name for name in LlmSettings.model_fields)


def test_environment_overrides(monkeypatch, no_aws):
    monkeypatch.setenv("LLM_PROVIDER", "extractive")
    monkeypatch.setenv("BEDROCK_MODEL_ID", "meta.llama3-8b-instruct-v1:0")
    monkeypatch.setenv("BEDROCK_REGION", "us-east-1")
    monkeypatch.setenv("WORKER_THREADS", "2")
    monkeypatch.setenv("PREFETCH", "4")
    settings = LlmSettings()
    assert (settings.llm_provider, settings.bedrock_model_id, settings.bedrock_region) == (
        "extractive",
        "meta.llama3-8b-instruct-v1:0",
        "us-east-1",
    )
    assert (settings.worker_threads, settings.prefetch) == (2, 4)


@pytest.mark.parametrize(
    "bad",
    [
        {"llm_provider": "openai"},
        {"bedrock_temperature": 1.5},
        {"bedrock_max_attempts": 0},
        {"bedrock_price_input_per_1k_usd": -1},
        {"worker_threads": 8, "prefetch": 4},
    ],
)
def test_invalid_settings_are_refused(no_aws, bad):
    with pytest.raises(ValidationError):
        LlmSettings(**bad)


def test_auto_without_credentials_is_extractive(no_aws):
    assert not aws_credentials_available()
    assert isinstance(build_provider(LlmSettings()), ExtractiveProvider)


def test_auto_with_environment_credentials_is_bedrock(no_aws, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
    provider = build_provider(LlmSettings())
    assert isinstance(provider, BedrockProvider) and provider.model == "meta.llama3-70b-instruct-v1:0"


def test_auto_with_shared_config_profile_is_bedrock(no_aws, monkeypatch, tmp_path):
    (tmp_path / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s\n"
    )
    assert aws_credentials_available()


def test_auto_with_the_task_role_container_endpoint_is_bedrock(no_aws, monkeypatch, container_credentials):
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_credentials)
    assert aws_credentials_available()
    assert isinstance(build_provider(LlmSettings()), BedrockProvider)


def test_explicit_choice_wins_over_the_chain(no_aws, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
    assert isinstance(build_provider(LlmSettings(llm_provider="extractive")), ExtractiveProvider)


def test_explicit_bedrock_without_credentials_fails_clearly_on_use(no_aws):
    provider = build_provider(LlmSettings(llm_provider="bedrock"))
    assert isinstance(provider, BedrockProvider)
    with pytest.raises(PermanentFailure) as caught:
        provider.complete(grounded("q?", [LIMITATION]))
    assert caught.value.code == "llm_not_configured" and "not set up correctly" in caught.value.message

"""The provider interface, what a provider returns, and the choice between Bedrock and the extractive one."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import botocore.exceptions
import botocore.session

from common.messages import GroundedPrompt, TokenUsage

if TYPE_CHECKING:
    import boto3

    from llm_connector.settings import LlmSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completion:
    """An answer before citations are resolved; `answered` is False when the sources did not cover it."""

    text: str
    answered: bool
    usage: TokenUsage = field(default_factory=TokenUsage)


class LlmProvider(Protocol):
    """Answers a grounded prompt that has context; raises PermanentFailure when it cannot."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    def complete(self, prompt: GroundedPrompt) -> Completion: ...


class StreamingProvider(LlmProvider, Protocol):
    """A provider that can also hand out its answer as it is written."""

    def stream(
        self, prompt: GroundedPrompt, *, on_text: Callable[[str], None], cancelled: Callable[[], bool]
    ) -> Completion:
        """Call `on_text` with each piece of the answer as it comes (raw: markers as written), check
        `cancelled` between pieces (raise `withdrawn()` when it says so), return what `complete` would."""
        ...



def aws_credentials_available(session: boto3.session.Session | None = None) -> bool:
    """Whether the standard chain finds credentials: environment, shared config/SSO, or the container URI.

    The EC2 instance-metadata provider is skipped so that start-up off AWS does not wait for IMDS
    timeouts; on ECS the task role arrives through the container credentials URI.
    """
    if session is not None:
        return session.get_credentials() is not None
    resolver = botocore.session.get_session().get_component("credential_provider")
    with contextlib.suppress(ValueError):
        resolver.remove("iam-role")
    try:
        return resolver.load_credentials() is not None
    except botocore.exceptions.BotoCoreError as exc:
        log.warning("AWS credentials could not be loaded: %s", exc.__class__.__name__)
        return False


def resolve_provider_name(settings: LlmSettings, *, session: boto3.session.Session | None = None) -> str:
    """'bedrock' or 'extractive' for LLM_PROVIDER (auto picks Bedrock only when credentials exist)."""
    if settings.llm_provider != "auto":
        return settings.llm_provider
    return "bedrock" if aws_credentials_available(session) else "extractive"


def build_provider(settings: LlmSettings, *, session: boto3.session.Session | None = None) -> LlmProvider:
    """The configured provider; `session` lets tests supply credentials without touching the environment."""
    from llm_connector.bedrock import BedrockProvider, make_bedrock_client
    from llm_connector.extractive import ExtractiveProvider

    name = resolve_provider_name(settings, session=session)
    if name == "extractive":
        log.info("using the extractive provider (no LLM)")
        return ExtractiveProvider(max_sentences=settings.extractive_max_sentences)
    log.info("using Bedrock model %s in %s", settings.bedrock_model_id, settings.bedrock_region)
    return BedrockProvider(
        client=make_bedrock_client(settings, session=session),
        model_id=settings.bedrock_model_id,
        max_tokens=settings.bedrock_max_tokens,
        temperature=settings.bedrock_temperature,
        top_p=settings.bedrock_top_p,
        price_input_per_1k_usd=settings.bedrock_price_input_per_1k_usd,
        price_output_per_1k_usd=settings.bedrock_price_output_per_1k_usd,
    )

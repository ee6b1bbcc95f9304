"""Fixtures for llm_connector tests: a fake Bedrock endpoint and a boto3 session with dummy credentials."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from tests.support.fake_bedrock import FakeBedrock


@pytest.fixture
def fake_bedrock() -> Iterator[FakeBedrock]:
    fake = FakeBedrock().start()
    yield fake
    fake.stop()


@pytest.fixture
def aws_session() -> boto3.session.Session:
    """Dummy keys for signing requests to the fake endpoint; the code under test never holds keys."""
    return boto3.session.Session(
        aws_access_key_id="test-key-id", aws_secret_access_key="test-secret", region_name="ap-south-1"
    )

"""Shared fixtures of the gateway's tests."""

from __future__ import annotations

import pytest

from pii_filter.redaction import Redactor
from pii_filter.settings import GatewaySettings


@pytest.fixture(scope="session")
def redactor() -> Redactor:
    """The gateway's redactor as it is built from default settings (spaCy loaded once per run)."""
    return Redactor.from_settings(GatewaySettings(auth_disabled=True))

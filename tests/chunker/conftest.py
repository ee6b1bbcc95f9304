"""The tokenizer is loaded once for all chunker tests."""

from __future__ import annotations

import pytest

from chunker.splitter import TokenCounter


@pytest.fixture(scope="session")
def count() -> TokenCounter:
    return TokenCounter()

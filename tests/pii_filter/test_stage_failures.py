"""The error contract: every failure code has one HTTP status, chosen by whether asking again can help."""

from __future__ import annotations

import uuid

import pytest

from common.failures import FailureCode
from common.messages import StageError
from pii_filter.errors import STAGE_FAILURE_STATUS, stage_failure


def test_every_code_has_a_status_and_503_means_a_retry_can_help():
    assert set(STAGE_FAILURE_STATUS) == set(FailureCode)
    for code, status in STAGE_FAILURE_STATUS.items():
        assert status == (503 if code.retry_can_help else 502), code


@pytest.mark.parametrize(
    ("code", "status"),
    [("index_unavailable", 503), ("llm_throttled", 503), ("llm_timeout", 503), ("llm_unreachable", 503),
     ("llm_access_denied", 502), ("internal_error", 502), ("invalid_message", 502)],
)
def test_a_stage_error_becomes_the_api_error_of_its_code(code: str, status: int):
    qid = uuid.uuid4()
    error = stage_failure(StageError(stage="s", code=code, message="Please try again."), query_id=qid)
    assert (error.status, error.code, error.query_id) == (status, code, qid)
    assert error.message == "Please try again."


def test_a_code_this_gateway_does_not_know_is_a_502_that_keeps_the_stage_s_code_and_words():
    # a newer stage's code: no substring of it decides anything ("..._unavailable" is not special)
    error = stage_failure(StageError(stage="s", code="vector_store_unavailable", message="Later."),
                          query_id=uuid.uuid4())
    assert (error.status, error.code, error.message) == (502, "vector_store_unavailable", "Later.")
    assert FailureCode.of("vector_store_unavailable") is FailureCode.UNKNOWN


def test_a_failed_result_without_an_error_is_still_a_clear_502():
    error = stage_failure(None, query_id=uuid.uuid4())
    assert error.status == 502 and error.message

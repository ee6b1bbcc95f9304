"""The scope decision on kinds of questions, with the real embedding model (written for this test, in no
evaluation set and not in rag_core/scope_examples.txt)."""

from __future__ import annotations

import numpy as np
import pytest

from common.embedding import Embedder, load_embedder
from rag_core.question import follow_up_text
from rag_core.scope import ScopeCheck
from rag_core.settings import RagSettings

# another statute's appeal, limitation period or forum: the shape of a consumer procedure question
OTHER_LAWS = (
    "the income tax officer passed a penalty order on my return, how many days do I have to appeal?",
    "my business client's cheque was dishonoured, within how many days must I file the complaint in court?",
    "a government employee wants to challenge his suspension order, which tribunal hears it?",
    "the registrar refused to register my sale deed, what is the remedy?",
    "how do I claim compensation from the motor accident claims tribunal after a road accident?",
)
# consumer complaints that name an accident, a cheque, the police or an appeal in passing
CONSUMER = (
    "the insurance company is refusing my car accident claim saying the driver's licence had expired",
    "the doctor at a private hospital operated on the wrong knee, can I complain?",
    "my electricity bill is wrong because the meter is faulty and the board will not correct it",
    "the builder's refund cheque bounced and my flat is still not delivered",
    "how long do I have to appeal against the district commission's order?",
    "the police said my fake phone complaint is for the consumer forum",
)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder(backend=RagSettings().embedding_backend)


@pytest.fixture(scope="module")
def scope(embedder: Embedder) -> ScopeCheck:
    return ScopeCheck.build(embedder)


def vector(embedder: Embedder, question: str) -> np.ndarray:
    return embedder.embed([follow_up_text(question, [], count_tokens=embedder.count_tokens)])[0]


@pytest.mark.parametrize("question", OTHER_LAWS)
def test_other_laws_procedure_is_out_of_scope(embedder: Embedder, scope: ScopeCheck, question: str) -> None:
    assert scope.out_of_scope(vector(embedder, question))


@pytest.mark.parametrize("question", CONSUMER)
def test_consumer_complaints_naming_other_laws_in_passing_stay_in_scope(
    embedder: Embedder, scope: ScopeCheck, question: str
) -> None:
    assert not scope.out_of_scope(vector(embedder, question))


def test_the_classifier_only_breaks_near_ties(embedder: Embedder, scope: ScopeCheck) -> None:
    rng = np.random.default_rng(0)
    probes = rng.normal(size=(50, scope.inside.shape[1]))
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    assert all(abs(scope.tilt(p)) < scope.lean for p in probes)
    again = ScopeCheck.build(embedder)
    assert again.weights is not None and scope.weights is not None
    assert np.array_equal(again.weights, scope.weights)
    plain = ScopeCheck.build(embedder, lean=0.0)
    assert plain.weights is None and plain.tilt(probes[0]) == 0.0

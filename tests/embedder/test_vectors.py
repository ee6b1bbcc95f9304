"""A passage is stored with exactly the vector its text gets when embedded alone, as a question is."""

from __future__ import annotations

import numpy as np

from common.embedding import load_embedder
from embedder.settings import EmbedderSettings
from tests.support.knowledge import GUIDES


def test_stored_vectors_do_not_depend_on_their_batch() -> None:
    """int8 activations are quantised per model call: batching passages together would give each one
    a vector that depends on its neighbours (and differs from the same text as a query)."""
    settings = EmbedderSettings()
    embedder = load_embedder(backend=settings.embedding_backend)
    texts = [f"{title}. {body}" for title, _sections, body in GUIDES.values()] + [
        "Which commission do I approach for a Rs 45 lakh claim?",
        "refund",
        "The seller refused to replace a defective refrigerator within the warranty period. " * 4,
    ]
    together = embedder.embed(texts, batch_size=settings.embedding_batch_size)
    alone = np.stack([embedder.embed([text])[0] for text in texts])
    np.testing.assert_array_equal(together, alone)

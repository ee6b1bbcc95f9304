"""Placeholders restored piece by piece: a placeholder split over two pieces, and nothing taken back."""

from __future__ import annotations

import random

import pytest

from pii_filter.redaction.models import Redaction
from pii_filter.restoring_stream import RestoringStream

REDACTION = Redaction(redacted="", entities=[], _originals={"PHONE_1": "98765 43210", "PERSON_1": "Asha Rao"})
ANSWERS = [
    "Dear <PERSON_1>, we will call you on <PHONE_1> within 2 days < 5 days <NOT_OURS_1>.",
    "<PHONE_1>", "a < b and <PHONE_1 > ok <", "<< PHONE_1>> <PERSON_2>", "no placeholders at all",
]


@pytest.mark.parametrize("answer", ANSWERS)
def test_pieces_restore_to_what_the_whole_answer_restores_to(answer: str):
    whole = REDACTION.restore(answer)
    rng = random.Random(answer)
    for _ in range(200):
        cuts = sorted(rng.sample(range(len(answer) + 1), min(len(answer) + 1, rng.randint(0, 6))))
        pieces = [answer[a:b] for a, b in zip([0, *cuts], [*cuts, len(answer)], strict=True)]
        stream = RestoringStream(REDACTION.restore)
        out = [stream.feed(p) for p in pieces] + [stream.finish()]
        assert "".join(out) == whole == stream.released, pieces


def test_a_placeholder_split_over_two_pieces_is_held_back_and_never_shown_half():
    stream = RestoringStream(REDACTION.restore)
    assert stream.feed("We will call you on <PHO") == "We will call you on "
    assert stream.feed("NE_1> today.") == "98765 43210 today."

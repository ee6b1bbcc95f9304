"""Forms bench/pii_adversarial_batch7.yaml found mishandled: names that are also English words with no
cue ("to Lucky at the showroom", "Rocky, the delivery boy", "Prince ka number"), the same words used
as ordinary words ("Joy came from nowhere", "Honey sold by Dabur"), and a sentence after a dash
taken into the address before it ("Kharghar - CIDCO sent ...").

The sentences here are written for these tests, apart from the batch, so they check that each rule
is general rather than fitted to the batch's own wording.
"""

from __future__ import annotations

import pytest

from pii_filter.redaction import Redactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I handed the spare key to Sunny at the Urban Company office", "Sunny"),
        ("Please talk with Rose at the Nykaa counter about my order", "Rose"),
        ("I gave Pinky the cash for the saree and got no bill", "Pinky"),
        ("Honey, the maid, took my gold ring from the cupboard", "Honey"),
        ("Hope, my tenant, has not paid rent for 3 months", "Hope"),
        ("Prince's phone is switched off after he took the advance", "Prince"),
        ("Rocky bhai ne bike ka service nahi kiya", "Rocky"),
        ("Lucky ko maine 3000 diye the", "Lucky"),
        ("Grace and her son run the boutique that lost my lehenga", "Grace"),
        ("Rose sold me a fake iPhone on OLX", "Rose"),
        ("Happy ordered a cake from Swiggy on my account and it was stale", "Happy"),
        ("In Pune, Rose called me from the HDFC branch", "Rose"),
    ],
)
def test_an_english_word_name_is_a_person_where_the_sentence_makes_it_one(
    redactor: Redactor, text: str, name: str
) -> None:
    redacted = redactor.redact(text).redacted
    assert name not in redacted, redacted
    assert "<PERSON_1>" in redacted, redacted


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Joy went away when the Ola bill came", "Joy"),
        ("Joy came back only when the bank reversed the charge", "Joy"),
        ("Honey sold in Patanjali stores is fake", "Honey"),
        ("Honey sold by a local brand on Amazon was only sugar syrup", "Honey"),
        ("Baby food ordered online from FirstCry was expired", "Baby"),
        ("with Grace period over, the card company charged interest", "Grace"),
        ("I went to Rose Garden in Chandigarh and the parking contractor overcharged", "Rose"),
        ("Lucky draw coupons were given to everyone except me", "Lucky"),
        ("Hope this reaches the right person at Flipkart", "Hope"),
        ("Dear Sir, Lucky Electronics sold me a used TV", "Lucky"),
        ("Prince Pipes fittings leaked within a month", "Prince"),
    ],
)
def test_the_same_words_used_as_ordinary_words_stay(redactor: Redactor, text: str, word: str) -> None:
    redaction = redactor.redact(text)
    assert word in redaction.redacted, redaction.redacted
    assert "PERSON" not in redaction.redacted, redaction.redacted


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (
            "Flat 7, Sector 15, Vashi - MSEDCL sent a bill for ₹6,000",
            ["MSEDCL", "₹6,000"],
            ["Flat 7", "Sector 15"],
        ),
        (
            "H.No 90, Gali No 2, Shastri Nagar - Blinkart wala delivery nahi karta",
            ["Blinkart"],
            ["H.No 90", "Gali No 2"],
        ),
    ],
)
def test_a_sentence_after_a_dash_does_not_go_with_the_address(
    redactor: Redactor, text: str, kept: list[str], gone: list[str]
) -> None:
    redacted = redactor.redact(text).redacted
    assert all(fact in redacted for fact in kept), redacted
    assert all(value not in redacted for value in gone), redacted

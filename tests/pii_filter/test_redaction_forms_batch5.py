"""Forms of personal data and facts that bench/pii_adversarial_batch5.yaml found mishandled (issue 15):
a labelled sender line, a name after a closing dash, a signature under a sign-off (even a brand's
name), a name spaCy ran into the next line, a village address after a "Dist." abbreviation, a house
number written "20/B", a shop's landline read as a street address, a seller's toll-free number, towns
and platforms nobody listed.

The sentences here are written for these tests, apart from the batch, so they check that each fix
is general rather than fitted to the batch's own wording.
"""

from __future__ import annotations

import pytest

from pii_filter.redaction import Redactor


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Complainant: Rekha Pillai\nThe Lloyd AC stopped cooling in 2 weeks", "Rekha Pillai"),
        ("Applicant - Tushar Wagh, the builder has not given the OC", "Tushar Wagh"),
        ("the speaker died in a week, please advise - Imtiaz", "Imtiaz"),
        ("the lab never sent my report ~ Zarine", "Zarine"),
        ("Dear team,\nThe geyser leaks.\nRegards,\nFaisal", "Faisal"),
        ("Yours faithfully,\nSonam Tshering\nGangtok", "Sonam Tshering"),
    ],
)
def test_labelled_dashed_and_signed_names_are_removed(redactor: Redactor, text: str, name: str) -> None:
    redacted = redactor.redact(text).redacted
    assert all(word not in redacted for word in name.split()), redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Regards,\nCroma", "Croma"),  # a shop's reply quoted in full: a listed brand that is no name
        ("Thanks,\nTeam Flipkart", "Flipkart"),
        ("With regards,\nMeera Iyer\nPathanamthitta", "Pathanamthitta"),  # the town under a signature
        ("Sincerely,\nDr. K. Joseph\nKottayam", "Kottayam"),
    ],
)
def test_signature_rules_keep_shops_and_towns(redactor: Redactor, text: str, kept: str) -> None:
    assert kept in redactor.redact(text).redacted


def test_a_village_address_after_a_district_abbreviation_is_removed(redactor: Redactor) -> None:
    text = "Vill. Rampur Khurd, Post Bhagwanpur, Dist. Vaishali, Bihar 844114 - the ration card is cancelled"
    redacted = redactor.redact(text).redacted
    assert "Rampur Khurd" not in redacted and "Bhagwanpur" not in redacted, redacted
    assert "844114" not in redacted and "Bihar" in redacted, redacted


def test_a_house_number_with_a_letter_after_a_slash_starts_an_address(redactor: Redactor) -> None:
    redacted = redactor.redact("send the parts to 14/C, Shree Ganesh Society, Kothrud please").redacted
    assert "14/C" not in redacted and "Shree Ganesh" not in redacted, redacted


def test_a_shops_landline_is_a_phone_not_an_address(redactor: Redactor) -> None:
    text = "Our shop 0484-2345678 was disconnected for 12 days, BSNL did not inform us"
    redacted = redactor.redact(text).redacted
    assert "2345678" not in redacted and "12 days" in redacted and "BSNL" in redacted, redacted


@pytest.mark.parametrize(
    "number", ["1800-102-5678", "1800 419 0001", "18602662666", "1860 500 1234", "+91 1800 208 9898"]
)
def test_toll_free_and_shared_cost_numbers_stay(redactor: Redactor, number: str) -> None:
    text = f"LG customer care {number} keeps disconnecting, my own number is 98450 77123"
    redacted = redactor.redact(text).redacted
    assert number in redacted and "77123" not in redacted, redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Plot 12, Sector 8, Panchkula - possession delayed by 3 years", "Panchkula"),
        ("a seller on Facebook Marketplace took ₹3,000 and blocked me", "Facebook"),
        ("Bought a Bosch washing machine, drum broke in a month", "Bosch"),
    ],
)
def test_towns_platforms_and_brands_stay(redactor: Redactor, text: str, kept: str) -> None:
    assert kept in redactor.redact(text).redacted

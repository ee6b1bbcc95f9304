"""Forms of personal data and facts that bench/pii_adversarial_batch6.yaml found mishandled (issue 15):
a district written after its name ("Udupi dist"), an address that starts at a tower or building
number, a name that is also an English word doing what a person does ("Prince called me"), given
names nobody had listed, and insurers, trains, builders, visas and bank short names taken for people.

The sentences here are written for these tests, apart from the batch, so they check that each fix
is general rather than fitted to the batch's own wording.
"""

from __future__ import annotations

import pytest

from pii_filter.redaction import Redactor


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (
            "Door No 3/18, Temple Street, Kumta, Uttara Kannada dist 581343. The inverter died in a week",
            ["Kumta", "Uttara Kannada", "inverter"],
            ["3/18", "Temple Street", "581343"],
        ),
        (
            "H.No 9-41, Kalavai Road, Gudivada, Krishna district 521301 - the bank froze my pension account",
            ["Gudivada", "Krishna district"],
            ["9-41", "Kalavai", "521301"],
        ),
        (
            "Plot 22, Gandhi Colony, Nalgonda district - the chit fund company ran away with ₹2 lakh",
            ["Nalgonda", "₹2 lakh"],
            ["Plot 22", "Gandhi Colony"],
        ),
    ],
)
def test_a_district_written_after_its_name_ends_the_address_and_stays(
    redactor: Redactor, text: str, kept: list[str], gone: list[str]
) -> None:
    redacted = redactor.redact(text).redacted
    assert all(fact in redacted for fact in kept), redacted
    assert all(value not in redacted for value in gone), redacted


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Tower 3, Flat 902, Mahagun Moderne, Noida - no lift for a month", ["Tower 3", "902", "Moderne"]),
        (
            "deliver to Building 4, Room 21, Shivaji Chawl, Mumbai 400012",
            ["Building 4", "Room 21", "Shivaji Chawl"],
        ),
        (
            "Bldg 11, 2nd floor, Sagar Darshan, Ghatkopar - the lift company took AMC money",
            ["Bldg 11", "Sagar Darshan"],
        ),
    ],
)
def test_a_tower_or_building_number_starts_an_address(redactor: Redactor, text: str, gone: list[str]) -> None:
    redacted = redactor.redact(text).redacted
    assert all(value not in redacted for value in gone), redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lucky called me twice from the loan app and abused my parents", "Lucky"),
        ("Happy from the Kotak branch promised a waiver of the penalty", "Happy"),
        ("Dolly told me the refund was processed on Monday", "Dolly"),
        ("goldy sold me a duplicate charger for 900 rupees", "goldy"),
        ("the cable bill doubled. Bunty refused to give a receipt", "Bunty"),
    ],
)
def test_a_name_that_is_an_english_word_doing_what_people_do_is_removed(
    redactor: Redactor, text: str, name: str
) -> None:
    assert name not in redactor.redact(text).redacted


@pytest.mark.parametrize(
    "text",
    [
        "prices rose from Rs 400 to Rs 700 after the update",
        "my only hope from the consumer forum is a full refund",
        "May I know why the bank called me at midnight?",
        "I was happy told them so, but the seller still refused",
    ],
)
def test_english_words_that_are_also_names_stay_without_a_person_doing_something(
    redactor: Redactor, text: str
) -> None:
    assert redactor.redact(text).redacted == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kritika ka order cancel ho gaya par paisa nahi aaya", "Kritika"),
        ("Sahil ne mere 4000 rupaye liye the", "Sahil"),
        ("Prateek at the Vivo store refused to take the phone back", "Prateek"),
        ("my tenant Rishabh left without paying 3 months of rent", "Rishabh"),
    ],
)
def test_given_names_nobody_had_listed_are_removed(redactor: Redactor, text: str, name: str) -> None:
    assert name not in redactor.redact(text).redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Tata AIA says my claim was filed late, is that a reason to reject?", "Tata AIA"),
        ("the Shatabdi was 4 hours late and IRCTC gives no refund", "Shatabdi"),
        ("Mahindra Lifespaces delayed the possession by two years", "Mahindra Lifespaces"),
        ("the Schengen visa fee was taken twice", "Schengen"),
        ("the HDFC Aundh branch closed my locker without notice", "Aundh"),
        ("PNB MetLife mis-sold me a ULIP as a fixed deposit", "PNB MetLife"),
    ],
)
def test_insurers_trains_builders_visas_and_branches_stay(redactor: Redactor, text: str, kept: str) -> None:
    assert kept in redactor.redact(text).redacted

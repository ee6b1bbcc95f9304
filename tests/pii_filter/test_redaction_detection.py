"""Every identifier type and written form is removed; the facts the answer needs stay."""

from __future__ import annotations

import pytest

from pii_filter.redaction import Redactor
from pii_filter.settings import GatewaySettings


@pytest.mark.parametrize(
    ("sentence", "value", "kind"),
    [
        ("Call me at {} please.", "+91 98765 43210", "PHONE"),
        ("Call me at {} please.", "+91-9876543210", "PHONE"),
        ("Call me at {} please.", "09876543210", "PHONE"),
        ("Call me at {} please.", "98765 43210", "PHONE"),
        ("Call me at {} please.", "9876543210", "PHONE"),
        ("My Aadhaar is {}.", "234567890124", "IN_AADHAAR"),
        ("My Aadhaar is {}.", "2345 6789 0124", "IN_AADHAAR"),
        ("My Aadhaar is {}.", "2345-6789-0124", "IN_AADHAAR"),
        ("PAN {} for the invoice.", "ABCPK1234L", "IN_PAN"),
        ("passport number {} was copied.", "J8369854", "IN_PASSPORT"),
        ("voter id {} is with them.", "ABC1234567", "IN_VOTER"),
        ("My car {} was damaged.", "MH12AB1234", "IN_VEHICLE_REGISTRATION"),
        ("My car {} was damaged.", "MH 12 AB 1234", "IN_VEHICLE_REGISTRATION"),
        ("Their GSTIN is {}.", "27ABCPK1234L1Z5", "IN_GSTIN"),
        ("I paid by UPI to {} twice.", "priya.sharma@okaxis", "UPI_ID"),
        ("I paid by UPI to {}.", "9876543210@ybl", "UPI_ID"),
        ("Email me at {} today.", "anjali.d@gmail.com", "EMAIL"),
        ("Refund to my account number {} please.", "123456789012", "BANK_ACCOUNT"),
        ("Charged on card {} twice.", "4111 1111 1111 1111", "CARD"),
        ("Charged on RuPay card {} twice.", "6521 5000 1234 5670", "CARD"),
        ("Charged on card {} twice.", "8201 1234 5678 9015", "CARD"),
    ],
)
def test_identifier_is_removed_and_typed(redactor: Redactor, sentence: str, value: str, kind: str) -> None:
    text = sentence.format(value)
    redaction = redactor.redact(text)
    assert value not in redaction.redacted
    assert kind in redaction.entity_types
    entity = next(e for e in redaction.entities if e.type == kind)
    assert text[entity.start : entity.end] == value


def test_invalid_aadhaar_checksum_is_not_taken_for_aadhaar(redactor: Redactor) -> None:
    redaction = redactor.redact("My Aadhaar is 2345 6789 0123.")  # Verhoeff check digit wrong
    assert "IN_AADHAAR" not in redaction.entity_types


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("My name is Priya Sharma and Croma sold me a broken TV.", ["Priya", "Sharma"]),
        ("my name is rahul verma and the fridge leaks.", ["rahul", "verma"]),
        ("Regards, R. Venkatesh", ["Venkatesh"]),
        ("Anjali Deshmukh ordered from Amazon.", ["Anjali", "Deshmukh"]),
        ("Hello team, Nilima Choudhury here from Pune.", ["Nilima", "Choudhury"]),
        ("I, Gurpreet Kaur, want a refund.", ["Gurpreet", "Kaur"]),
    ],
)
def test_person_names_are_removed(redactor: Redactor, text: str, names: list[str]) -> None:
    redacted = redactor.redact(text).redacted
    assert "<PERSON_1>" in redacted
    for name in names:
        assert name not in redacted


def test_address_street_and_pin_go_but_city_stays(redactor: Redactor) -> None:
    text = "Deliver to Flat 302, Sai Residency, MG Road, Koramangala, Bengaluru - 560034 by Friday."
    redaction = redactor.redact(text)
    assert redaction.redacted == "Deliver to <ADDRESS_1>, Bengaluru - <PIN_CODE_1> by Friday."
    assert redaction.entity_types == ["ADDRESS", "IN_PIN_CODE"]


@pytest.mark.parametrize(
    "text",
    [
        "Vijay Sales refused to replace my LG TV bought 2 months ago for Rs 38,500 in Pune.",
        "I paid ₹45,000 to Reliance Digital in Chennai, Tamil Nadu on 12/03/2024.",
        "Flipkart charged 45 lakh instead of Rs. 1,20,000 for a OnePlus Nord CE 3 three weeks ago.",
        "Sharma Electronics in Jaipur sold me a Godrej Eon fridge for INR 24,990 last Diwali.",
        "Amazon delivered a damaged Haier 7 kg washing machine worth Rs 12k to my house in Kochi.",
    ],
)
def test_facts_survive_untouched(redactor: Redactor, text: str) -> None:
    redaction = redactor.redact(text)
    assert redaction.redacted == text, redaction.entities


def test_weak_pattern_lifted_only_by_whole_context_word(redactor: Redactor) -> None:
    # "company" contains "pan"; a ten-character word must not become a PAN
    text = "Urban Company sold a Titan smartwatch for Rs 12,999 and ignored me."
    assert redactor.redact(text).redacted == text


def test_a_batch_redacts_each_text_as_alone(redactor: Redactor) -> None:
    """The gateway batches concurrent questions through spaCy: the outcome must not depend on it."""
    from bench.pii_dataset import generate

    texts = [e.text for e in generate(count=120, seed=11, split="heldout")]
    alone = [(r.redacted, r.entities) for r in map(redactor.redact, texts)]
    for size in (7, 32):
        batched = [
            (r.redacted, r.entities)
            for start in range(0, len(texts), size)
            for r in redactor.redact_many(texts[start : start + size])
        ]
        assert batched == alone
    assert sum(1 for redacted, _ in alone if "<" in redacted) > 60  # the texts do carry identifiers


def test_the_analyzer_has_the_regions_and_context_words_the_configuration_names(redactor: Redactor) -> None:
    """Presidio's config loading silently dropped both (eight countries' phone plans tripled the cost)."""
    from pii_filter.redaction.engine import DEFAULT_CONFIG_PATH, load_analyzer, read_config

    configured = [c for c in read_config(DEFAULT_CONFIG_PATH)["recognizer_registry"]["recognizers"]
                  if isinstance(c, dict) and c.get("type") == "predefined"]
    analyzer = load_analyzer(config_path="", spacy_model=GatewaySettings(auth_disabled=True).spacy_model)
    loaded = {r.name: r for r in analyzer.registry.recognizers}
    contexts = {
        conf["name"]: language["context"]
        for conf in configured
        for language in conf.get("supported_languages", [])
        if isinstance(language, dict) and language.get("context")
    }
    assert len(contexts) >= 5
    assert not [c["name"] for c in configured if "context" in c]  # beside the languages it is ignored
    for name, words in contexts.items():
        assert loaded[name].context == words, name
    phone = next(c for c in configured if c["name"] == "BoundedPhoneRecognizer")
    regions = tuple(loaded["BoundedPhoneRecognizer"].supported_regions)
    assert regions == tuple(phone["supported_regions"]) == ("IN",)
    for number in ("98450 12345", "+91 98450 12345", "+1 415 555 0132", "+44 20 7946 0958"):
        assert number not in redactor.redact(f"My number is {number}, call after six.").redacted, number

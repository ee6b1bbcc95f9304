"""Forms of personal data that bench/pii_adversarial_batch4.yaml found leaking (issue 15): driving
licences, dates of birth, Bharat-series vehicle numbers, profile links, names that are English words,
landmarks and districts in addresses, towns nobody listed before a PIN code, split and spaced numbers.

The sentences here are written for these tests, apart from the batch, so they check that each fix
is general rather than fitted to the batch's own wording.
"""

from __future__ import annotations

import re

import pytest

from pii_filter.redaction import Redactor


def _digits_survive(redacted: str, value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return any(digits[i : i + 5] in re.sub(r"\D", "", redacted) for i in range(len(digits) - 4))


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("my licence TN-09-2016-0045678 was suspended without notice", "TN-09-2016-0045678",
         "IN_DRIVING_LICENCE"),
        ("dl no up3220180098765, the RTO lost my file", "up3220180098765", "IN_DRIVING_LICENCE"),
        ("date of birth: 07-11-1979, the bank says my KYC does not match", "07-11-1979", "DATE_OF_BIRTH"),
        ("my father was born on 21 August 1948 and the pension office wants proof", "21 August 1948",
         "DATE_OF_BIRTH"),
        ("d.o.b. 1992-02-29 is printed wrong on the policy", "1992-02-29", "DATE_OF_BIRTH"),
        ("my car 23 BH 0456 C was towed from outside my own gate", "23 BH 0456 C", "IN_VEHICLE_REGISTRATION"),
    ],
)
def test_licences_birth_dates_and_bharat_series_are_removed(
    redactor: Redactor, text: str, value: str, kind: str
) -> None:
    redaction = redactor.redact(text)
    assert kind in redaction.entity_types, redaction.redacted
    assert not _digits_survive(redaction.redacted, value), redaction.redacted


@pytest.mark.parametrize(
    "text",
    [
        "bought the TV on 14/08/2023 and it died on 02-01-2024",
        "the policy started on 3rd March 2019 and the claim was filed in 2024",
        "the newborn kit was delivered on 5 June 2025, half of it missing",
        "Order 1234567890123 from 2021, invoice 20190012345 attached",
    ],
)
def test_other_dates_and_order_numbers_stay(redactor: Redactor, text: str) -> None:
    redaction = redactor.redact(text)
    assert redaction.redacted == text, redaction.redacted


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("her shop is https://www.instagram.com/mehndi_by_farah and she took 3,000 advance",
         "mehndi_by_farah"),
        ("my profile linkedin.com/in/rakesh-nair-7719 shows the fake job offer", "rakesh-nair-7719"),
        ("the seller's page facebook.com/gupta.mobile.deals blocked me", "gupta.mobile.deals"),
        ("subscribe youtube.com/@TravelWithTanu, the brand never paid", "@TravelWithTanu"),
    ],
)
def test_profile_links_lose_the_handle_and_keep_the_site(redactor: Redactor, text: str, handle: str) -> None:
    redaction = redactor.redact(text)
    assert "SOCIAL_HANDLE" in redaction.entity_types, redaction.redacted
    assert handle not in redaction.redacted, redaction.redacted
    assert ".com/" in redaction.redacted, redaction.redacted


def test_a_reel_link_names_nobody(redactor: Redactor) -> None:
    text = "the ad at instagram.com/reel/C9xYz promised 50% off"
    assert redactor.redact(text).redacted == text


@pytest.mark.parametrize(
    "text",
    [
        "the same phone was listed at flipkart.com for 9,999 and at amazon.in for 11,499",
        "I left a complaint at consumerhelpline.gov.in but nobody answered",
    ],
)
def test_a_website_after_the_word_at_is_no_email(redactor: Redactor, text: str) -> None:
    redaction = redactor.redact(text)
    assert "EMAIL" not in redaction.entity_types, redaction.redacted


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("send it to meera.k88 @ yahoo . co . in please", "meera.k88"),
        ("mail: deepu2001 @gmail .com", "deepu2001"),
    ],
)
def test_emails_with_spaced_dots_are_removed(redactor: Redactor, text: str, value: str) -> None:
    redaction = redactor.redact(text)
    assert "EMAIL" in redaction.entity_types, redaction.redacted
    assert value not in redaction.redacted, redaction.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ms joy mathew from the bank promised to waive the charge", "joy mathew"),
        ("my wife hope was given the wrong medicine", "hope"),
        ("the plumber lucky took 1,200 and never came back", "lucky"),
        ("sir myself prince, the coaching centre kept my fees", "prince"),
        ("hi, pinky sharma here, my parcel is lost", "pinky sharma"),
        ("bunty singh sold me a fake insurance policy", "bunty singh"),
    ],
)
def test_names_that_are_english_words_go_after_a_clear_cue_or_beside_a_surname(
    redactor: Redactor, text: str, name: str
) -> None:
    redaction = redactor.redact(text)
    for word in name.split():
        assert not re.search(rf"(?i)\b{word}\b", redaction.redacted), redaction.redacted


@pytest.mark.parametrize(
    "text",
    [
        "i am happy with the replacement but not with the delay",
        "this is rose gold, not the colour I ordered",
        "thanks, hope to hear soon",
        "the delivery boy may come tomorrow, they said",
    ],
)
def test_english_words_after_weak_cues_stay(redactor: Redactor, text: str) -> None:
    redaction = redactor.redact(text)
    assert "PERSON" not in redaction.entity_types, redaction.redacted


@pytest.mark.parametrize(
    ("text", "street", "kept"),
    [
        ("flat 9, sai enclave, behind reliance fresh, madhapur, hyderabad: no water for 4 days",
         ["sai enclave", "madhapur", "behind reliance fresh"], ["hyderabad", "4 days"]),
        ("house no 7, vill Sarai, p.o. Bhiti, dist Ambedkar Nagar - the meter reader never comes",
         ["Sarai", "Bhiti"], ["Ambedkar Nagar"]),
        ("D-14, shanti vihar, near gurudwara, Rudrapur 263153, the builder has not given the NOC",
         ["shanti vihar", "gurudwara"], ["Rudrapur"]),
        ("plot 22, nampally, hyderabad, the EB meter burnt", ["nampally"], ["hyderabad"]),
    ],
)
def test_landmarks_go_and_districts_and_towns_stay(
    redactor: Redactor, text: str, street: list[str], kept: list[str]
) -> None:
    redaction = redactor.redact(text)
    assert "ADDRESS" in redaction.entity_types, redaction.redacted
    for piece in street:
        assert piece not in redaction.redacted, redaction.redacted
    for fact in kept:
        assert fact in redaction.redacted, redaction.redacted


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("Haldiram's namkeen packet had an insect, bought for 120", "Haldiram's"),
        ("Byju's course of 45,000 was never refunded", "Byju's"),
    ],
)
def test_brands_written_with_an_apostrophe_stay(redactor: Redactor, text: str, brand: str) -> None:
    redaction = redactor.redact(text)
    assert brand in redaction.redacted, redaction.redacted


@pytest.mark.parametrize(
    "text",
    [
        "my mobile no is 99887 then 66554, call after 5",
        "whatsapp 70214 and 58963 (my husband's)",
    ],
)
def test_a_mobile_split_by_a_connector_after_a_phone_word_goes(redactor: Redactor, text: str) -> None:
    redaction = redactor.redact(text)
    assert "PHONE" in redaction.entity_types, redaction.redacted


def test_two_amounts_joined_by_and_then_stay(redactor: Redactor) -> None:
    text = "they charged 65000 and then 32000 more for the same repair"
    assert redactor.redact(text).redacted == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("email rahul_k at gmail, not the office one", "rahul_k"),
        ("write to sonal.p2 @ yahoo for the bills", "sonal.p2"),
    ],
)
def test_an_email_written_with_only_the_provider_goes(redactor: Redactor, text: str, value: str) -> None:
    redaction = redactor.redact(text)
    assert "EMAIL" in redaction.entity_types, redaction.redacted
    assert value not in redaction.redacted, redaction.redacted


@pytest.mark.parametrize("text", ["please mail me at gmail, not whatsapp", "my account at yahoo was hacked"])
def test_a_provider_after_an_everyday_word_is_no_email(redactor: Redactor, text: str) -> None:
    assert "EMAIL" not in redactor.redact(text).entity_types


@pytest.mark.parametrize(
    ("text", "street", "city"),
    [
        ("B 12 Sunshine Residency Kondapur Hyderabad 500084", "Sunshine Residency", "Hyderabad"),
        ("gali no 4 shastri nagar meerut 250004", "shastri nagar", "meerut"),
    ],
)
def test_a_city_written_without_a_comma_before_the_pin_stays(
    redactor: Redactor, text: str, street: str, city: str
) -> None:
    redaction = redactor.redact(text)
    assert street not in redaction.redacted, redaction.redacted
    assert city in redaction.redacted, redaction.redacted
    assert "PIN_CODE" in redaction.redacted, redaction.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("meri beti tanvi ki school fees 15,000 wapas nahi ki", "tanvi"),
        ("mere pati suresh ke naam pe loan liya kisi ne", "suresh"),
    ],
)
def test_hinglish_relations_are_name_cues(redactor: Redactor, text: str, name: str) -> None:
    redaction = redactor.redact(text)
    assert name not in redaction.redacted, redaction.redacted


@pytest.mark.parametrize("text", ["mera beta school nahi ja raha", "mere pati ne 5000 diye"])
def test_hinglish_after_a_relation_stays(redactor: Redactor, text: str) -> None:
    assert "PERSON" not in redactor.redact(text).entity_types

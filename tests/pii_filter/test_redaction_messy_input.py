"""Personal data as people really type it (issue 15): any case, Hindi and Hinglish, disguised and
spelled-out identifiers, handles, streets without a PIN code; brands named after people stay.

The sentences here are written for these tests, apart from bench/pii_adversarial*.yaml.
"""

from __future__ import annotations

import re

import pytest

from pii_filter.redaction import Redactor
from pii_filter.redaction.disguises import undisguise
from pii_filter.redaction.normalise import normalise


def _survivors(redacted: str, value: str) -> list[str]:
    """Words of at least two letters of the value still in the redacted text."""
    words = [w.strip(".,'") for w in value.split() if len(w.strip(".,'")) >= 2]
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", redacted, re.IGNORECASE)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hello, my name is harsha vardhan and the bike showroom kept my advance", "harsha vardhan"),
        ("i am lakshmi narayanan, the gas agency skipped my refill twice", "lakshmi narayanan"),
        ("my father gopinath pillai paid the premium for 12 years", "gopinath pillai"),
        ("the electrician shravan took 800 and left the fan half fixed", "shravan"),
        ("MY NAME IS KAMLESH BHATI, THE DEALER SOLD A USED CAR AS NEW", "KAMLESH BHATI"),
        ("THIS IS POOJA RATHI FROM INDORE, NO REFUND YET", "POOJA RATHI"),
        ("thanks and regards,\nr. s. deshpande", "deshpande"),
        ("Warm regards\nNEELIMA REDDY", "NEELIMA REDDY"),
        ("— sunanda mukherjee", "sunanda mukherjee"),
        ("naam hai rajiv malhotra, mera order cancel ho gaya", "rajiv malhotra"),
        ("main tarun bol raha hu, recharge nahi hua", "tarun"),
        ("yashpal here, the cylinder came half empty", "yashpal"),
        ("my daughter-in-law sowmya's phone was snatched at the mall", "sowmya"),
        ("from: harpreet kaur", "harpreet kaur"),
    ],
)
def test_names_in_any_case_after_a_cue_are_removed(redactor: Redactor, text: str, name: str) -> None:
    redaction = redactor.redact(text)
    assert "PERSON" in redaction.entity_types, redaction.redacted
    assert _survivors(redaction.redacted, name) == [], redaction.redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("मेरा नाम दीपक चौहान है, बिजली का बिल गलत आया", "दीपक चौहान"),
        ("मैं सीमा यादव हूँ और मेरा रिचार्ज नहीं हुआ", "सीमा यादव"),
        ("मेरी पत्नी रेखा को गलत दवा दी गई", "रेखा"),
        ("श्री हरिशंकर तिवारी, गाँव बेलवा, ने शिकायत की", "हरिशंकर तिवारी"),
    ],
)
def test_devanagari_names_with_hindi_cues_are_removed(redactor: Redactor, text: str, name: str) -> None:
    redacted = redactor.redact(text).redacted
    assert "<PERSON_1>" in redacted
    assert all(word not in redacted for word in name.split()), redacted


@pytest.mark.parametrize(
    "text",
    [
        "मैं बहुत परेशान हूँ, दुकानदार पैसे वापस नहीं दे रहा",  # "I am very troubled": no name
        "मेरे पति बहुत बीमार हैं और बीमा कंपनी क्लेम नहीं दे रही",  # "my husband is very ill"
        "i am very upset, the courier never came",
        "my wife bought a mixer from a local shop for 2,400",
        "the delivery boy said he will come tomorrow",
        "RAM and storage of the laptop were less than advertised",
        "Van Heusen and Raymond shirts both shrank, bought at Shoppers Stop in Pune",
        "Thomas Cook refunded only half of the Rs 40,000 for the Goa trip",
    ],
)
def test_no_person_where_there_is_none(redactor: Redactor, text: str) -> None:
    redaction = redactor.redact(text)
    assert "PERSON" not in redaction.entity_types, redaction.redacted


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("mail me at suresh.k at rediffmail dot com today", "suresh.k at rediffmail dot com", "EMAIL"),
        ("id: farah_n[at]gmail[dot]com", "farah_n[at]gmail[dot]com", "EMAIL"),
        ("write to mohan dot lal at outlook dot in", "mohan dot lal at outlook dot in", "EMAIL"),
        ("reply on tejas @ yahoo.co.in please", "tejas @ yahoo.co.in", "EMAIL"),
        ("sent 500 to bablu @ ybl by mistake", "bablu @ ybl", "UPI_ID"),
        (
            "call seven zero six two one four five eight nine three",
            "seven zero six two one four five eight nine three",
            "PHONE",
        ),
        ("my number is 7o62 one four 58 nine three", "one four 58 nine three", "PHONE"),
        ("phone: 98 seven 6543 two one 0", "98 seven 6543 two one 0", "PHONE"),
        ("mobile: 70621 (office) 45893", "70621 (office) 45893", "PHONE"),
        (
            "saat shunya chhe do ek chaar paanch aath nau teen par call karein",
            "saat shunya chhe do ek chaar paanch aath nau teen",
            "PHONE",
        ),
        ("follow @bharat_reviews for the unboxing", "@bharat_reviews", "SOCIAL_HANDLE"),
        ("my instagram handle is meghna.bakes.22", "meghna.bakes.22", "SOCIAL_HANDLE"),
        ("savings a/c 6012 3498 7710 in Union Bank", "6012 3498 7710", "BANK_ACCOUNT"),
    ],
)
def test_disguised_identifiers_are_removed(redactor: Redactor, text: str, value: str, kind: str) -> None:
    redaction = redactor.redact(text)
    assert kind in redaction.entity_types, (redaction.redacted, redaction.entity_types)
    digits = re.sub(r"\D", "", value)
    assert value not in redaction.redacted
    if len(digits) >= 4:
        assert digits[-4:] not in re.sub(r"\D", "", redaction.redacted), redaction.redacted


@pytest.mark.parametrize(
    ("text", "street", "city"),
    [
        ("flat 7c, silver oak apartments, wakad - the lift is broken", "silver oak apartments", None),
        ("i stay at 44 nehru street, saidapet, chennai and the EB bill doubled", "nehru street", "chennai"),
        ("plot 9, sector 14, faridabad - builder delayed possession", "sector 14", "faridabad"),
        ("house no 17 rose villa, and the cable guy wants 300 more", "rose villa", None),
    ],
)
def test_lowercase_street_addresses_go_and_the_city_stays(
    redactor: Redactor, text: str, street: str, city: str | None
) -> None:
    redaction = redactor.redact(text)
    assert "ADDRESS" in redaction.entity_types, redaction.redacted
    assert street not in redaction.redacted
    if city:
        assert city in redaction.redacted


def test_a_pin_code_beside_a_place_goes_and_the_place_stays(redactor: Redactor) -> None:
    redacted = redactor.redact("Whitefield, Bengaluru 560066 - the parcel never came").redacted
    assert "560066" not in redacted and "Bengaluru" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "I am at home dot now and waiting for the engineer",  # "now" is a suffix, not of mail
        "the one two three offer from Jio gave only 2 GB",
        "paid 98765 and then 43210 for the two orders",
        "flat 50% off was shown but they charged full price",
        "order two 9876543210 was not delivered",
    ],
)
def test_prose_that_resembles_a_disguise_is_left_alone(redactor: Redactor, text: str) -> None:
    redaction = redactor.redact(text)
    assert redaction.entity_types in ([], ["PHONE"]), redaction.redacted
    if "PHONE" in redaction.entity_types:  # the plain number, not the word before it
        assert "order two <PHONE_1>" in redaction.redacted


def test_undisguised_copy_maps_back_to_the_whole_written_value() -> None:
    original = "mail ravi dot k at gmail dot com or call nine8765 43210"
    copy = undisguise(normalise(original))
    assert "ravi.k@gmail.com" in copy.text and "9876543210" in copy.text
    start = copy.text.index("ravi.k@gmail.com")
    first, last = copy.to_original(start, start + len("ravi.k@gmail.com"))
    assert original[first:last] == "ravi dot k at gmail dot com"


def test_words_in_scripts_the_filter_cannot_read_are_removed_whole(redactor: Redactor) -> None:
    text = "my name is முருகன் from Madurai and Croma sold me a broken TV for Rs 30,000"
    redaction = redactor.redact(text)
    assert "முருகன்" not in redaction.redacted
    assert "UNCHECKED_TEXT" in redaction.entity_types
    assert all(fact in redaction.redacted for fact in ("Madurai", "Croma", "Rs 30,000"))
    assert redaction.restore(redaction.redacted) == text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ಬೆಂಗಳೂರಿನ ಅಂಗಡಿ ಹಣ ಹಿಂತಿರುಗಿಸಲಿಲ್ಲ", "unsupported_script"),
        ("ఫోన్ పని చేయడం లేదు, రిఫండ్ ఇవ్వలేదు", "unsupported_script"),
        ("1234 5678 9012 3456 7890 12", "mostly_digits"),
        ("98765\u200b43210 98765\u200b43211 98765\u200b43212", "mostly_digits"),
    ],
)
def test_refusal_names_the_reason(text: str, code: str) -> None:
    from pii_filter.redaction.coverage import refusal

    refused = refusal(normalise(text).text)
    assert refused is not None and refused.code == code


@pytest.mark.parametrize(
    "text",
    [
        "मेरा नाम राम है और दुकानदार ने पैसे नहीं लौटाए",
        "Order ID 402-1234567-8901234, Amazon, refund of Rs 749 pending",
        "my name is முருகன் and the shop cheated me over a 40000 rupee fridge",
    ],
)
def test_english_hindi_and_a_few_numbers_are_not_refused(text: str) -> None:
    from pii_filter.redaction.coverage import refusal

    assert refusal(normalise(text).text) is None


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        (
            "ring seventy two zero four one nine eight eight three six",
            "seventy two zero four one nine eight eight three six",
            "PHONE",
        ),
        ("naam hai geetika, order cancel nahi hua", "geetika", "PERSON"),
    ],
)
def test_tens_words_and_hinglish_name_cues(redactor: Redactor, text: str, value: str, kind: str) -> None:
    redaction = redactor.redact(text)
    assert kind in redaction.entity_types and value not in redaction.redacted, redaction.redacted


@pytest.mark.parametrize(
    "text",
    [
        "the Lajpat Nagar shop and the Vasant Vihar branch both refused the refund",
        "bought it at Sarojini Market for 1,200 and the zip broke",
        "ninety days and forty rupees later there is still no refund",
    ],
)
def test_localities_and_counts_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).redacted == text


def test_a_surname_that_names_localities_too_goes_after_a_cue(redactor: Redactor) -> None:
    redacted = redactor.redact("my friend Rajesh Nagar paid for the tickets").redacted
    assert "Rajesh" not in redacted and "Nagar" not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "TO WHOM IT MAY CONCERN, THE TILES WERE CRACKED AND I COMPLAINED TWICE",
        "WHICH COMMISSION HAS JURISDICTION OVER A FLAT BOUGHT IN PUNE FOR 45 LAKH?",
    ],
)
def test_all_caps_prose_has_no_people(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).redacted == text


def test_all_caps_question_keeps_its_facts_beside_a_card_number(redactor: Redactor) -> None:
    text = (
        "NAVEEN GOWDA WRITING FROM MYSURU. COMPLAINT AGAINST SHARMA ELECTRONICS (MYSURU, KARNATAKA): "
        "WASHING MACHINE WORTH 24,990 RUPEES, DEAD ON ARRIVAL. DEBIT CARD 3721-294791-41746 WAS CHARGED."
    )
    redacted = redactor.redact(text).redacted
    for fact in ("MYSURU", "SHARMA ELECTRONICS", "KARNATAKA", "24,990 RUPEES"):
        assert fact in redacted, redacted
    assert "NAVEEN" not in redacted and "294791" not in redacted


def test_hinglish_words_around_a_name_stay(redactor: Redactor) -> None:
    redacted = redactor.redact("mera naam sunita devi hai, mera phone kharab hai").redacted
    assert redacted == "mera naam <PERSON_1> hai, mera phone kharab hai"

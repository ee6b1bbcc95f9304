"""Identifiers hidden with invisible characters, odd spaces, other scripts' digits or separators are
found in the analysis copy and removed whole from the original: nothing of them survives in any form."""

from __future__ import annotations

import re

import pytest

from pii_filter.redaction import Redactor
from pii_filter.redaction.normalise import is_invisible, ner_view, normalise

ZWSP, ZWNJ, ZWJ, BOM = "\u200b", "\u200c", "\u200d", "\ufeff"
NBSP, RLO, PDF, SHY = "\u00a0", "\u202e", "\u202c", "\u00ad"
DEVANAGARI_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")
FULLWIDTH = str.maketrans("0123456789@", "０１２３４５６７８９＠")

# (sentence, value as a person would write it plainly, type)
PLAIN = [
    ("Call me on {} after six.", "9876543210", "PHONE"),
    ("My Aadhaar is {} please check.", "2345 6789 0124", "IN_AADHAAR"),
    ("Charged twice on card {} last week.", "4111 1111 1111 1111", "CARD"),
    ("My PAN is {} for the invoice.", "ABCPK1234L", "IN_PAN"),
    ("Write to {} with the bill.", "rahul.verma@gmail.com", "EMAIL"),
    ("I paid by UPI to {} twice.", "priya.sharma@okaxis", "UPI_ID"),
]


def _disguises(value: str) -> dict[str, str]:
    chars = list(value)
    return {
        "zero-width spaces": ZWSP.join(chars),
        "joiners and BOM": "".join(c + (ZWJ if i % 2 else ZWNJ + BOM) for i, c in enumerate(chars)).rstrip(
            ZWJ + ZWNJ + BOM
        ),
        "soft hyphens": SHY.join(chars),
        "right-to-left override around it": RLO + value + PDF,
        "no-break spaces": value.replace(" ", NBSP),
        "tab between groups": value.replace(" ", "\t"),
        "Devanagari digits": value.translate(DEVANAGARI_DIGITS),
        "full-width digits and @": value.translate(FULLWIDTH),
    }


def _compact(text: str) -> str:
    return re.sub(r"[\W_]", "", normalise(text).text).casefold()


def _survives(value: str, redacted: str, size: int = 4) -> bool:
    """Any `size` consecutive letters/digits of the value, in any written form, still in the text."""
    rest = _compact(re.sub(r"<[A-Z_]+_\d+>", " ", redacted))
    plain = _compact(value)
    return any(plain[i : i + size] in rest for i in range(max(1, len(plain) - size + 1)))


@pytest.mark.parametrize(("sentence", "value", "kind"), PLAIN)
def test_disguised_identifier_is_removed_whole(
    redactor: Redactor, sentence: str, value: str, kind: str
) -> None:
    for disguise, written in _disguises(value).items():
        text = sentence.format(written)
        redaction = redactor.redact(text)
        assert kind in redaction.entity_types, (disguise, redaction.entity_types)
        assert not _survives(value, redaction.redacted), (disguise, redaction.redacted)
        entity = next(e for e in redaction.entities if e.type == kind)
        # the removed stretch covers the value and every invisible character inside or touching it
        start = text.index(written)
        assert entity.start <= start and entity.end >= start + len(written), disguise
        assert not any(is_invisible(c) for c in redaction.redacted), disguise


def test_a_name_split_by_zero_width_spaces_is_removed_whole(redactor: Redactor) -> None:
    text = f"My name is Ra{ZWSP}hul Ver{ZWSP}ma and Croma sold me a broken TV."
    redaction = redactor.redact(text)
    assert redaction.redacted == "My name is <PERSON_1> and Croma sold me a broken TV."


def test_the_same_value_written_two_ways_gets_one_placeholder(redactor: Redactor) -> None:
    text = f"Call 98765{ZWSP}43210 or {'9876543210'.translate(DEVANAGARI_DIGITS)}."
    assert redactor.redact(text).redacted == "Call <PHONE_1> or <PHONE_1>."


def test_analysis_copy_maps_every_character_back() -> None:
    original = f"a{ZWSP}b\t\tc{NBSP}d ０１２ 2345.6789_0124 {RLO}x{PDF}"
    copy = normalise(original)
    assert copy.text == "ab c d 012 2345 6789 0124 x"
    for i, char in enumerate(copy.text):
        source = original[copy.starts[i] : copy.ends[i]]
        assert source and (char in normalise(source).text or char == " "), (i, char, source)
    x = copy.text.index("x")
    assert copy.to_original(x, x + 1) == (len(original) - 3, len(original))
    plain = "Nothing to do here, 12 items."
    assert normalise(plain).text == plain


def test_spacy_view_keeps_offsets_and_breaks_runs_that_cost_quadratic_time() -> None:
    for text in ["'" * 2000, "a" * 500 + " ok", "Priya Sharma bought it...!!", "x@y.com " * 20]:
        view = ner_view(text)
        assert len(view) == len(text)
        assert max((len(chunk) for chunk in view.split()), default=0) <= 32
    assert ner_view("Priya Sharma bought it") == "Priya Sharma bought it"

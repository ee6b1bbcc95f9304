"""Placeholders are typed and consistent per request; restore puts values back; repr leaks nothing."""

from __future__ import annotations

import pickle

import pytest

from pii_filter.redaction import DetectedEntity, Redaction, Redactor
from pii_filter.redaction.placeholders import apply_placeholders, restore_placeholders
from pii_filter.redaction.policy import Span, merge_overlaps


def test_same_value_same_placeholder_even_written_differently(redactor: Redactor) -> None:
    text = "Call 98765 43210 or +91-9876543210, not 9123456780. Priya Sharma wrote; Priya Sharma again."
    redaction = redactor.redact(text)
    assert redaction.redacted == (
        "Call <PHONE_1> or <PHONE_1>, not <PHONE_2>. <PERSON_1> wrote; <PERSON_1> again."
    )


def test_restore_puts_the_first_spelling_back(redactor: Redactor) -> None:
    redaction = redactor.redact("I am Priya Sharma, call 98765 43210 about my Croma refund.")
    answer = "Dear <PERSON_1>, Croma must refund you; we will call < PHONE_1 >. <EMAIL_3> stays."
    assert redaction.restore(answer) == (
        "Dear Priya Sharma, Croma must refund you; we will call 98765 43210. <EMAIL_3> stays."
    )


def test_repr_str_and_pickle_never_show_values(redactor: Redactor) -> None:
    redaction = redactor.redact("My name is Priya Sharma, Aadhaar 2345 6789 0124.")
    for shown in (repr(redaction), str(redaction), f"{redaction}"):
        assert "Priya" not in shown and "2345" not in shown
        assert "<PERSON_1>" in shown
    with pytest.raises(TypeError):
        pickle.dumps(redaction)


def test_entities_are_offsets_into_the_original(redactor: Redactor) -> None:
    text = "Email anjali.d@gmail.com and UPI anjali@oksbi, card 4111-1111-1111-1111."
    redaction = redactor.redact(text)
    assert [text[e.start : e.end] for e in redaction.entities] == [
        "anjali.d@gmail.com",
        "anjali@oksbi",
        "4111-1111-1111-1111",
    ]
    assert redaction.entity_types == ["CARD", "EMAIL", "UPI_ID"]
    assert all(isinstance(e, DetectedEntity) for e in redaction.entities)


def test_overlaps_merge_into_the_union_named_by_priority() -> None:
    merged = merge_overlaps([Span("PHONE", 4, 14), Span("UPI_ID", 4, 18), Span("PERSON", 30, 35)])
    assert merged == [Span("UPI_ID", 4, 18), Span("PERSON", 30, 35)]
    assert merge_overlaps([Span("PERSON", 0, 5), Span("IN_AADHAAR", 3, 17)]) == [Span("IN_AADHAAR", 0, 17)]


def test_apply_and_restore_without_the_engine() -> None:
    text = "Ravi at 9876543210"
    placeholdered = apply_placeholders(text, [Span("PERSON", 0, 4), Span("PHONE", 8, 18)])
    assert placeholdered.text == "<PERSON_1> at <PHONE_1>"
    assert restore_placeholders("Hi <PERSON_1> (<PHONE_1>), <PERSON_2>", placeholdered.originals) == (
        "Hi Ravi (9876543210), <PERSON_2>"
    )
    redaction = Redaction(redacted=placeholdered.text, entities=[], _originals=placeholdered.originals)
    assert redaction.entity_types == []


def test_redact_is_safe_from_a_thread_pool(redactor: Redactor) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"I am Priya Sharma, call 98765 4321{i} about order {i}." for i in range(10)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(redactor.redact, texts))
    assert [r.redacted for r in results] == [redactor.redact(t).redacted for t in texts]
    assert all(r.redacted.startswith("I am <PERSON_1>, call <PHONE_1>") for r in results)

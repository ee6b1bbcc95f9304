"""What is removed, what is kept, and how overlapping detections become one span each.

Removed: direct identifiers (names, phone, email, Aadhaar, PAN, passport, voter id, driving
licence, vehicle registration, GSTIN, UPI id, bank account, card, street address and PIN code,
social media handle, a date of birth). Kept, because the
answer depends on them: amounts, dates and durations, sellers, brands and products, cities and states.
Those kept types are never requested from the analyzer, so they can only disappear if a removed
span covers them, which the person-name refinement below guards against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from pii_filter.redaction.lexicon import LOCALITY_ENDING, Lexicon
from pii_filter.redaction.name_recognizers import SIGNATURE_KEY, is_capitalised

# Presidio entity -> our type (what DetectedEntity.type reports)
ENTITY_TYPES: dict[str, str] = {
    "PERSON": "PERSON",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "IN_AADHAAR": "IN_AADHAAR",
    "IN_PAN": "IN_PAN",
    "IN_PASSPORT": "IN_PASSPORT",
    "IN_VOTER": "IN_VOTER",
    "IN_VEHICLE_REGISTRATION": "IN_VEHICLE_REGISTRATION",
    "IN_GSTIN": "IN_GSTIN",
    "UPI_ID": "UPI_ID",
    "BANK_ACCOUNT": "BANK_ACCOUNT",
    "CREDIT_CARD": "CARD",
    "ADDRESS": "ADDRESS",
    "IN_PIN_CODE": "IN_PIN_CODE",
    "SOCIAL_HANDLE": "SOCIAL_HANDLE",
    "IN_DRIVING_LICENCE": "IN_DRIVING_LICENCE",
    "DATE_OF_BIRTH": "DATE_OF_BIRTH",
}
REMOVED_ENTITIES: list[str] = sorted(ENTITY_TYPES)

# our type -> the word inside the placeholder the downstream model reads ("<AADHAAR_1>")
PLACEHOLDER_LABELS: dict[str, str] = {
    "PERSON": "PERSON",
    "PHONE": "PHONE",
    "EMAIL": "EMAIL",
    "IN_AADHAAR": "AADHAAR",
    "IN_PAN": "PAN",
    "IN_PASSPORT": "PASSPORT",
    "IN_VOTER": "VOTER_ID",
    "IN_VEHICLE_REGISTRATION": "VEHICLE_NUMBER",
    "IN_GSTIN": "GSTIN",
    "UPI_ID": "UPI_ID",
    "BANK_ACCOUNT": "BANK_ACCOUNT",
    "CARD": "CARD",
    "ADDRESS": "ADDRESS",
    "IN_PIN_CODE": "PIN_CODE",
    "SOCIAL_HANDLE": "SOCIAL_HANDLE",
    "IN_DRIVING_LICENCE": "DRIVING_LICENCE",
    "DATE_OF_BIRTH": "DATE_OF_BIRTH",
    "UNCHECKED_TEXT": "UNCHECKED_TEXT",  # a word in a script the recognizers cannot read (coverage.py)
}

# When spans overlap, the checksum-validated or more specific reading names the merged span.
_PRIORITY: dict[str, int] = {
    "IN_AADHAAR": 9,
    "CARD": 9,
    "EMAIL": 8,
    "UPI_ID": 8,
    "SOCIAL_HANDLE": 7,
    "IN_GSTIN": 8,
    "IN_DRIVING_LICENCE": 8,
    "DATE_OF_BIRTH": 5,
    "IN_PAN": 7,
    "PHONE": 6,
    "BANK_ACCOUNT": 5,
    "IN_PASSPORT": 4,
    "IN_VOTER": 4,
    "IN_VEHICLE_REGISTRATION": 4,
    "ADDRESS": 3,
    "IN_PIN_CODE": 3,
    "PERSON": 1,
    "UNCHECKED_TEXT": 0,
}

_WORD = re.compile(r"[^\s,;:!?()/-]+")
# identifiers whose shape is fixed; Presidio's weakest patterns (any 10 characters with 4 digits for
# PAN) are only there to be lifted by context, and lift ordinary words too
_SHAPES: dict[str, re.Pattern[str]] = {"IN_PAN": re.compile(r"[A-Za-z]{5}[ -]?\d{4}[ -]?[A-Za-z]")}
# recognizers whose people need no Capitalised or listed Latin word (cues; Devanagari has no case)
# the last word of a locality's name ("Karol Bagh", "Lajpat Nagar"): without a cue, not a person
_LOCALITY_END = re.compile(
    r"(?i)\s(?:bagh|vihar|puram|ganj|chowk|market|colony|road|street|layout|enclave|extension|halli|"
    r"palya|wadi|peth|garden|gardens|park|cross|circle|bazaar|bazar|mohalla|basti|sector|nagar)$"
)
# ... or one word ending as places end: "Jayanagar", "Bhajanpura", "Kukatpally", "Rukminigaon"
_LOCALITY_WORD = re.compile(rf"(?i)^[a-z]{{3,}}(?:{LOCALITY_ENDING})$")
_POSSESSIVE_AFTER = re.compile(r"['’]s\b")
_DISTRICT_WORDS = r"dist|distt|district|zila|zilla|jila|tehsil|taluk|taluka|mandal"
_PLACE_BEFORE = re.compile(
    rf"(?i)\b(?:{_DISTRICT_WORDS}|village|vill|gram|post|p\.o|po|town|city)\.?[ \t:]+$"
)
# ... or after it: "Uttara Kannada dist", "Krishna district"
_PLACE_AFTER = re.compile(rf"(?i)[ \t]+(?:{_DISTRICT_WORDS})\b")
# "works" after a name is a verb when a preposition follows it: "Bunty works at the Maruti centre"
_WORKS_AS_VERB = re.compile(r"[ \t]+works[ \t]+(?:at|in|for|as|with|from|on)\b")
# "Pinky colour saree", "Rose shade lipstick": a colour's name, not a person's
_COLOUR_AFTER = re.compile(r"(?i)[ \t]+(?:colou?r(?:ed)?|shade|tone)\b")
_CAPITALISED_RUN = re.compile(r"(?:[ \t]+[A-Z][\w'’&.-]*){1,3}")
_NAME_BREAK = re.compile(r"\n|[ \t][-–—][ \t]")
_CUE_RECOGNIZERS = frozenset({"PersonCueRecognizer", "DevanagariNameRecognizer", "EnglishWordNameRecognizer"})


@dataclass(frozen=True)
class Span:
    """A removable stretch of the original text."""

    type: str
    start: int
    end: int


def refine_person(
    text: str, start: int, end: int, lexicon: Lexicon, *, cued: bool = False
) -> tuple[int, int] | None:
    """Trim a person span to its name words and drop it when it is really a seller, brand or place
    (spaCy's small model calls "Croma" and "Vijay Sales" people)."""
    words = [_trim_word(text, start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]
    words = _before_other_entity(text, words, lexicon)
    end = words[-1][1] if words else end
    if any(_names_a_business(text, s, e, lexicon, cued=cued) for s, e in words) or _followed_by_business_word(
        text, end, lexicon, cued=cued
    ):
        return None
    while words and _not_a_name_word(text[words[0][0] : words[0][1]], lexicon):
        words.pop(0)
    while words and _not_a_name_word(text[words[-1][0] : words[-1][1]], lexicon):
        words.pop()
    if all(_is_initial(text[s:e]) for s, e in words):
        return None
    start, end = words[0][0], words[-1][1]
    if lexicon.is_known_non_person(text[start:end]):
        return None
    if _preceded_by_brand(text, start, lexicon) and not _starts_with_surname(text, start, lexicon):
        return None
    if _POSSESSIVE_AFTER.match(text, end) and lexicon.is_known_non_person(text[start : end + 2]):
        return None  # "Johnson's baby lotion", "Haldiram's": a brand written with its "'s"
    if _PLACE_BEFORE.search(text, max(0, start - 16), start):
        return None  # "distt Sitapur", "village Rampur": a place, whatever spaCy says
    if _PLACE_AFTER.match(text, end):
        return None  # "Krishna district": a district, not the god's or a man's name
    return _extend_left(text, start, lexicon), _extend_right(text, end, lexicon)


def _before_other_entity(text: str, words: list[tuple[int, int]], lexicon: Lexicon) -> list[tuple[int, int]]:
    """spaCy's "Priya Sharma Axis Bank" ("... mein kaam karti hai"): listed name words, then a listed
    seller, brand or place, are two things; the person is the part before it. One last word is left
    alone: it may be a surname a brand shares ("Ratan Tata")."""
    first_name = next((k for k, (s, e) in enumerate(words) if lexicon.is_name_word(text[s:e])), None)
    if first_name is None:
        return words
    for i in range(first_name + 1, len(words) - 1):
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            phrase = text[words[i][0] : words[i + n - 1][1]]
            if lexicon.is_known_non_person(phrase) and not lexicon.is_name_word(phrase):
                return words[:i]
    return words


def _names_a_business(text: str, start: int, end: int, lexicon: Lexicon, *, cued: bool) -> bool:
    """A business word inside a person span makes it a shop ("Vijay Sales"), unless it is a lowercase
    noun the name's Hinglish clause governs ("ramesh bank gaya") or follows a cue."""
    word = text[start:end]
    if not lexicon.is_business_word(word):
        return False
    return is_capitalised(word) or not (cued or lexicon.opens_hinglish_clause(text[start:]))


def _refine_by_piece(
    text: str, start: int, end: int, lexicon: Lexicon, *, cued: bool = False
) -> tuple[int, int] | None:
    """A name never runs over a line break or a spaced dash: spaCy's "Annamma Thomas\nThiruvalla" (a
    signature and the town under it) and "Vashi - MSEDCL" (a locality, then a new clause) are read
    piece by piece and the first piece holding a name is kept."""
    piece_start = start
    for cut in [*_NAME_BREAK.finditer(text, start, end), None]:
        piece_end = cut.start() if cut else end
        if piece_end > piece_start:
            refined = refine_person(text, piece_start, piece_end, lexicon, cued=cued)
            if refined is not None:
                return refined
            piece = text[piece_start:piece_end].strip()
            if cut and cut.group() != "\n" and lexicon.is_known_non_person(piece):
                return None  # "Vashi - MSEDCL sent": after a place and a dash, a new clause
        if cut:
            piece_start = cut.end()
    return None


def _looks_like_a_name(span_text: str, lexicon: Lexicon) -> bool:
    """Without a cue, a name has a Capitalised word or a listed name word ("kg" is not a person); in
    ALL CAPS, where spaCy takes "WHOM" or "TILES" for people, a listed or rarely used word."""
    for word in span_text.split():
        bare = word.strip(".,")
        if is_capitalised(bare):
            return True
        if lexicon.is_name_word(bare) and not (bare.islower() and lexicon.is_hinglish(bare)):
            return True  # "mana kar raha", "diya": a lowercase Hinglish word a surname shares is no name
        if len(bare) > 1 and bare.isupper() and lexicon.is_unknown_word(bare):
            return True
        if len(bare) == 1 and bare.isupper():
            return True
    return False


def _preceded_by_brand(text: str, start: int, lexicon: Lexicon) -> bool:
    """ "OnePlus Nord", "Godrej Eon": a Capitalised word right after a brand is a model name."""
    previous = re.search(r"(\S+)[ \t]+$", text[max(0, start - 40) : start])
    return bool(
        previous
        and lexicon.is_known_non_person(previous.group(1))
        and previous.group(1)[:1].isupper()
        and not lexicon.is_place(previous.group(1))
    )


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1 and word[:1].isupper()


def _trim_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop trailing punctuation and a possessive "'s" from one word of a span."""
    word = text[start:end]
    bare = re.sub(r"(?:['’]s)?[.,;:!?)]*$", "", word)
    if bare.endswith(".") and len(bare) > 2:
        bare = bare[:-1]
    return start, start + len(bare)


def _not_a_name_word(word: str, lexicon: Lexicon) -> bool:
    if lexicon.is_name_word(word.rstrip(".")) or _is_initial(word):
        return False
    return (
        lexicon.is_common_word(word)
        or lexicon.is_known_non_person(word)
        or not word[:1].isalpha()
        or lexicon.is_hinglish(word)  # "mera naam sunita devi": spaCy's span starts at "mera"
        or (word.islower() and word in STOP_WORDS)
    )


def _followed_by_business_word(text: str, end: int, lexicon: Lexicon, *, cued: bool = False) -> bool:
    """ "Sharma Electronics", "Gupta Works", "Arun ice creams": a shop or brand; not "Sunny works at
    the showroom", a verb, nor "ramesh bank gaya", a Hinglish object; after a cue ("my brother
    arun ice creams ...") only a Capitalised word makes a shop."""
    following = re.match(r"[ \t]+(\S+)", text[end : end + 40])
    if following and is_capitalised(following.group(1)):
        # "Anita Beauty Salon", "Krishna Tea Stall": the Capitalised words after the name hold one
        # before any name, brand or place of its own ("Priya Sharma Axis Bank mein": another entity)
        run = _CAPITALISED_RUN.match(text, end)
        for word in run.group().split() if run else []:
            if lexicon.is_business_word(word):
                return not _WORKS_AS_VERB.match(text, end)
            if lexicon.is_name_word(word) or lexicon.is_known_non_person(word):
                break
    if not following or not lexicon.is_business_word(following.group(1)):
        return False
    if not is_capitalised(following.group(1)) and (cued or lexicon.opens_hinglish_clause(text[end:])):
        return False
    return not _WORKS_AS_VERB.match(text, end)


def _extend_right(text: str, end: int, lexicon: Lexicon) -> int:
    """spaCy often stops after the given name; take one more Capitalised unlisted word (a surname)."""
    following = re.match(r"[ \t]([A-Z][a-z]+)\b", text[end : end + 40])
    if not following:
        return end
    word = following.group(1)
    if lexicon.is_common_word(word) or lexicon.is_known_non_person(word) or lexicon.is_business_word(word):
        return end
    return end + following.end()


def _extend_left(text: str, start: int, lexicon: Lexicon) -> int:
    """The given name before a recognised surname ("Tanushree Bhattacharjee"); before a listed
    surname even a brand's name is a given name ("Raymond D'Souza", "Allen Pinto")."""
    previous = re.search(r"(?<![\w.])([A-Z][a-z]+)[ \t]$", text[max(0, start - 40) : start])
    if not previous:
        return start
    word = previous.group(1)
    if lexicon.is_common_word(word) or lexicon.is_business_word(word) or lexicon.is_place(word):
        return start
    if lexicon.is_known_non_person(word) and not _starts_with_surname(text, start, lexicon):
        return start
    return start - (len(word) + 1)


def _starts_with_surname(text: str, start: int, lexicon: Lexicon) -> bool:
    first = re.match(r"[A-Za-z'’]+", text[start:])
    return bool(first and first.group().casefold() in lexicon.surnames)


def select_spans(text: str, results: Iterable[RecognizerResult], lexicon: Lexicon) -> list[Span]:
    """Keep removable results, refine people, merge overlaps into one span per stretch of text."""
    candidates: list[Span] = []
    for result in results:
        kind = ENTITY_TYPES.get(result.entity_type)
        if kind is None:
            continue
        start, end = result.start, result.end
        shape = _SHAPES.get(kind)
        if shape and not shape.fullmatch(text[start:end]):
            continue
        if kind == "PERSON":
            metadata = result.recognition_metadata or {}
            from_cue = metadata.get("recognizer_name") in _CUE_RECOGNIZERS
            if metadata.get(SIGNATURE_KEY):  # a signature line: even a listed brand's name signs as a person
                candidates.append(Span(kind, start, end))
                continue
            refined = _refine_by_piece(text, start, end, lexicon, cued=from_cue)
            if refined is None:
                continue
            start, end = refined
            if not from_cue and not _looks_like_a_name(text[start:end], lexicon):
                continue
            if not from_cue and _names_a_locality(text[start:end]):
                continue
            if not from_cue and " " not in text[start:end] and _COLOUR_AFTER.match(text, end):
                continue  # "a Pinky colour saree"; after a cue ("my sister Pinky") still a person
        candidates.append(Span(kind, start, end))
    return merge_overlaps(candidates)


def _names_a_locality(span_text: str) -> bool:
    return bool(_LOCALITY_END.search(span_text) or _LOCALITY_WORD.match(span_text))


def merge_overlaps(spans: list[Span]) -> list[Span]:
    """Overlapping spans become their union (nothing partly detected survives), named after the
    highest-priority, then longest, member."""
    merged: list[tuple[int, int, list[Span]]] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1][1]:
            start, end, members = merged[-1]
            merged[-1] = (start, max(end, span.end), [*members, span])
        else:
            merged.append((span.start, span.end, [span]))
    return [
        Span(max(members, key=lambda s: (_PRIORITY[s.type], s.end - s.start)).type, start, end)
        for start, end, members in merged
    ]

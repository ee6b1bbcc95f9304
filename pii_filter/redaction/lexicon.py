"""Word lists that tell a person's name from a seller, a brand or a place (loaded once per process)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from spacy.lang.en.stop_words import STOP_WORDS as _ENGLISH_STOP_WORDS
from wordfreq import zipf_frequency

LEXICON_PATH = Path(__file__).resolve().parent.parent / "config" / "lexicon.yaml"

_WORD = re.compile(r"[\w'&.\u0900-\u0dff-]+")  # Indic vowel signs are not \w
# endings of English words that are rarely Indian names ("frustrated", "pensioner" is not caught);
# "-pally" ends Telugu place names ("kukatpally", "nampally"), not adverbs
_ENGLISH_ENDING = re.compile(
    r"(?:ed|ing|(?<!pal)ly|tion|sion|ment|ness|able|ible|ful|less|ous|ive|ist|ism|ity)$"
)
# the endings of Indian town and locality names, glued to the name ("Peddapuram", "Bhangagarh",
# "Sainikpuri", "Ulubari", "Kadubeesanahalli", "Rukminigaon", "Thoraipakkam")
LOCALITY_ENDING = (
    r"nagar|puram|pura|pur|puri|garh|halli|palya|pally|palli|guda|ganj|wadi|wada|peth|pet|gaon|kheda|"
    r"bari|gram|kuppam|palayam|patti|pakkam|bakkam|vakkam|cheri|ghat|bagh|abad|pada|para|tala"
)
# Zipf frequency (log10 per billion words) in English text: everyday words are above 4, the Indian
# names people type mostly below 3.2 ("ravi" 3.3 and "abdul" 3.7 are in the lexicon)
EVERYDAY_ZIPF = 4.0
RARE_ZIPF = 3.2
# Hindi verbs in Latin letters, a stem and its endings ("bolta", "boli", "dekhiye", "karega"), so
# that a Hinglish sentence's verb is not taken for a name the word list never held; stems of at least
# three letters, whose forms are no given name people type (a listed name still counts as one)
_HINGLISH_VERB = re.compile(
    r"(?:bol|kar|dekh|sun|mil|lag|rakh|bhej|maang|mang|chal|ruk|baith|samajh|samjh|pooch|puch|poochh|"
    r"puchh|likh|padh|soch|rah|sak|chuk|laut|kaat|khol|bech|khareed|kharid|nikal|daal|chhod|chod|"
    r"pakad|sambhal|khul|kah|keh|toot|tut|jal|uth|bhul|bhool|ghoom|ghum|bigad|bigaad|suljh|jod|"
    r"bata|dikha|bula|lauta|samjha|sikha|bachcha|bacha|chala|pila|khila|mangwa|bhijwa|karwa|dilwa|"
    r"lagwa|badl|badal|nikl|samjhta)"
    r"(?:a|i|e|o|ta|ti|te|tey|na|ne|ni|iye|ie|iyega|ega|egi|enge|oge|ogi|unga|ungi|oonga|ya|yi|ye|"
    r"ke|kar|wa|wao|wana|wata|ao|aya|ayi|aye|ana|ate|ati|ata)"
)


def _words(blob: str | None) -> frozenset[str]:
    return frozenset(word.casefold() for word in (blob or "").split())


def _phrases(blob: str) -> frozenset[str]:
    return frozenset(normalise_phrase(part) for part in blob.split("|") if part.strip())


def normalise_phrase(text: str) -> str:
    """Casefold and collapse spaces so "Vijay  Sales" and "vijay sales" compare equal."""
    return " ".join(_WORD.findall(text)).casefold()


@functools.lru_cache(maxsize=65536)
def english_zipf(word: str) -> float:
    """How common a word is in English (wordfreq's Zipf scale); 0 for words it has never seen."""
    return zipf_frequency(word, "en")


@dataclass(frozen=True)
class Lexicon:
    """Sets of casefolded words and phrases; membership tests only."""

    given_names: frozenset[str]
    surnames: frozenset[str]
    business_words: frozenset[str]
    organisations: frozenset[str]
    places: frozenset[str]
    not_names: frozenset[str]
    hinglish_words: frozenset[str] = frozenset()
    ambiguous_names: frozenset[str] = frozenset()
    devanagari_names: frozenset[str] = frozenset()
    devanagari_ambiguous: frozenset[str] = frozenset()
    devanagari_stop_words: frozenset[str] = frozenset()
    localities: frozenset[str] = frozenset()

    def is_name_word(self, word: str) -> bool:
        folded = word.casefold()
        return folded in self.given_names or folded in self.surnames

    def is_unambiguous_name(self, word: str) -> bool:
        """A listed name that is not also an everyday word when written in lowercase."""
        folded = word.casefold()
        return (
            self.is_name_word(folded)
            and folded not in self.ambiguous_names
            and english_zipf(folded) < EVERYDAY_ZIPF
        )

    def is_unknown_word(self, word: str, *, limit: float = RARE_ZIPF) -> bool:
        """Not an English word anyone uses often and not Hinglish: lowercase text's best sign of a
        name nobody listed ("tanushree", "bhattacharjee")."""
        folded = word.casefold()
        return (
            len(folded) >= 3
            and not self.is_hinglish(folded)
            and english_zipf(folded) < limit
            and not _ENGLISH_ENDING.search(folded)
        )

    def is_hinglish(self, word: str) -> bool:
        """A listed Hinglish word, or a form of a Hindi verb that is no listed name ("bolta", not
        "Rakhi")."""
        folded = word.casefold()
        if folded in self.hinglish_words:
            return True
        return bool(_HINGLISH_VERB.fullmatch(folded)) and not self.is_name_word(folded)

    def is_business_word(self, word: str) -> bool:
        return word.strip(".,").casefold() in self.business_words

    def opens_hinglish_clause(self, text: str) -> bool:
        """The clause the text starts (up to a comma or sentence end, eight words at most) holds a
        Hinglish word English does not share: there a lowercase noun after a name is its object
        ("ramesh bank gaya", "sunil ice cream laya"), not the rest of a shop's or brand's name."""
        clause = re.split(r"[,.!?;:\n]", text, maxsplit=1)[0]
        words = re.findall(r"[A-Za-z]+", clause)[:8]
        return any(self.is_hinglish(word) and word.casefold() not in _ENGLISH_STOP_WORDS for word in words)

    def is_known_non_person(self, phrase: str) -> bool:
        """True for a whole phrase that is a listed seller, brand, place or locality."""
        folded = normalise_phrase(phrase)
        return folded in self.organisations or folded in self.places or folded in self.localities

    def is_place(self, phrase: str) -> bool:
        return normalise_phrase(phrase) in self.places

    def is_locality(self, phrase: str) -> bool:
        """A listed locality of a large city ("Bellandur", "Ghatkopar West"), not a city itself."""
        return normalise_phrase(phrase) in self.localities

    def ends_with_place(self, text: str) -> bool:
        """True when the last one to four words of the text name a listed place."""
        words = normalise_phrase(text).split()
        return any(" ".join(words[-n:]) in self.places for n in range(1, min(4, len(words)) + 1))

    def is_common_word(self, word: str) -> bool:
        return word.strip(".,").casefold() in self.not_names


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str = str(LEXICON_PATH)) -> Lexicon:
    """Read the YAML lists once per path."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return Lexicon(
        given_names=_words(raw["given_names"]),
        surnames=_words(raw["surnames"]),
        business_words=_words(raw["business_words"]),
        organisations=_phrases(raw["organisations"]),
        places=_phrases(raw["places"]),
        not_names=_words(raw["not_names"]),
        hinglish_words=_words(raw.get("hinglish_words")),
        ambiguous_names=_words(raw.get("ambiguous_names")),
        devanagari_names=_words(raw.get("devanagari_names")),
        devanagari_ambiguous=_words(raw.get("devanagari_ambiguous")),
        devanagari_stop_words=_words(raw.get("devanagari_stop_words")),
        localities=_phrases(raw.get("localities") or ""),
    )

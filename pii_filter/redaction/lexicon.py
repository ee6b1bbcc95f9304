"""Word lists that tell a person's name from a seller, a brand or a place (loaded once per process)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from wordfreq import zipf_frequency

LEXICON_PATH = Path(__file__).resolve().parent.parent / "config" / "lexicon.yaml"

_WORD = re.compile(r"[\w'&.\u0900-\u0dff-]+")  # Indic vowel signs are not \w
# endings of English words that are rarely Indian names ("frustrated", "pensioner" is not caught);
# "-pally" ends Telugu place names ("kukatpally", "nampally"), not adverbs
_ENGLISH_ENDING = re.compile(
    r"(?:ed|ing|(?<!pal)ly|tion|sion|ment|ness|able|ible|ful|less|ous|ive|ist|ism|ity)$"
)
# Zipf frequency (log10 per billion words) in English text: everyday words are above 4, the Indian
# names people type mostly below 3.2 ("ravi" 3.3 and "abdul" 3.7 are in the lexicon)
EVERYDAY_ZIPF = 4.0
RARE_ZIPF = 3.2


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
            and folded not in self.hinglish_words
            and english_zipf(folded) < limit
            and not _ENGLISH_ENDING.search(folded)
        )

    def is_hinglish(self, word: str) -> bool:
        return word.casefold() in self.hinglish_words

    def is_business_word(self, word: str) -> bool:
        return word.strip(".,").casefold() in self.business_words

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

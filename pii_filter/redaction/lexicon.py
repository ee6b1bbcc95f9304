"""Word lists that tell a person's name from a seller, a brand or a place (loaded once per process)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

LEXICON_PATH = Path(__file__).resolve().parent.parent / "config" / "lexicon.yaml"

_WORD = re.compile(r"[\w'&.-]+")


def _words(blob: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in blob.split())


def _phrases(blob: str) -> frozenset[str]:
    return frozenset(normalise_phrase(part) for part in blob.split("|") if part.strip())


def normalise_phrase(text: str) -> str:
    """Casefold and collapse spaces so "Vijay  Sales" and "vijay sales" compare equal."""
    return " ".join(_WORD.findall(text)).casefold()


@dataclass(frozen=True)
class Lexicon:
    """Sets of casefolded words and phrases; membership tests only."""

    given_names: frozenset[str]
    surnames: frozenset[str]
    business_words: frozenset[str]
    organisations: frozenset[str]
    places: frozenset[str]
    not_names: frozenset[str]

    def is_name_word(self, word: str) -> bool:
        folded = word.casefold()
        return folded in self.given_names or folded in self.surnames

    def is_business_word(self, word: str) -> bool:
        return word.strip(".,").casefold() in self.business_words

    def is_known_non_person(self, phrase: str) -> bool:
        """True for a whole phrase that is a listed seller, brand or place."""
        folded = normalise_phrase(phrase)
        return folded in self.organisations or folded in self.places

    def is_place(self, phrase: str) -> bool:
        return normalise_phrase(phrase) in self.places

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
    )

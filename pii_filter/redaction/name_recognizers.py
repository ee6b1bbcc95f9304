"""Person-name recognizers that back up spaCy's small model, which misses or mislabels many Indian names.

Two signals: a cue before the name ("my name is", "Mr.", "regards,") and a list of common Indian given
names and surnames. A Capitalised run that contains a business word ("Vijay Sales") or is a listed
seller, brand or place is never a person.
"""

from __future__ import annotations

import re

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from pii_filter.redaction.lexicon import Lexicon, load_lexicon

_STRONG_CUE = r"my\s+name\s+is|my\s+name's|name\s+is|myself|name\s*[:\-]|naam"
_WEAK_CUE = (
    r"i\s+am|i'm|this\s+is|it's|regards|thanks|thank\s+you|sincerely|yours\s+truly|faithfully|"
    r"mr|mrs|ms|miss|shri|"
    r"shree|smt|sri|dr|prof|my\s+(?:wife|husband|son|daughter|father|mother|dad|mom|brother|sister|"
    r"friend|uncle|aunt|neighbou?r|landlord|tenant|colleague|cousin)|named|called|s/o|d/o|w/o|c/o|"
    r"on\s+behalf\s+of|salesman|salesperson|executive|agent|technician|engineer|manager|owner|boy|"
    r"guy|person|cc|signed|sir|madam|ji|i(?=\s*,)"
)
_CONNECTIVE_CUE = r"from|with|by|to|and|or|told|asked|called|met|paid|contacted|informed"
_CUE = re.compile(
    rf"(?i)\b(?:(?P<strong>{_STRONG_CUE})|(?P<weak>{_WEAK_CUE})|(?P<connective>{_CONNECTIVE_CUE}))"
    r"\b\.?[ \t,:\-]*"
)
# "Rahul Verma here", "Priya this side": the cue follows the name
_POST_CUE = re.compile(
    r"(?<![\w.])((?:[A-Z][a-z]+|[A-Z]\.)(?:[ ](?:[A-Z][a-z]+|[A-Z]\.)){0,3})[ ,]+"
    r"(?:here|this\s+side|writing|speaking|signing\s+off)\b"
)
_NAME_TOKEN = re.compile(r"[A-Za-z][a-z]*(?:['’][A-Za-z][a-z]+)?\.?")
# Capitalised words and initials ("R." / "R"); a full stop after a whole word ends the run
_RUN = re.compile(r"(?<![\w@.])(?:(?:[A-Z][a-z]+(?:['’][A-Z]?[a-z]+)?|[A-Z]\.?)(?![\w@])[ \t]?)+")


class _NameRules:
    """Shared tests of whether a word can belong to a person's name."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def is_initial(self, word: str) -> bool:
        return len(word.rstrip(".")) == 1 and word[0].isupper()

    def is_blocked(self, word: str) -> bool:
        """Words that end a name: stop words, common capitalised words, business words."""
        if self.is_initial(word):
            return False
        bare = word.rstrip(".").casefold()
        return (
            bare in STOP_WORDS
            or self.lexicon.is_common_word(bare)
            or self.lexicon.is_business_word(bare)
            or self.lexicon.is_known_non_person(bare)
        ) and not self.lexicon.is_name_word(bare)


class _PersonRecognizer(LocalRecognizer):
    """What both name recognizers share: the PERSON entity and the name lexicon's rules."""

    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        super().__init__(
            supported_entities=["PERSON"],
            supported_language=supported_language,
            name=name or type(self).__name__,
        )

    def load(self) -> None:
        self._rules = _NameRules(load_lexicon())


class PersonCueRecognizer(_PersonRecognizer):
    """Names right after a cue: "my name is priya sharma", "Regards, R. Venkatesh", "Mrs. Kaur"."""

    MAX_TOKENS = 4

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PERSON" not in entities:
            return []
        results = []
        for post in _POST_CUE.finditer(text):
            span = self._name_before_cue(text, post.start(1), post.end(1))
            if span:
                results.append(RecognizerResult("PERSON", span[0], span[1], 0.7))
        for cue in _CUE.finditer(text):
            span = self._name_after(text, cue.end(), strong=cue.group("strong") is not None)
            if span and cue.group("connective") and not self._starts_with_listed_name(text, span):
                continue
            if span:
                results.append(RecognizerResult("PERSON", span[0], span[1], 0.75))
        return results

    def _name_before_cue(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        words = [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
        while words and self._rules.is_blocked(text[words[0][0] : words[0][1]]):
            words.pop(0)
        if not words or any(self._rules.lexicon.is_business_word(text[s:e]) for s, e in words):
            return None
        phrase = text[words[0][0] : words[-1][1]]
        if self._rules.lexicon.is_known_non_person(phrase) or all(
            self._rules.is_initial(w) for w in phrase.split()
        ):
            return None
        return words[0][0], words[-1][1]

    def _starts_with_listed_name(self, text: str, span: tuple[int, int]) -> bool:
        first_word = text[span[0] : span[1]].split()[0].rstrip(".")
        return self._rules.lexicon.is_name_word(first_word)

    def _name_after(self, text: str, position: int, *, strong: bool) -> tuple[int, int] | None:
        rules = self._rules
        words: list[tuple[int, int, str]] = []
        for match in _NAME_TOKEN.finditer(text, position):
            if match.start() != position or len(words) == self.MAX_TOKENS:
                break
            word = match.group()
            capitalised = word[0].isupper()
            if rules.lexicon.is_business_word(word) and words:
                return None  # "Vijay Sales": a shop named after a person
            if rules.is_blocked(word) or not (capitalised or strong):
                break
            if not capitalised and len(word) < 3:
                break
            end = match.end() if rules.is_initial(word) else match.start() + len(word.rstrip("."))
            words.append((match.start(), end, word))
            if word.endswith(".") and not rules.is_initial(word):
                break  # a full stop after a whole word ends the sentence, and the name
            gap = re.match(r"[ \t]", text[match.end() : match.end() + 1])
            if not gap:
                break
            position = match.end() + 1
        while words and rules.is_initial(words[-1][2]):
            words.pop()
        if not words:
            return None
        phrase = text[words[0][0] : words[-1][1]]
        if rules.lexicon.is_known_non_person(phrase):
            return None
        return words[0][0], words[-1][1]


class IndianNameRecognizer(_PersonRecognizer):
    """Capitalised runs containing a listed Indian given name or surname, plus one unlisted neighbour."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PERSON" not in entities:
            return []
        results = []
        for run in _RUN.finditer(text):
            span = self._person_in_run(run)
            if span:
                results.append(RecognizerResult("PERSON", span[0], span[1], 0.7))
        return results

    def _person_in_run(self, run: re.Match[str]) -> tuple[int, int] | None:
        lexicon = self._rules.lexicon
        words = [
            (m.start() + run.start(), m.end() + run.start(), m.group())
            for m in re.finditer(r"\S+", run.group())
        ]
        phrase = run.group().strip()
        if lexicon.is_known_non_person(phrase) or any(lexicon.is_business_word(w) for _, _, w in words):
            return None
        named = [i for i, (_, _, w) in enumerate(words) if lexicon.is_name_word(w.rstrip("."))]
        if not named:
            return None
        first, last = named[0], named[-1]
        while first > 0 and self._may_extend(words[first - 1][2]):
            first -= 1
            if not self._rules.is_initial(words[first][2]):
                break
        if (
            last + 1 < len(words)
            and self._may_extend(words[last + 1][2])
            and not self._rules.is_initial(words[last + 1][2])
        ):
            last += 1
        start = words[first][0]
        end_word = words[last]
        end = end_word[1] - (1 if end_word[2].endswith(".") and len(end_word[2]) > 2 else 0)
        return start, end

    def _may_extend(self, word: str) -> bool:
        return not self._rules.is_blocked(word) and not self._rules.lexicon.is_place(word.rstrip("."))

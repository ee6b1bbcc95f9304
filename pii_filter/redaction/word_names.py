"""Names that are also English words ("Rose", "Lucky", "Hope"): a person only where the sentence treats
the word as one, with no cue such as "my name is" or "Mr" before it.

The word must be Capitalised, or open a sentence, and stand alone: a Capitalised word right before it
("Lajpat Nagar", "Dabur Honey") or after it ("Rose Valley", "Prince Pipes") makes it part of another
name, which the other recognizers judge. What marks a person is the grammar around the word: a verb
of what people do after it ("Prince called me"), not in the passive ("Honey sold by Dabur"); a
workplace ("Rose from the Bajaj Allianz office"); an apposition naming a trade or relation ("Rocky,
the delivery boy"); a possessive before what only people have ("Sunny's number"); an honorific or a
Hinglish postposition after it ("Lucky bhaiya", "Prince ka number"); "and her husband"; or a verb that
takes a person as its object before it ("gave the cheque to Lucky", "paid Honey ₹2,500").
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from pii_filter.redaction.lexicon import Lexicon, load_lexicon
from pii_filter.redaction.local_recognizer import OwnRecognizer
from pii_filter.redaction.name_recognizers import CUE_SCORE, TRADE_CUE, is_capitalised

# verbs whose subject is a person; motion verbs ("came", "went") are left out: "Joy came from nowhere"
_PERSON_ACTS = (
    r"called|rang|told|tells|said|says|promised|assured|asked|picked|took|visited|refused|replied|"
    r"sent|gave|messaged|texted|emailed|informed|threatened|shouted|abused|collected|demanded|"
    r"misbehaved|lied|cheated|disconnected|blocked|scolded|hung|runs|owns|works|worked|lives|stays"
)
# verbs of dealing in goods, whose object is often the subject of a passive left short: "Honey sold
# in Patanjali stores", "Baby food ordered online"
_DEALS_IN = r"sold|bought|ordered|booked|installed|repaired|delivered|supplied|packed"
_PASSIVE_AFTER = r"by|in|at|on|from|online|through|via|for"
_WORKPLACE = (
    r"bank|office|branch|company|store|shop|showroom|service|centre|center|dealership|dealer|agency|"
    r"courier|customer|helpline|builder|society|hospital|clinic|school"
)
_RELATION = (
    r"neighbou?r|friend|cousin|colleague|landlord|landlady|tenant|uncle|aunt|aunty|sister|brother|wife|"
    r"husband|son|daughter|nephew|niece|classmate|roommate|flatmate|relative|sister-in-law|brother-in-law"
)
# what only people have, after a possessive: "Sunny's number", "Rose's husband"
_BELONGINGS = (
    r"number|phone|mobile|contact|whatsapp|wife|husband|son|daughter|mother|father|mom|dad|brother|"
    r"sister|family|upi|account|address|house|flat|shop"
)
# words after a person's name in Indian English and Hinglish
_HONORIFIC = r"bhaiya|bhaiyya|bhai|didi|ji|uncle|aunty|auntie|sir|madam|ma'am|bhabhi|sahab|saab|anna|akka"
_POSTPOSITION = r"ka|ki|ke|ko|ne|se|wala|wali|wale"
_PERSON_AFTER = re.compile(
    rf"[ \t]+(?:{_PERSON_ACTS})\b(?![ \t]+by\b)"
    rf"|[ \t]+(?:{_DEALS_IN})\b(?![ \t]+(?:{_PASSIVE_AFTER})\b)"
    rf"|[ \t]+from[ \t]+(?:the[ \t]+)?(?:[A-Za-z&.]+[ \t]+){{0,3}}?(?:{_WORKPLACE})\b"
    rf"|[ \t]*,[ \t]*(?:the|a|an|my|our|your)[ \t]+(?:[a-z-]+[ \t]+)?(?:{TRADE_CUE}|{_RELATION})\b"
    rf"|['’]s[ \t]+(?:{_BELONGINGS})\b"
    rf"|[ \t]+(?:{_HONORIFIC}|{_POSTPOSITION})\b"
    r"|[ \t]+and[ \t]+(?:his|her)\b",
    re.IGNORECASE,
)
# verbs that take a person as their object, and "to" / "with" after them: "spoke to Grace"
_PERSON_BEFORE = re.compile(
    r"(?i)\b(?:paid|pay|gave|give|sent|send|told|tell|asked|ask|called|call|contacted|contact|"
    r"messaged|message|informed|inform|met|meet|to|with)[ \t]+$"
)
_WORD = re.compile(r"(?<![\w@.'’-])([A-Za-z][a-z]+)\b")
_MONTHS = frozenset(
    {
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    }
)


class EnglishWordNameRecognizer(OwnRecognizer):
    """A listed name that is also an English word, where the words around it make it a person."""

    ENTITIES = ("PERSON",)

    def load(self) -> None:
        self._lexicon = load_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PERSON" not in entities:
            return []
        results = []
        for word in _WORD.finditer(text):
            if self._names_a_person(text, word, self._lexicon):
                results.append(RecognizerResult("PERSON", word.start(1), word.end(1), CUE_SCORE))
        return results

    @staticmethod
    def _names_a_person(text: str, word: re.Match[str], lexicon: Lexicon) -> bool:
        folded = word.group(1).casefold()
        if folded not in lexicon.ambiguous_names or folded in _MONTHS:
            return False
        before = text[: word.start()].rstrip(" \t")
        opens_sentence = not before or before[-1] in ".!?\n:"
        if not (is_capitalised(word.group(1)) or opens_sentence):
            return False
        if re.match(r"[ \t]+[A-Z]", text[word.end() :]) or _after_another_name(before, lexicon):
            return False
        if _PERSON_AFTER.match(text, word.end()):
            return True
        return (
            not opens_sentence
            and bool(_PERSON_BEFORE.search(text, max(0, word.start() - 20), word.start()))
            and not _modifies_a_noun(text, word.end(), lexicon)
        )


def _after_another_name(before: str, lexicon: Lexicon) -> bool:
    """A Capitalised word right before, unless it opens the sentence ("Contact Dolly", "Ask Rose"),
    or a listed brand or place right before ("Dabur Honey")."""
    previous = re.search(r"(\S+)$", before)
    if not previous or previous.group(1)[-1] in ",;:()\"'":
        return False  # "in Pune, Rose called": the comma ends the other name
    word = previous.group(1)
    if lexicon.is_known_non_person(word):
        return True
    earlier = before[: previous.start()].rstrip(" \t")
    return is_capitalised(word) and bool(earlier) and earlier[-1] not in ".!?\n:"


def _modifies_a_noun(text: str, end: int, lexicon: Lexicon) -> bool:
    """ "with Grace period over", "to Sunny weather": a lowercase word right after, other than a stop
    word or Hinglish ("to Lucky at the shop", "Joy ko"), makes the word part of a thing's name."""
    following = re.match(r"[ \t]+([a-z]+)\b", text[end:])
    if not following:
        return False
    word = following.group(1)
    return word not in STOP_WORDS and not lexicon.is_hinglish(word)

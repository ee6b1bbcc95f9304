"""Identifiers Presidio has no recognizer for: Indian driving licences and dates of birth.

A driving licence number is a state code, an RTO number, the year of issue and a serial ("MH14
20190012345", "KA-05-2015-0012345"): its shape alone is specific enough. A date of birth is an
ordinary date, which the answer usually needs (a purchase, a deadline), so it is removed only right
after a birth cue ("DOB", "date of birth", "born on"): the cue and the date stay apart by a few
characters at most.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from pii_filter.redaction.local_recognizer import OwnRecognizer

STATE_CODES = (
    "AN|AP|AR|AS|BR|CG|CH|DD|DL|DN|GA|GJ|HP|HR|JH|JK|KA|KL|LA|LD|MH|ML|MN|MP|MZ|NL|OD|OR|PB|PY|RJ|SK|TN|"
    "TR|TS|UK|UP|WB"
)
_SEP = r"[ /-]?"
_LICENCE = re.compile(
    rf"(?i)(?<![\w-])(?:{STATE_CODES}){_SEP}\d{{2}}{_SEP}(?:19|20)\d{{2}}{_SEP}\d{{7}}(?![\w-])"
)

_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATE = (
    # the analysis copy writes any separator between two digits as one space (normalise.py)
    r"(?:[12]\d|3[01]|0?[1-9])[/.\- ](?:1[0-2]|0?[1-9])[/.\- ](?:19|20)?\d{2}"
    r"|(?:19|20)\d{2}[- ](?:1[0-2]|0[1-9])[- ](?:[12]\d|3[01]|0[1-9])"
    # the year in full or cut short after an apostrophe: "14th Feb '91"
    rf"|{_DAY}\s*(?:of\s+)?(?:{_MONTH})\.?,?\s*(?:(?:19|20)\d{{2}}|['’]\d{{2}})"
    rf"|(?:{_MONTH})\.?\s+{_DAY},?\s*(?:(?:19|20)\d{{2}}|['’]\d{{2}})"
)
_BIRTH_CUE = (
    r"d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?|"
    r"janm(?:a)?\s*(?:tithi|din|tarikh)|जन्म\s*(?:तिथि|दिन|तारीख)"
)
# the cue, then at most a linking word or mark: "DOB: 14/08/1990", "born on 3rd March 1985"
_DATE_OF_BIRTH = re.compile(
    rf"(?i)(?<![\w])(?:{_BIRTH_CUE})(?![\w])[ \t]*(?:is|was|hai|:|-|–|=|\()?[ \t]*(?P<date>{_DATE})(?![\w])"
)


class DrivingLicenceRecognizer(OwnRecognizer):
    """Indian driving licence numbers, as IN_DRIVING_LICENCE."""

    ENTITIES = ("IN_DRIVING_LICENCE",)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "IN_DRIVING_LICENCE" not in entities:
            return []
        return [
            RecognizerResult("IN_DRIVING_LICENCE", m.start(), m.end(), 0.85) for m in _LICENCE.finditer(text)
        ]


class DateOfBirthRecognizer(OwnRecognizer):
    """A date right after a birth cue, as DATE_OF_BIRTH; other dates stay as facts."""

    ENTITIES = ("DATE_OF_BIRTH",)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "DATE_OF_BIRTH" not in entities:
            return []
        return [
            RecognizerResult("DATE_OF_BIRTH", m.start("date"), m.end("date"), 0.85)
            for m in _DATE_OF_BIRTH.finditer(text)
        ]

"""Recognizers Presidio lacks for Indian consumers: bank accounts, RuPay cards, addresses with PIN codes.

Each is an EntityRecognizer subclass, so analyzer.yaml can list it as `type: predefined` once this
module is imported (Presidio looks predefined names up among the loaded subclasses).
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import LocalRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from pii_filter.redaction.lexicon import load_lexicon

_ACCOUNT_CONTEXT = re.compile(
    r"(?i)(?:\ba/c\b|\bacc(?:oun)?t\b|\baccounts\b|\bacct\b|\bac\s*no\b|\bsavings\b|\bbank\b|\bsb\b)"
)


class IndianBankAccountRecognizer(PatternRecognizer):
    """Bank account numbers (9-18 digits) only when an account word precedes them, so amounts and
    order numbers elsewhere survive."""

    PATTERNS: ClassVar[list[Pattern]] = [Pattern("bank account digits", r"(?<![\d-])\d{9,18}(?![\d-])", 0.6)]
    CONTEXT: ClassVar[list[str]] = ["account", "a/c", "acct", "bank", "savings"]
    CONTEXT_WINDOW_CHARS = 48

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "en",
        supported_entity: str = "BANK_ACCOUNT",
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entity=supported_entity,
            patterns=patterns or self.PATTERNS,
            context=context or self.CONTEXT,
            supported_language=supported_language,
            name=name or type(self).__name__,
        )

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [
            result
            for result in found
            if _ACCOUNT_CONTEXT.search(text, max(0, result.start - self.CONTEXT_WINDOW_CHARS), result.start)
        ]


class IndianCardRecognizer(CreditCardRecognizer):
    """Adds RuPay (60/65/81/82/508) and Mastercard 2-series to Presidio's card patterns; Luhn decides."""

    PATTERNS = [  # noqa: RUF012 (Presidio declares PATTERNS as a plain class attribute)
        Pattern("16-digit card, any Indian network (weak)", r"\b[2-8]\d{3}(?:[ -]?\d{4}){3}\b", 0.3),
    ]


_PIN = re.compile(r"(?<![\d,.₹])(?<!Rs )(?<!Rs\. )(?<!INR )[1-9]\d{2} ?\d{3}(?![\d,])")
_PIN_LABEL = re.compile(r"(?i)(?:pin\s*code|pincode|pin|postal\s*code|zip)\s*(?:no\.?|number)?\s*[:\-]?\s*$")
_BOUNDARY = re.compile(r"(?:(?<=[a-z]{4})\.|[!?;\n])\s*")
_SEGMENT_SPLIT = re.compile(r",|\s-\s|\s–\s|\n")
_INTRO = re.compile(
    r"(?i)\b(?:address(?:\s+is)?|addr|live[sd]?\s+(?:at|in)|living\s+(?:at|in)|resid(?:e|ing)\s+at|"
    r"resident\s+of|stay(?:ing)?\s+at|deliver(?:ed|y)?\s+(?:to|at)|ship(?:ped)?\s+to|sent\s+to|"
    r"located\s+at|house\s+is\s+at|flat\s+is\s+at)\b\s*[:\-]?\s*"
)
_STREET_START = re.compile(
    r"(?i)\b(?:flat|house|h\.?\s?no|door|d\.?\s?no|plot|apt|apartment|room|shop|bungalow|villa|qtr|"
    r"quarter)\b|#\s?\d|\b[A-Z]?-?\d{1,5}[A-Za-z]?(?:[/-]\d+[A-Za-z]?)*\b"
)
_ADDRESS_WORD = re.compile(
    r"(?i)\b(?:road|rd|street|st|marg|nagar|colony|sector|lane|layout|society|apartments?|residency|"
    r"enclave|block|phase|cross|main|bazar|bazaar|chowk|gali|mohalla|village|vill|taluk|tehsil|district|"
    r"dist|post|p\.?o|near|opp|opposite|behind|flat|house|plot|floor|tower|wing|extension|extn|park|"
    r"garden|gardens|heights|towers|complex|estate|vihar|puram|palya|halli|pet|peth|wadi|pada|ganj|bagh|"
    r"market|circle|cross|stage|hills|h\.?\s?no|door|no|ward|mandal|sadan|bhavan|niwas|villa|avenue)\b"
)
_LOWER_WORD = re.compile(r"\b[a-z]{2,}\b")
_ADDRESS_CONNECTORS = frozenset(
    {"near", "opp", "opposite", "behind", "beside", "off", "and", "of", "the", "no"}
)


def _looks_like_address(segment: str) -> bool:
    """A comma-separated piece of an address: numbers, Capitalised names and street words only."""
    for word in _LOWER_WORD.findall(segment):
        if word not in _ADDRESS_CONNECTORS and not _ADDRESS_WORD.fullmatch(word):
            return False
    return bool(segment.strip())


class IndianAddressRecognizer(LocalRecognizer):
    """Street addresses that end in a 6-digit PIN code; the city and state before the PIN are kept
    as facts (jurisdiction), the street part becomes ADDRESS and the PIN becomes IN_PIN_CODE."""

    WINDOW_CHARS = 200

    def __init__(
        self,
        supported_language: str = "en",
        supported_entities: list[str] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entities=supported_entities or ["ADDRESS", "IN_PIN_CODE"],
            supported_language=supported_language,
            name=name or type(self).__name__,
        )

    def load(self) -> None:
        self._lexicon = load_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for pin in _PIN.finditer(text):
            results.extend(self._address_ending_at(text, pin))
        return [r for r in results if r.entity_type in entities]

    def _address_ending_at(self, text: str, pin: re.Match[str]) -> list[RecognizerResult]:
        window_start = max(0, pin.start() - self.WINDOW_CHARS)
        before = text[window_start : pin.start()]
        boundaries = list(_BOUNDARY.finditer(before))
        offset = window_start + (boundaries[-1].end() if boundaries else 0)
        before = text[offset : pin.start()]
        intros = list(_INTRO.finditer(before))
        if intros:
            offset += intros[-1].end()
            before = text[offset : pin.start()]
        labelled = _PIN_LABEL.search(before)
        if labelled:
            before = before[: labelled.start()]
        street_start, street_end = self._street_span(before)
        pin_result = RecognizerResult("IN_PIN_CODE", pin.start(), pin.end(), 0.85)
        if street_start is None:
            # a lone PIN counts only when labelled or written right after a known place
            tail = before.rstrip(" ,-–:")
            last_place = self._lexicon.ends_with_place(tail)
            return [pin_result] if labelled or intros or last_place else []
        street = RecognizerResult("ADDRESS", offset + street_start, offset + street_end, 0.85)
        return [street, pin_result]

    def _street_span(self, before: str) -> tuple[int | None, int]:
        """Walk back over comma-separated pieces until one stops looking like an address."""
        cuts = [0, *[m.end() for m in _SEGMENT_SPLIT.finditer(before)]]
        pieces = [(start, cuts[i + 1] if i + 1 < len(cuts) else len(before)) for i, start in enumerate(cuts)]
        start: int | None = None
        end = len(before)
        trailing_places = True
        for piece_start, piece_end in reversed(pieces):
            piece = before[piece_start:piece_end].strip(" ,-–\n")
            if not piece:
                continue
            if trailing_places and self._lexicon.is_place(piece):
                end = piece_start  # city/state right before the PIN stays as a fact
                continue
            trailing_places = False
            if _looks_like_address(piece):
                start = piece_start
                continue
            inner = _STREET_START.search(before, piece_start, piece_end)
            if inner and _looks_like_address(before[inner.start() : piece_end]):
                start = inner.start()
            break
        if start is None:
            return None, end
        street = before[start:end]
        if not (_ADDRESS_WORD.search(street) or re.search(r"\d", street)):
            return None, end
        lead = len(street) - len(street.lstrip(" ,-–\n"))
        trimmed = street.rstrip(" ,-–\n")
        return start + lead, start + len(trimmed)

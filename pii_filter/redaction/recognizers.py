"""Recognizers Presidio lacks for Indian consumers: bank accounts, RuPay cards, addresses with PIN codes.

Each is an EntityRecognizer subclass, so analyzer.yaml can list it as `type: predefined` once this
module is imported (Presidio looks predefined names up among the loaded subclasses).
"""

from __future__ import annotations

import itertools
import re
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from pii_filter.redaction.lexicon import LOCALITY_ENDING, Lexicon, load_lexicon
from pii_filter.redaction.local_recognizer import OwnRecognizer

_ACCOUNT_CONTEXT = re.compile(
    r"(?i)(?:\ba/c\b|\bacc(?:oun)?t\b|\baccounts\b|\bacct\b|\bac\s*no\b|\bsavings\b|\bbank\b|\bsb\b)"
)


class IndianBankAccountRecognizer(PatternRecognizer):
    """Bank account numbers (9-18 digits) only when an account word precedes them, so amounts and
    order numbers elsewhere survive."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("bank account digits", r"(?<![\d-])\d{9,18}(?![\d-])", 0.6),
        # "1234 5678 9012", "0123-4567-8901-23" (the analysis copy has one space between digit groups)
        Pattern("bank account digit groups", r"(?<![\d-])\d{2,8}(?: \d{2,8}){1,5}(?![\d-])", 0.6),
    ]
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
            if 9 <= sum(char.isdigit() for char in text[result.start : result.end]) <= 18
            and _ACCOUNT_CONTEXT.search(text, max(0, result.start - self.CONTEXT_WINDOW_CHARS), result.start)
        ]


class IndianCardRecognizer(CreditCardRecognizer):
    """Adds RuPay (60/65/81/82/508) and Mastercard 2-series to Presidio's card patterns; Luhn decides."""

    PATTERNS = [  # noqa: RUF012 (Presidio declares PATTERNS as a plain class attribute)
        Pattern("16-digit card, any Indian network (weak)", r"\b[2-8]\d{3}(?:[ -]?\d{4}){3}\b", 0.3),
    ]


# not inside a longer run of digit groups ("3721 294791 41746" is a card)
_PIN = re.compile(r"(?<![\d,.₹])(?<!\d[ -])(?<!Rs )(?<!Rs\. )(?<!INR )[1-9]\d{2} ?\d{3}(?!\d|,\d|[ -]\d)")
_PIN_LABEL = re.compile(r"(?i)(?:pin\s*code|pincode|pin|postal\s*code|zip)\s*(?:no\.?|number)?\s*[:\-]?\s*$")
# a full stop after a word ends a sentence, except after an address abbreviation ("Dist. Sitamarhi")
_BOUNDARY = re.compile(r"(?:(?<=[A-Za-z]{4})(?<![Dd]ist)(?<![Dd]istt)(?<![Ee]xtn)\.|[!?;\n])\s*")
_SEGMENT_SPLIT = re.compile(r",|\s-\s|\s–\s|\n")
_INTRO = re.compile(
    r"(?i)\b(?:address(?:\s+is)?|addr|live[sd]?\s+(?:at|in)|living\s+(?:at|in)|resid(?:e|ing)\s+at|"
    r"resident\s+of|stay(?:ing)?\s+at|deliver(?:ed|y)?\s+(?:to|at)|ship(?:ped)?\s+to|sent\s+to|"
    r"located\s+at|house\s+is\s+at|flat\s+is\s+at)\b\s*[:\-]?\s*"
)
_STREET_START = re.compile(
    r"(?i)\b(?:flat|house|h\.?\s?no|door|d\.?\s?no|plot|apt|apartment|room|shop|bungalow|villa|qtr|"
    r"quarter|tower|building|bldg|block|wing|ward)\b|#\s?\d|\b[A-Z]?-?\d{1,5}[A-Za-z]?(?:[/-]\d+[A-Za-z]?)*\b"
)
_ADDRESS_WORD = re.compile(
    r"(?i)\b(?:road|rd|street|st|marg|nagar|colony|sector|lane|layout|society|apartments?|residency|"
    r"enclave|block|phase|cross|main|bazar|bazaar|chowk|gali|mohalla|village|vill|taluk|tehsil|district|"
    r"dist|post|p\.?o|near|opp|opposite|behind|flat|house|plot|floor|tower|wing|extension|extn|park|"
    r"garden|gardens|heights|towers|complex|estate|vihar|puram|palya|halli|pet|peth|wadi|pada|ganj|bagh|"
    r"market|circle|cross|stage|hills|h\.?\s?no|door|no|ward|mandal|sadan|bhavan|niwas|villa|avenue|lake|"
    r"feet|ring)\b"
)
# words to check in a piece of an address: lowercase or ALL CAPS (a Capitalised word may be a name)
_LOWER_WORD = re.compile(r"\b(?:[a-z]{2,}|[A-Z]{2,})\b")
_ADDRESS_CONNECTORS = frozenset(
    {"near", "opp", "opposite", "behind", "beside", "off", "and", "of", "the", "no"}
)


# a landmark piece: "near hanuman temple", "opp. loco shed", "behind SBI ATM", "next to HP petrol pump"
_LANDMARK = re.compile(
    r"(?i)^(?:near|nr|opp|opposite|behind|beside|next\s+to|in\s+front\s+of|close\s+to)\b\.?\s"
)
MAX_LANDMARK_WORDS = 6
# "distt Sitapur", "district Bareilly": the district names the consumer commission, a fact
# "Udupi dist", "West Godavari district": the same piece with the name first
_DISTRICT = re.compile(
    r"(?i)^(?:(?:dist(?:t|rict)?|zila|zilla|jila)\b\.?\s*[:\-]?\s*[^\W\d_]"
    r"|(?:[^\W\d_]+\s+){1,3}(?:dist(?:t|rict)?|zila|zilla|jila)\b\.?$)"
)


def _ends_with_town(text: str, lexicon: Lexicon) -> bool:
    """ "Itarsi 461111": a Capitalised word English rarely uses, no listed brand or street word, right
    before a PIN code names the town (a fact, like a listed city)."""
    last = re.search(r"(?<![\w.])([A-Z][a-z]{2,})$", text)
    if not last:
        return False
    word = last.group(1)
    return (
        lexicon.is_unknown_word(word)
        and not lexicon.is_known_non_person(word)
        and not lexicon.is_common_word(word)
        and not lexicon.is_business_word(word)
        and not _ADDRESS_WORD.fullmatch(word)
    )


# the last piece of an address, a town nobody listed and its PIN code: "Itarsi 461111"
_TOWN_AND_PIN = re.compile(r"([A-Z][a-z]{2,})\s*[-–]?\s*[1-9]\d{2} ?\d{3}")


def _looks_like_address(segment: str) -> bool:
    """A comma-separated piece of an address: numbers, Capitalised or unlisted names (in lowercase
    "indiranagar", "sai krupa") and street words only, or a landmark."""
    lexicon = load_lexicon()
    words = segment.split()
    if _DISTRICT.match(segment):
        return False
    if _LANDMARK.match(segment) and len(words) <= MAX_LANDMARK_WORDS:
        return True
    if 1 < len(words) <= 4 and _ADDRESS_WORD.fullmatch(words[-1].strip(".")):
        return True  # "green park apartments", "baker street": any words before a street word
    for word in (found.casefold() for found in _LOWER_WORD.findall(segment)):
        if word in _ADDRESS_CONNECTORS or _ADDRESS_WORD.fullmatch(word):
            continue
        if lexicon.is_unknown_word(word) or (len(word) <= 2 and _ADDRESS_WORD.search(segment)):
            continue
        return False
    return bool(segment.strip())


class IndianAddressRecognizer(OwnRecognizer):
    """Street addresses that end in a 6-digit PIN code; the city and state before the PIN are kept
    as facts (jurisdiction), the street part becomes ADDRESS and the PIN becomes IN_PIN_CODE."""

    WINDOW_CHARS = 200

    ENTITIES = ("ADDRESS", "IN_PIN_CODE")

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
            last_place = self._lexicon.ends_with_place(tail) or self._ends_with_town(tail)
            return [pin_result] if labelled or intros or last_place else []
        street = RecognizerResult("ADDRESS", offset + street_start, offset + street_end, 0.85)
        return [street, pin_result]

    def _ends_with_town(self, text: str) -> bool:
        return _ends_with_town(text, self._lexicon)

    def _trailing_place(self, text: str, start: int, end: int, at_pin: bool) -> int | None:
        """Where a listed city or state (or, right before the PIN, a town) that ends a longer piece
        starts, if one does."""
        words = list(re.finditer(r"[^\W\d_][\w\u0900-\u0dff]*", text[start:end]))
        if not words or text[start + words[-1].end() : end].strip(" ,-–\n"):
            return None  # the piece does not end in a word
        for n in (4, 3, 2, 1):
            if n < len(words) and self._lexicon.is_place(text[start + words[-n].start() : end]):
                return start + words[-n].start()
        if at_pin and len(words) > 1 and self._ends_with_town(text[start:end].rstrip(" ,-–\n")):
            return start + words[-1].start()
        return None

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
            at_pin = piece_end == len(before) or not before[piece_end:].strip(" ,-–\n")
            town = at_pin and self._ends_with_town(piece) and " " not in piece
            if trailing_places and (self._lexicon.is_place(piece) or _DISTRICT.match(piece) or town):
                end = piece_start  # city/state right before the PIN stays as a fact
                continue
            place_at = (
                self._trailing_place(before, piece_start, piece_end, at_pin) if trailing_places else None
            )
            if place_at is not None:  # "flat 3A green meadows whitefield bangalore 560066": no commas
                end = piece_end = place_at
                piece = before[piece_start:piece_end].strip(" ,-–\n")
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


# where a street address starts: a house, flat or plot number, a number before a street word, an
# ordinal cross or main road, a sector; in Devanagari a house or lane number
_NUMBER = r"[A-Za-z]?-?\d{1,5}[A-Za-z]?(?:[ /-]\d{1,5}[A-Za-z]?|/[A-Za-z]\b){0,3}"  # "20/B"
_STREET_WORDS = (
    r"road|rd|street|st|marg|lane|gali|cross|main\s+road|nagar|colony|layout|society|apartments?|"
    r"towers?|residency|enclave|chs|complex|heights|vihar|puram|palya|halli|peth|wadi|bagh|ganj"
)
_ADDRESS_START = re.compile(
    rf"(?i)\b(?:flat|house|h\.?\s?no|door|d\.?\s?no|plot|apt|apartment|bungalow|villa|qtr|quarter|"
    rf"room|shop|block|wing|ward|tower|building|bldg|khasra|survey|makaan|makan|kothi|gali)\b\.?\s*"
    rf"(?:no\.?|number|nambar|#)?\s*[:\-]?\s*{_NUMBER}"
    rf"(?!\s*(?:%|off\b|discount|cashback|percent|rs\b|rupees|inr|₹))(?!\d|[ -]\d{{5}})"
    rf"|#\s?{_NUMBER}"
    # Hinglish puts the number first: "45 number flat", "3 no. gali"
    rf"|\b{_NUMBER}\s+(?:number|nambar|no\.?)\s+(?:flat|house|makaan|makan|ghar|gali|kothi|dukaan|dukan|shop|plot)\b"
    # "No. 9, 4th Cross", "B-204, Green Acres": a door or flat number opening the message or a line
    r"|(?:(?<=^)|(?<=\n)|(?<=: ))(?:No\.?\s?\d{1,4}[A-Za-z]?|[A-Z]-?\d{1,4}[A-Za-z]?)(?=,)"
    rf"|(?<![\d,.])\b{_NUMBER},?\s+(?:[A-Za-z]+\s+){{0,3}}?(?:{_STREET_WORDS})\b"
    rf"|\b\d{{1,3}}(?:st|nd|rd|th)\s+(?:cross|main|floor|street|road|lane|block|stage|phase|sector)\b"
    rf"|\b(?:sector|road\s+no\.?)\s*\d{{1,3}}\b"
    r"|(?:मकान|म\.|फ्लैट|प्लॉट|गली|मोहल्ला|वार्ड)\s*(?:नं|नंबर|संख्या)?\.?\s*\d{1,5}"
)
# a full stop ends a piece, except after an address abbreviation ("opp. loco shed", "distt. Sitapur")
_ABBREVIATION_END = "".join(
    rf"(?<!\b{word})" for word in ("[Oo]pp", "[Ee]xtn", "[Dd]ist", "[Dd]istt", "[Vv]ill", "[Nn]gr", "[Cc]olo")
)
_PIECE_SPLIT = re.compile(rf",|\s[-–—]\s|\n|(?<=[a-z]{{3}}){_ABBREVIATION_END}\.\s")
_SENTENCE_END = re.compile(r"[.!?;]\s|[.!?;]$")
_PIN_START = re.compile(r"(?:pin\s*(?:code)?\s*[:\-]?\s*)?[1-9]\d{2} ?\d{3}(?!\d)", re.IGNORECASE)


# a locality's name with a place's ending glued to it (lexicon.LOCALITY_ENDING); "Shanti Nagar", "Sai
# Vihar" in two words may as well name a society, and still go with the address
_LOCALITY_NAME = re.compile(rf"(?i)[a-z]{{3,}}(?:{LOCALITY_ENDING})(?:[ \t]+(?:east|west|north|south))?")


def _reads_like_locality(piece: str, lexicon: Lexicon) -> bool:
    """A locality nobody listed, written as the last line of a street address ("House 17, Lane 4,
    Bhangagarh"): one or two words, its name ending as Indian place names end, no number and no
    listed seller or brand (a building or a society named after one is no locality)."""
    if not _LOCALITY_NAME.fullmatch(piece.strip()):
        return False
    name = piece.split()[0]
    if not lexicon.is_unknown_word(name):
        return False  # "Trumpet": an English word, whatever its ending
    listed_elsewhere = lexicon.is_known_non_person(name) and not lexicon.is_place(name)
    return not (listed_elsewhere and not lexicon.is_locality(name))


def _goes_on_as_street(piece: str) -> bool:
    """ "..., Sainikpuri, Rampur Road, Haldwani": a street or number after it, so the locality was
    not the address's last line."""
    return bool(re.search(r"\d", piece) or _ADDRESS_WORD.search(piece))


class StreetAddressRecognizer(OwnRecognizer):
    """Street addresses without a PIN code ("12 mg road, indiranagar", "flat 302, lodha towers,
    worli"): from a house or street number over the comma-separated pieces that read like an
    address, ending before a listed city or state, which stays as a fact."""

    MAX_PIECES = 6
    MAX_WORDS_PER_PIECE = 6

    ENTITIES = ("ADDRESS",)

    def load(self) -> None:
        self._lexicon = load_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "ADDRESS" not in entities:
            return []
        results = []
        covered = 0
        for start in _ADDRESS_START.finditer(text):
            if start.start() < covered:
                continue
            end = self._address_end(text, start)
            if end is not None:
                results.append(RecognizerResult("ADDRESS", start.start(), end, 0.7))
                covered = end
        return results

    def _address_end(self, text: str, start: re.Match[str]) -> int | None:
        """Where the address that starts here ends, or None when it is only a number."""
        pieces = 0
        end = start.end()
        position = start.start()
        street_words = 0
        after_comma = True
        while pieces < self.MAX_PIECES:
            split = _PIECE_SPLIT.search(text, position + (1 if pieces else 0))
            piece_end = split.start() if split else len(text)
            piece = text[position:piece_end].strip(" ,-–—\n")
            raw = text[position:piece_end]
            lead = position + len(raw) - len(raw.lstrip(" ,-–—\n"))
            place_at = self._place_offset(piece) if piece else None
            if not piece or place_at == 0 or (pieces and _DISTRICT.match(piece)):
                break
            if pieces and place_at is None and self._ends_at_locality(text, piece, split):
                pieces += 1  # "villa 38, Adarsh Palm Retreat, Bellandur": an address, whose locality
                break  # stays as a fact
            town = _TOWN_AND_PIN.fullmatch(piece)
            if pieces and town and _ends_with_town(town.group(1), self._lexicon):
                break
            if place_at is not None:
                end = max(end, lead + len(piece[:place_at].rstrip(" ,-–—")))
                pieces += 1
                break
            if pieces == 0 or (_looks_like_address(piece) and len(piece.split()) <= self.MAX_WORDS_PER_PIECE):
                end = max(end, lead + len(piece))
                street_words += len(_ADDRESS_WORD.findall(piece))
            else:
                # after a comma the locality goes on as a sentence ("12 mg road, indiranagar is
                # where ..."); after a dash or a line break a new sentence starts ("Kharghar - CIDCO sent")
                locality = self._leading_locality(text, lead, piece_end) if after_comma else None
                if locality:
                    end = locality
                    pieces += 1
                break
            pieces += 1
            if not split or _SENTENCE_END.match(text, split.start()):
                break
            after_comma = split.group() == ","
            position = split.end()
        if pieces < 2 and street_words < 2:
            return None  # "flat 302" alone, "12 main" alone: not enough to call it an address
        return end

    def _ends_at_locality(self, text: str, piece: str, split: re.Match[str] | None) -> bool:
        """The piece opens with a listed locality and no city or PIN code follows it: the locality is
        the place the question names (a fact); before a city it is a line of the postal address."""
        words = re.findall(r"[^\W_][\w.]*", piece)
        listed = [n for n in (3, 2, 1) if n <= len(words) and self._lexicon.is_locality(" ".join(words[:n]))]
        if listed and len(words) > listed[0] and _ADDRESS_WORD.fullmatch(words[listed[0]]):
            return False  # "Varthur Road", "Koramangala 4th Block": a street or block named after it
        if not listed and not _reads_like_locality(piece, self._lexicon):
            return False
        if not split:
            return True
        following = _PIECE_SPLIT.split(text[split.end() :], maxsplit=1)[0].strip(" ,-–—\n")
        return not (
            self._place_offset(following) == 0
            or _PIN_START.match(following)
            or (split.group() == "," and (self._names_locality(following) or _goes_on_as_street(following)))
        )  # "Gali No 5, Sadh Nagar, Palam": the last locality is the fact, the one before it a line

    def _names_locality(self, piece: str) -> bool:
        return self._lexicon.is_locality(piece) or _reads_like_locality(piece, self._lexicon)

    def _place_offset(self, piece: str) -> int | None:
        """Where a listed city or state starts inside the piece ("kharghar navi mumbai 410210")."""
        words = list(re.finditer(r"[^\W\d_][\w\u0900-\u0dff]*", piece))
        for i, word in enumerate(words):
            for n in (3, 2, 1):
                if i + n > len(words):
                    continue
                if self._lexicon.is_place(piece[word.start() : words[i + n - 1].end()]):
                    return word.start()
        return None

    def _leading_locality(self, text: str, start: int, stop: int) -> int | None:
        """ "indiranagar is where ...": the locality words at the start of a piece that goes on as
        a sentence (unlisted or Capitalised, not a listed city), up to three."""
        end = None
        for count, word in enumerate(re.finditer(r"[^\W\d_]+", text[start:stop])):
            if count == 3 or (word.start() and text[start + word.start() - 1] != " "):
                break
            value = word.group()
            named = value[:1].isupper() and not self._lexicon.is_common_word(value)
            if self._lexicon.is_place(value) or not (self._lexicon.is_unknown_word(value) or named):
                break
            end = start + word.end()
        return end


# a comma or full stop after the group ends a sentence or a clause; before a digit it groups an amount
_DIGIT_GROUP = re.compile(r"(?<![\d,.])\d{3,7}(?!\d|[,.]\d)")
# an aside in brackets: "(before 9)", "[whatsapp]"; a plain "and then" between two numbers lists amounts
_ASIDE = re.compile(r"\s*(?:\([^()\n]{1,20}\)|\[[^\[\]\n]{1,20}\])\s*")
# ... unless a phone word comes first: "phone 98710 and then 34562"
_CONNECTOR = re.compile(
    r"(?i)\s*(?:,|/)?\s*(?:and\s+then|and|then|followed\s+by|aur\s+phir|aur|phir|next)\s+"
)
_PHONE_CUE = re.compile(
    r"(?i)\b(?:phone|ph|mob|mobile|cell|contact|call|whatsapp|wa|number|no)\b\.?[^\d\n]{0,16}$"
)


class SplitMobileRecognizer(OwnRecognizer):
    """A mobile number cut in two by an aside in brackets: "98765 (before 9) 43210".

    Two groups of digits around a bracketed aside of at most 20 characters whose digits together are
    an Indian mobile number (ten digits, 6 to 9 first); the aside is removed with them.
    """

    ENTITIES = ("PHONE_NUMBER",)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PHONE_NUMBER" not in entities:
            return []
        groups = [g for g in _DIGIT_GROUP.finditer(text) if len(g.group()) >= 3]
        results = []
        for first, second in itertools.pairwise(groups):
            digits = first.group() + second.group()
            aside = text[first.end() : second.start()]
            cued = _PHONE_CUE.search(text, max(0, first.start() - 24), first.start())
            joined = _ASIDE.fullmatch(aside) or (_CONNECTOR.fullmatch(aside) and cued)
            if len(digits) == 10 and digits[0] in "6789" and joined:
                results.append(RecognizerResult("PHONE_NUMBER", first.start(), second.end(), 0.6))
        return results

"""Person-name recognizers that back up spaCy's small model, which misses or mislabels many Indian names.

Two signals: a cue before the name ("my name is", "Mr.", "regards,") and a list of common Indian given
names and surnames. A Capitalised run that contains a business word ("Vijay Sales") or is a listed
seller, brand or place is never a person.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from pii_filter.redaction.lexicon import EVERYDAY_ZIPF, RARE_ZIPF, Lexicon, load_lexicon
from pii_filter.redaction.local_recognizer import OwnRecognizer

_STRONG_CUE = (
    r"my\s+name\s+is|my\s+name's|name\s+is|myself|name\s*[:\-]|naam(?:\s+(?:hai|he|h)\b)?|"
    # "my name" in Tamil, Telugu, Malayalam, Kannada, Bengali, Marathi, Gujarati written in Latin letters
    r"(?:en|enn|naa|naa\s+yokka|ente|nanna)\s+(?:peru|peyar|peyaru|per|pēr|hesaru)|amar\s+nam|"
    r"amar\s+naam|maz[he]?\s+na(?:a)?v|majh[ae]\s+na(?:a)?v|maru\s+naam"
)
# honorifics and relations: a word after them is a name unless it is everyday English ("my son aryan",
# not "my son played")
_RELATION_CUE = (
    r"mr|mrs|ms|miss|shri|shree|smt|sri|dr|prof|mohd|s/o|d/o|w/o|c/o|"
    r"my\s+(?:(?:mother|father|brother|sister|daughter|son)-in-law|wife|husband|son|daughter|father|"
    r"mother|dad|mom|brother|sister|friend|uncle|aunt|neighbou?r|landlord|tenant|colleague|cousin|"
    r"grandmother|grandfather|grandson|granddaughter|nephew|niece|papa|mummy|maa|bhai|didi|boss)|"
    # the same in Hinglish: "meri beti khushi", "mere pati ramesh"
    r"meri\s+(?:beti|maa|mummy|behen|bahen|patni|wife|biwi|saas|nani|dadi|bhabhi|dost)|"
    r"mera\s+(?:beta|bhai|pati|husband|dost|bhatija|bhanja|pota|nati)|"
    r"mere\s+(?:pati|papa|pita|pitaji|bhai|bete|dost|sasur|chacha|mama|nana|dada)"
)
_WEAK_CUE = (
    r"i\s+am|i'm|this\s+is|it's|regards|thanks|thank\s+you|sincerely|yours\s+truly|faithfully|"
    r"thx|thnx|thnks|tnx|tks|rgds|regds|cheers|"
    r"named|called|on\s+behalf\s+of|"
    r"cc|signed|sent\s+by|sir|madam|ji|name|from(?=\s*:)|i(?=\s*,)|"
    # a form's or letter's labelled line: "Sender: V. S. Achuthan Nair", "Complainant - Rekha Pillai"
    r"(?:sender|complainant|applicant|claimant|patient|passenger|beneficiary|insured|nominee|"
    r"account\s+holder|policy\s*holder|customer|consumer)(?=[ \t]*[:\-–])"
)
# people met in a complaint, named by their trade: "the electrician shravan", "driver raju"; after a
# trade, as after a strong cue, a name that is also an English word counts ("the delivery boy joy")
TRADE_CUE = (
    r"salesman|salesperson|executive|agent|technician|engineer|manager|owner|boy|guy|person|"
    r"electrician|plumber|mechanic|carpenter|painter|driver|rider|courier|doctor|lawyer|advocate|"
    r"broker|dealer|seller|shopkeeper|cashier|receptionist|nurse|teacher|tutor|principal|guard|"
    r"watchman|maid|cook|tailor|barber|officer|clerk|inspector|constable|supervisor|contractor|"
    r"caretaker|secretary|chairman|president|representative|rep|staff|employee"
)
# above spaCy's 0.85, so Presidio keeps a cue's name inside a longer, wrong spaCy span
CUE_SCORE = 0.9
_CONNECTIVE_CUE = r"from|with|by|to|and|or|told|asked|called|met|paid|contacted|informed"
# a cue, then spaces, commas, colons or dashes and at most one line break ("Regards,\nManoj")
_CUE = re.compile(
    rf"(?i)\b(?:(?P<strong>{_STRONG_CUE})|(?P<relation>{_RELATION_CUE})|(?P<weak>{_WEAK_CUE})|"
    rf"(?P<trade>{TRADE_CUE})|"
    rf"(?P<connective>{_CONNECTIVE_CUE}))"
    r"\b\.?[ \t,:\-–—]*(?:\n[ \t]*)?"
)
# a signature line: "-- anita d'souza", "— Sent by Mohd. Salim Qureshi"
_SIGN_OFF = re.compile(r"(?m)^[ \t]*(?:-{2,}|—|–|~)[ \t]*")
# a signature: a sign-off line, then a line of Capitalised words only ("Thanks,\nAjmal"); a brand or
# shop does not sign a message, so a listed brand's name there is a person's
_SIGNATURE = re.compile(
    r"(?im)^[ \t]*(?:(?:warm|best|kind|with)\s+)?(?:regards|thanks|thank\s+you|thanks\s*(?:&|and)\s*regards|"
    r"sincerely|yours\s+(?:sincerely|faithfully|truly)|faithfully|cheers)[ \t]*[,.!]?[ \t]*\n"
    r"[ \t]*((?-i:(?:[A-Z][a-z]+|[A-Z]\.)(?:[ \t]+(?:[A-Z][a-z]+|[A-Z]\.)){0,3}))[ \t]*$"
)
SIGNATURE_KEY = "signature"  # recognition_metadata key: the name signs the message (policy.py)
# a name after a dash that ends the message: "... call me at 99205 41873 - Zubin"
_LAST_DASH = re.compile(r"[ \t](?:-{1,2}|—|–|~)[ \t]*(?=[^\n\-–—~]{2,40}$)")
# "Rahul Verma here", "Priya this side", "main pinki hoon": the cue follows the name
_POST_CUE = re.compile(
    r"(?<![\w.])((?:[A-Za-z][A-Za-z'’]*\.?)(?:[ ](?:[A-Za-z][A-Za-z'’]*\.?)){0,3})[ ,]+"
    r"(?i:here|this\s+side|writing|speaking|signing\s+off|bol\s+rah[aei]|hoon|hun|hu)\b"
)
# South Indian initials beside a name nobody listed: after it ("Manjunatha H.S.", "Karthikeyan S,"),
# or before it in any case ("S.R. VENKATARAMANAN", "K.Muthulakshmi"); not a post office ("P.O.")
_INITIALS_AFTER = re.compile(
    r"(?<![\w.@])([A-Z][a-z]{2,})[ \t]+((?:[A-Z]\.){1,3}|[A-Z](?![\w.'’]))(?=[ \t]*(?:[,;:)\n]|$))"
)
_INITIALS_BEFORE = re.compile(
    r"(?<![\w.@])(?!P\.\s?O\.)((?:[A-Z]\.[ \t]?){1,3})[ \t]*([A-Z][a-z]{2,}|[A-Z]{3,})(?![\w@])"
)
# street and locality words a Capitalised word after initials can be ("M.G. Road", "J.P. Nagar")
_PLACE_WORD = re.compile(
    r"(?i)(?:road|rd|street|marg|nagar|vihar|colony|layout|puram|bagh|ganj|chowk|park|garden|halli|"
    r"palya|pally|wadi|peth|pet|pura|abad|sector|block|phase|stage|cross|main|complex|market|station)$"
)
# initials in any case ("p.", "p.k.", "R"), a word with an optional apostrophe part ("d'souza")
_NAME_TOKEN = re.compile(r"(?:[A-Za-z]\.){1,3}|[A-Za-z]+(?:['’][A-Za-z]+)?\.?")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# Capitalised words and initials ("R." / "R"); a full stop after a whole word ends the run
_RUN = re.compile(r"(?<![\w@.])(?:(?:[A-Z][a-z]+(?:['’][A-Z]?[a-z]+)?|[A-Z]\.?)(?![\w@])[ \t]?)+")
# words of one case, lowercase or ALL CAPS, separated by single spaces
_CASELESS_WORD = r"(?:[a-z]+|[A-Z]{2,})(?:['’][a-zA-Z]+)?"
_CASELESS_RUN = re.compile(rf"(?<![\w@.]){_CASELESS_WORD}(?:[ \t]{_CASELESS_WORD})*(?![\w@])")


def is_capitalised(word: str) -> bool:
    """ "Priya", "D'Souza": an upper first letter in a word that is not ALL CAPS."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and letters[0].isupper() and not (len(letters) > 1 and word.isupper())


class _NameRules:
    """Shared tests of whether a word can belong to a person's name."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def is_initial(self, word: str) -> bool:
        bare = word.replace(".", "")
        return (len(bare) == 1 and bare.isalpha() and (word[0].isupper() or word.endswith("."))) or (
            1 < len(bare) <= 3 and word.count(".") == len(bare)
        )

    def is_blocked(self, word: str) -> bool:
        """Words that end a name: stop words, Hinglish, common capitalised words, business words."""
        if self.is_initial(word):
            return False
        bare = _POSSESSIVE.sub("", word.rstrip(".")).casefold()
        return (
            bare in STOP_WORDS
            or self.lexicon.is_hinglish(bare)
            or self.lexicon.is_common_word(bare)
            or self.lexicon.is_business_word(bare)
            or self.lexicon.is_known_non_person(bare)
        ) and not self.lexicon.is_unambiguous_name(bare)

    def is_listed_surname(self, word: str) -> bool:
        """A listed name word that is no stop word or Hinglish, whatever brand or place shares it."""
        bare = word.rstrip(".").casefold()
        lexicon = self.lexicon
        return lexicon.is_name_word(bare) and bare not in STOP_WORDS and not lexicon.is_hinglish(bare)

    def may_be_name(self, word: str, *, strong: bool, ambiguous_ok: bool = False) -> bool:
        """A word after a cue: any Capitalised word; in lowercase or ALL CAPS a listed name or, after
        a strong cue, any word that is not everyday English, after a weak one only a rare one; a name
        that is also an English word ("rose", "happy") only where ambiguous_ok says the cue is clear."""
        bare = _POSSESSIVE.sub("", word.rstrip("."))
        if self.is_initial(word) or is_capitalised(bare):
            return True
        if self.lexicon.is_name_word(bare):
            return True
        if ambiguous_ok and bare.casefold() in self.lexicon.ambiguous_names:
            return True
        return self.lexicon.is_unknown_word(bare, limit=EVERYDAY_ZIPF if strong else RARE_ZIPF)


class _PersonRecognizer(OwnRecognizer):
    """What both name recognizers share: the PERSON entity and the name lexicon's rules."""

    ENTITIES = ("PERSON",)

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
        for sign_off in _SIGN_OFF.finditer(text):
            span = self._name_after(text, sign_off.end(), strong=False)
            if span:
                results.append(RecognizerResult("PERSON", span[0], span[1], CUE_SCORE))
        for signature in _SIGNATURE.finditer(text):
            if self._signs(signature.group(1)):
                metadata = {"recognizer_name": self.name, SIGNATURE_KEY: True}
                start, end = signature.span(1)
                results.append(
                    RecognizerResult("PERSON", start, end, CUE_SCORE, recognition_metadata=metadata)
                )
        for found in [*_INITIALS_AFTER.finditer(text), *_INITIALS_BEFORE.finditer(text)]:
            word = found.group(1) if found.re is _INITIALS_AFTER else found.group(2)
            if self._unlisted_name_word(word):
                results.append(RecognizerResult("PERSON", found.start(), found.end(), CUE_SCORE))
        tail = text.rstrip(" \t\n.!")
        for dash in _LAST_DASH.finditer(tail):
            span = self._name_after(tail, dash.end(), strong=False)
            if span and span[1] == len(tail):  # the dash's name is all that is left of the message
                results.append(RecognizerResult("PERSON", span[0], span[1], CUE_SCORE))
        for cue in _CUE.finditer(text):
            strong = cue.group("strong") is not None or cue.group("relation") is not None
            clear = strong or cue.group("trade") is not None
            span = self._name_after(text, cue.end(), strong=strong, ambiguous_ok=clear)
            if span and cue.group("connective") and not self._starts_with_listed_name(text, span):
                continue
            if span:
                results.append(RecognizerResult("PERSON", span[0], span[1], CUE_SCORE))
        return results

    def _unlisted_name_word(self, word: str) -> bool:
        """A word English rarely uses that is no brand, place, street word or Hinglish."""
        lexicon = self._rules.lexicon
        return (
            lexicon.is_unknown_word(word)
            and not self._rules.is_blocked(word)
            and not _PLACE_WORD.search(word)
        ) or lexicon.is_name_word(word)

    def _signs(self, line: str) -> bool:
        """A signature line's words could all be a name's: listed names, or no everyday English,
        business word, brand or place; not initials alone."""
        lexicon = self._rules.lexicon
        words = line.split()
        if all(self._rules.is_initial(w) for w in words) or lexicon.is_place(line):
            return False
        return not any(
            not self._rules.is_initial(w)
            and not lexicon.is_name_word(w)
            and (
                lexicon.is_known_non_person(w)
                or lexicon.is_business_word(w)
                or lexicon.is_common_word(w)
                or not lexicon.is_unknown_word(w, limit=EVERYDAY_ZIPF)
            )
            for w in words
        )

    def _name_before_cue(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The name words right before the cue, past a place named after them ("sunil reddy from
        warangal here")."""
        rules = self._rules
        words = [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
        while words and rules.lexicon.is_place(text[words[-1][0] : words[-1][1]]):
            words.pop()
            if words and text[words[-1][0] : words[-1][1]].casefold() in ("from", "of", "in"):
                words.pop()
        kept: list[tuple[int, int]] = []
        for s, e in reversed(words):
            word = text[s:e]
            if rules.is_blocked(word) or not rules.may_be_name(word, strong=False):
                break
            kept.insert(0, (s, e))
        if not kept or any(rules.lexicon.is_business_word(text[s:e]) for s, e in kept):
            return None
        phrase = text[kept[0][0] : kept[-1][1]]
        if rules.lexicon.is_known_non_person(phrase) or all(rules.is_initial(w) for w in phrase.split()):
            return None
        return kept[0][0], kept[-1][1]

    def _starts_with_listed_name(self, text: str, span: tuple[int, int]) -> bool:
        first_word = text[span[0] : span[1]].split()[0].rstrip(".")
        return self._rules.lexicon.is_name_word(first_word)

    def _name_after(
        self, text: str, position: int, *, strong: bool, ambiguous_ok: bool = False
    ) -> tuple[int, int] | None:
        rules = self._rules
        words: list[tuple[int, int, str]] = []
        for match in _NAME_TOKEN.finditer(text, position):
            if match.start() != position or len(words) == self.MAX_TOKENS:
                break
            word = match.group()
            if rules.lexicon.is_business_word(word) and words:
                hinglish = rules.lexicon.opens_hinglish_clause(text[match.start() :])
                if is_capitalised(word) or not (ambiguous_ok or hinglish):
                    return None  # "Vijay Sales", "from vijay sales": a shop named after a person
                # "mera bhai ramesh hospital gaya", "my brother vinod ice creams sells": after a clear
                # cue or in a Hinglish clause the name ends at the lowercase noun after it
                break
            surname = bool(words) and rules.is_listed_surname(word)  # "gurpreet bose", not the brand
            may_be = rules.may_be_name(word, strong=strong, ambiguous_ok=ambiguous_ok and not words)
            if not surname and (rules.is_blocked(word) or not may_be):
                break
            if not rules.is_initial(word) and len(word.rstrip(".")) < 3 and not is_capitalised(word):
                break
            possessive = _POSSESSIVE.search(word.rstrip("."))
            if rules.is_initial(word):
                end = match.end()
            elif possessive:
                end = match.start() + possessive.start()
            else:
                end = match.start() + len(word.rstrip("."))
            words.append((match.start(), end, word))
            if possessive or (word.endswith(".") and not rules.is_initial(word)):
                break  # "aarav's school"; a full stop after a whole word ends the sentence
            gap = re.match(r"[ \t]", text[match.end() : match.end() + 1])
            if not gap and not rules.is_initial(word):
                break
            position = match.end() + (1 if gap else 0)
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
        for run in _CASELESS_RUN.finditer(text):
            for span in self._people_in_caseless_run(run):
                results.append(RecognizerResult("PERSON", span[0], span[1], 0.6))
        return results

    def _people_in_caseless_run(self, run: re.Match[str]) -> list[tuple[int, int]]:
        """In lowercase or ALL CAPS: stretches of listed name words, with one rare word on either
        side ("sunil reddy", "GURPREET SINGH BRAR"); a lone listed name that is also an everyday
        word ("ram", "pooja") needs a second one beside it."""
        rules, lexicon = self._rules, self._rules.lexicon
        words = [
            (m.start() + run.start(), m.end() + run.start(), m.group())
            for m in re.finditer(r"\S+", run.group())
        ]
        # a name that is also an English word ("happy singh", "rose khan") pairs with a listed one
        named = [lexicon.is_name_word(w) and not rules.is_blocked(w) for _, _, w in words]
        listed = [
            named[k] or (w.casefold() in lexicon.ambiguous_names and not rules.is_blocked(w))
            for k, (_, _, w) in enumerate(words)
        ]
        spans = []
        i = 0
        while i < len(words):
            if not listed[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(words) and listed[j + 1]:
                j += 1
            paired = j > i and any(named[i : j + 1])
            if paired or (j == i and named[i] and lexicon.is_unambiguous_name(words[i][2])):
                first, last = i, j
                if first > 0 and self._rare_neighbour(words[first - 1][2]):
                    first -= 1
                if last + 1 < len(words) and self._rare_neighbour(words[last + 1][2]):
                    last += 1
                phrase = " ".join(w for _, _, w in words[first : last + 1])
                if not lexicon.is_known_non_person(phrase):
                    spans.append((words[first][0], words[last][1]))
            i = j + 1
        return spans

    def _rare_neighbour(self, word: str) -> bool:
        rules = self._rules
        return (
            not rules.is_blocked(word)
            and not rules.lexicon.is_place(word)
            and rules.lexicon.is_unknown_word(word)
        )

    def _person_in_run(self, run: re.Match[str]) -> tuple[int, int] | None:
        lexicon = self._rules.lexicon
        words = [
            (m.start() + run.start(), m.end() + run.start(), m.group())
            for m in re.finditer(r"\S+", run.group())
        ]
        words = self._before_other_entity(words)
        phrase = " ".join(w for _, _, w in words)
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

    def _before_other_entity(self, words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """ "Priya Sharma Axis Bank mein": a run that goes on from listed name words into a listed
        seller, brand or place is two things; the name is the part before it (one last word may be
        a surname a brand shares: "Ratan Tata")."""
        lexicon = self._rules.lexicon
        named = (k for k, (_, _, w) in enumerate(words) if lexicon.is_name_word(w.rstrip(".")))
        first_name = next(named, None)
        if first_name is None:
            return words
        for i in range(first_name + 1, len(words) - 1):
            for n in (3, 2, 1):
                phrase = " ".join(w for _, _, w in words[i : i + n])
                if i + n > len(words) or lexicon.is_name_word(phrase):
                    continue
                if lexicon.is_known_non_person(phrase):
                    return words[:i]
        return words

    def _may_extend(self, word: str) -> bool:
        return not self._rules.is_blocked(word) and not self._rules.lexicon.is_place(word.rstrip("."))

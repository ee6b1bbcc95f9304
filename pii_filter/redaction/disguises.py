"""Identifiers written to slip past filters, rewritten in the analysis copy into the form the
recognizers read.

"anil.kapoor at yahoo dot com", "deepak[at]outlook[dot]com" and "rahul.verma @ gmail.com" become
plain email addresses; "rahul @ okicici" a plain UPI id; "nine eight seven six ...", "nine876543210",
"98four50one2three45" and "nau aath saat ..." plain digits. Only the analysis copy changes: each
rewritten character maps to the original stretch it replaced (normalise.py), so what is removed from
the original is the whole value as it was typed. A candidate email is rewritten only when its last
labels are a real public suffix, so "me at shalini.b" or "at home dot now" stay as they are.
"""

from __future__ import annotations

import re

import tldextract

from pii_filter.redaction.lexicon import EVERYDAY_ZIPF, english_zipf
from pii_filter.redaction.normalise import NormalisedText

# --- emails and UPI ids --------------------------------------------------------------------------
_WORD = r"[A-Za-z0-9_%+-]{1,64}"
# "gmail . com" and "gmail .com" too: prose puts no space before a full stop
_DOT = r"(?:\s*[\[({]\s*dot\s*[\])}]\s*|\s+dot\s+|\s+\.\s*(?=\w)|\.)"
_AT = r"(?:\s*[\[({]\s*(?:at|@)\s*[\])}]\s*|\s+at(?:\s+the\s+rate(?:\s+of)?)?\s+|\s+@\s*|\s*@\s+)"
_DISGUISED_EMAIL = re.compile(
    rf"(?i)(?<![\w.@])(?P<local>{_WORD}(?:{_DOT}{_WORD}){{0,6}})(?P<at>{_AT})"
    rf"(?P<domain>{_WORD}(?:{_DOT}{_WORD}){{1,4}})(?![\w@/])"
)
# "listed at flipkart.com", "my review at instagram.com": an everyday word, the word "at" and a
# plainly written website are prose, unless the site is a mail provider's
_PLAIN_AT = re.compile(r"(?i)\s+at\s+")
_MAIL_PROVIDERS = frozenset(
    {"gmail", "googlemail", "yahoo", "ymail", "rocketmail", "outlook", "hotmail", "live", "msn", "icloud",
     "me", "rediffmail", "rediff", "aol", "proton", "protonmail", "zoho", "zohomail", "gmx", "mail",
     "yandex", "sify", "vsnl", "bsnl", "indiatimes", "tutanota", "fastmail", "hey"}
)
_DOT_ONLY = re.compile(rf"(?i){_DOT}")
# the payment apps' handles (NPCI's list of PSP handles, the common ones): "name @ okicici"
_UPI_HANDLES = (
    r"ok(?:axis|hdfcbank|icici|sbi)|ybl|ibl|axl|apl|yapl|paytm|pt(?:axis|hdfc|sbi|yes)|upi|icici|sbi|"
    r"hdfcbank|axisbank|kotak|kbl|yesbank|idfcbank|indus|aubank|fbl|federal|jio|freecharge|airtel|"
    r"axisb|waicici|wahdfcbank|waaxis|wasbi|naviaxis|superyes|jupiteraxis|fam|slice|pockets|barodampay|"
    r"unionbank|cnrb|pnb|boi|mahb|idbi|rbl|dbs|citi|hsbc|sc|timecosmos|abfspay|ikwik|mbk"
)
_UPI = re.compile(
    rf"(?i)(?<![\w.@])(?P<local>{_WORD}(?:\.{_WORD}){{0,4}})\s*@\s*(?P<handle>{_UPI_HANDLES})\b(?![.@-]\w)"
)

_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


# the endings people's mail addresses have; a disguised " dot now" or " dot live" is more often prose
_MAIL_SUFFIXES = frozenset(
    {
        *("com", "in", "net", "org", "edu", "gov", "info", "biz", "io", "me", "co", "ai", "dev", "app"),
        *("email", "mail", "co.in", "org.in", "net.in", "ac.in", "gov.in", "edu.in", "res.in", "firm.in"),
        *("gen.in", "ind.in", "co.uk", "org.uk", "ac.uk", "us", "ca", "com.au", "de", "fr", "jp", "sg", "ae"),
    }
)


def _is_email_domain(domain: str) -> bool:
    parts = _SUFFIXES(domain)
    return bool(parts.domain) and parts.suffix.casefold() in _MAIL_SUFFIXES


def _emails(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    position = 0
    while match := _DISGUISED_EMAIL.search(text, position):
        local = _DOT_ONLY.sub(".", match.group("local"))
        domain = _DOT_ONLY.sub(".", match.group("domain"))
        written = match.group()
        if written != f"{local}@{domain}" and _is_email_domain(domain) and not _prose(match):
            start, spaced = _spaced_local(text, match.start())
            found.append((start, match.end(), f"{spaced}{local}@{domain}"))
            position = match.end()
        else:
            # not an address from this start ("me at shalini.b"); try the next word
            next_word = re.search(r"[\s.\[({@]+", text[match.start() : match.end()])
            position = match.start() + (next_word.end() if next_word else len(written))
    return found


# "mera email hai daimalu basumatary 92 at gmail dot com": after an email cue, the words before a
# spelled-out address are its local part, written with spaces
_EMAIL_CUE_BEFORE = re.compile(r"(?i)\b(?:e-?mail|mail|gmail)(?:\s+(?:id|address))?\s*(?:is|hai|:|-)?\s*$")
_SPACED_LOCAL_WORDS = 3


def _spaced_local(text: str, start: int) -> tuple[int, str]:
    """Where the address starts when up to three words no one uses in English run from an email cue to
    it, and those words joined; else the match's own start and nothing."""
    begin = start
    taken: list[str] = []
    for _ in range(_SPACED_LOCAL_WORDS):
        previous = re.search(r"([A-Za-z0-9_]+)[ \t]+$", text[max(0, begin - 40) : begin])
        if not previous or english_zipf(previous.group(1).casefold()) >= EVERYDAY_ZIPF:
            break
        begin -= len(previous.group())
        taken.insert(0, previous.group(1))
        if _EMAIL_CUE_BEFORE.search(text, max(0, begin - 30), begin):
            return begin, "".join(taken)
    return start, ""


# "rahul_k at gmail", "priya @ yahoo": a mail provider's name with no ending names the address
_PROVIDER_ONLY = re.compile(
    rf"(?i)(?<![\w.@])(?P<local>{_WORD}(?:{_DOT}{_WORD}){{0,6}})(?P<at>{_AT})"
    r"(?P<domain>gmail|yahoo|ymail|rediffmail|hotmail|outlook|icloud|protonmail)(?![\w@.-])"
)


def _provider_only(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    found = []
    for match in _PROVIDER_ONLY.finditer(text):
        local = match.group("local")
        if any(s < match.end() and match.start() < e for s, e, _ in taken):
            continue
        if re.fullmatch(r"[A-Za-z]+", local) and english_zipf(local.casefold()) >= EVERYDAY_ZIPF:
            continue  # "mail me at gmail", "my account at yahoo"
        found.append((match.start(), match.end(), f"{_DOT_ONLY.sub('.', local)}@{match.group('domain')}.com"))
    return found


def _prose(match: re.Match[str]) -> bool:
    if not _PLAIN_AT.fullmatch(match.group("at")) or not re.fullmatch(r"[\w.-]+", match.group("domain")):
        return False
    provider = _SUFFIXES(match.group("domain")).domain.casefold()
    local = match.group("local")
    return provider not in _MAIL_PROVIDERS and re.fullmatch(r"[A-Za-z]+", local) is not None and (
        english_zipf(local.casefold()) >= EVERYDAY_ZIPF
    )


def _upi_ids(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    found = []
    for match in _UPI.finditer(text):
        if " " not in match.group() or any(s < match.end() and match.start() < e for s, e, _ in taken):
            continue
        found.append((match.start(), match.end(), f"{match.group('local')}@{match.group('handle')}"))
    return found


# --- numbers written in words --------------------------------------------------------------------
_DIGIT_WORDS: dict[str, str] = {
    # English
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    # Hindi and Hinglish, in Latin letters
    "shunya": "0",
    "shoonya": "0",
    "sunya": "0",
    "ek": "1",
    "do": "2",
    "teen": "3",
    "char": "4",
    "chaar": "4",
    "paanch": "5",
    "panch": "5",
    "chhe": "6",
    "chhah": "6",
    "che": "6",
    "saat": "7",
    "sat": "7",
    "aath": "8",
    "nau": "9",
    # Hindi, in Devanagari
    "शून्य": "0",
    "एक": "1",
    "दो": "2",
    "तीन": "3",
    "चार": "4",
    "पांच": "5",
    "पाँच": "5",
    "छह": "6",
    "छः": "6",
    "छे": "6",
    "सात": "7",
    "आठ": "8",
    "नौ": "9",
}
# "ninety eight forty five ...": a tens word is its first digit, and a zero unless a unit follows
_TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5", "sixty": "6",
    "seventy": "7", "eighty": "8", "ninety": "9",
}
_REPEATS = {"double": 2, "triple": 3, "dabal": 2, "dubble": 2, "tripple": 3, "डबल": 2, "ट्रिपल": 3}
_LETTER = r"[^\W\d_]"
_NUMBER_TOKEN = re.compile(
    rf"(?i)\d+|(?<!{_LETTER})(?:(?P<repeat>{'|'.join(_REPEATS)})\s+)?"
    rf"(?P<word>{'|'.join(sorted([*_DIGIT_WORDS, *_TENS], key=len, reverse=True))})(?!{_LETTER})"
)
_GAP = re.compile(r"[ ,\-.]{0,3}")
_FEWEST_DIGITS = 7  # shorter runs are counts and amounts ("one two three", "ek do")
_MOST_DIGITS = 18


def _spelled_numbers(text: str) -> list[tuple[int, int, str]]:
    """Runs of digits and digit words with at most short separators between them; a run with a
    word in it and 7 to 18 digits in all is rewritten as its digits."""
    found: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str, bool]] = []

    def close() -> None:
        digits = "".join(piece.replace("tens", "0") for _, _, piece, _ in run)
        if run and any(word for *_, word in run) and _FEWEST_DIGITS <= len(digits) <= _MOST_DIGITS:
            found.append((run[0][0], run[-1][1], digits))
        run.clear()

    for token in _NUMBER_TOKEN.finditer(text):
        word = token.group("word")
        if run:
            gap = text[run[-1][1] : token.start()]
            # "two 9876543210": a word set apart from a whole number is not one of its digits
            whole_number = (word is None and len(token.group()) >= _FEWEST_DIGITS and run[-1][3]) or (
                word is not None and not run[-1][3] and len(run[-1][2]) >= _FEWEST_DIGITS
            )
            if not _GAP.fullmatch(gap) or (gap and whole_number):
                close()
        if word is None:
            run.append((token.start(), token.end(), token.group(), False))
            continue
        folded = word.casefold()
        if run and run[-1][2].endswith("tens") and folded in _DIGIT_WORDS and _DIGIT_WORDS[folded] != "0":
            start, _, tens, _ = run.pop()  # "ninety eight": 98, not 908
            run.append((start, token.end(), tens[0] + _DIGIT_WORDS[folded], True))
            continue
        if folded in _TENS:
            run.append((token.start(), token.end(), _TENS[folded] + "tens", True))
            continue
        digit = _DIGIT_WORDS[folded]
        repeat = _REPEATS[token.group("repeat").casefold()] if token.group("repeat") else 1
        run.append((token.start(), token.end(), digit * repeat, True))
    close()
    return found


_EMAIL_HINT = re.compile(r"(?i)@|\b(?:at|dot)\b")
_NUMBER_WORD = re.compile(rf"(?i)(?<!{_LETTER})(?:{'|'.join([*_DIGIT_WORDS, *_TENS])})(?!{_LETTER})")


# the letter o between digits, typed for a zero ("98o45"), in a chunk of digits only (not a GSTIN)
_LETTER_O_CHUNK = re.compile(r"(?<![A-Za-z\d])\d+(?:[oO]\d+)+(?![A-Za-z\d])")


def undisguise(copy: NormalisedText) -> NormalisedText:
    """The analysis copy with disguised emails, spaced UPI ids and spelled-out numbers rewritten."""
    chunks = list(_LETTER_O_CHUNK.finditer(copy.text))
    if chunks:
        copy = copy.rewrite([(m.start(), m.end(), re.sub("[oO]", "0", m.group())) for m in chunks])
    text = copy.text
    emails = _emails(text) if _EMAIL_HINT.search(text) else []
    emails += _provider_only(text, emails) if _EMAIL_HINT.search(text) else []
    replacements = emails + (_upi_ids(text, emails) if emails or "@" in text else [])
    spelled = _spelled_numbers(text) if _NUMBER_WORD.search(text) else []
    numbers = [n for n in spelled if not any(s < n[1] and n[0] < e for s, e, _ in replacements)]
    replacements = sorted(replacements + numbers)
    return copy.rewrite(replacements) if replacements else copy

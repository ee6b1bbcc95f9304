"""Social media handles: "@neha_k_21", "neha_k_21 on Instagram", "my insta is rohit.fitness.99".

A handle names one person as surely as an email address does. An "@" before a word is a handle
anywhere (an email address has a word right before its "@"); a bare word is one only next to a
platform's name, and then it must look like a handle (a digit, "_" or "." inside) unless the text
says outright that it is one ("my insta is ...", "fb: ...").
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from pii_filter.redaction.local_recognizer import OwnRecognizer

_AT_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@]|\.\w)")
_PLATFORM = (
    r"insta(?:gram)?|ig|fb|facebook|twitter|youtube|yt|telegram|snapchat|snap|linkedin|threads|"
    r"reddit|sharechat|moj|koo|pinterest|tiktok|discord|x\s+handle"
)
_HANDLE = r"@?[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_])"
_AFTER_PLATFORM = re.compile(
    rf"(?i)\b(?:{_PLATFORM})\b(?:\s+(?:handle|id|account|page|channel|username|user\s*name|profile))?"
    rf"(?P<link>\s+is|\s*[:=-])?\s*(?:\s(?:@\s*)?|(?<=[:=-]))(?P<handle>{_HANDLE})(?![\w@])"
)
_BEFORE_PLATFORM = re.compile(rf"(?i)(?<![\w.@])(?P<handle>{_HANDLE})\s+(?:on|at|in|@)\s+(?:{_PLATFORM})\b")
_HANDLE_MARK = re.compile(r"[\d_.]|^@")


class SocialHandleRecognizer(OwnRecognizer):
    """Handles on social platforms, as SOCIAL_HANDLE."""

    ENTITIES = ("SOCIAL_HANDLE",)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "SOCIAL_HANDLE" not in entities:
            return []
        spans = [(m.start(), m.end()) for m in _AT_HANDLE.finditer(text)]
        for match in _AFTER_PLATFORM.finditer(text):
            handle = match.group("handle")
            if _HANDLE_MARK.search(handle) or (match.group("link") and handle.casefold() not in STOP_WORDS):
                spans.append(match.span("handle"))
        for match in _BEFORE_PLATFORM.finditer(text):
            if _HANDLE_MARK.search(match.group("handle")):
                spans.append(match.span("handle"))
        return [RecognizerResult("SOCIAL_HANDLE", start, end, 0.8) for start, end in sorted(set(spans))]

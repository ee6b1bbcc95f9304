"""Social media handles: "@neha_k_21", "neha_k_21 on Instagram", "my insta is rohit.fitness.99",
profile links ("instagram.com/neha_k_21").

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
    rf"(?P<link>\s+is|\s*[:=-])?\s*(?:\s(?:@\s*)?|(?<=[:=-]))(?P<handle>{_HANDLE})(?![\w@/])"
)
_BEFORE_PLATFORM = re.compile(rf"(?i)(?<![\w.@])(?P<handle>{_HANDLE})\s+(?:on|at|in|@)\s+(?:{_PLATFORM})\b")
_HANDLE_MARK = re.compile(r"[\d_.]|^@")
# a profile link: the path names the person ("instagram.com/priya.bakes", "linkedin.com/in/ananya-iyer-2b",
# "youtube.com/@CookWithMeena", "t.me/deals_by_vicky"); a post's or a video's id names nobody
_PROFILE_SITE = (
    r"instagram\.com|facebook\.com|fb\.com|fb\.me|twitter\.com|x\.com|youtube\.com|linkedin\.com/in|"
    r"t\.me|threads\.net|snapchat\.com/add|pinterest\.com|sharechat\.com|tiktok\.com|github\.com|"
    r"medium\.com|wa\.me|telegram\.me|quora\.com/profile"
)
_PROFILE_URL = re.compile(
    rf"(?i)(?<![\w.-])(?:https?://)?(?:www\.|m\.|in\.|mobile\.)?(?:{_PROFILE_SITE})/"
    r"(?:(?:c|user|channel|profile|u|add)/)?(?P<handle>@?[A-Za-z0-9_][A-Za-z0-9_.-]{0,60}[A-Za-z0-9_])"
)
_NOT_A_PROFILE = frozenset(
    {"p", "reel", "reels", "watch", "shorts", "stories", "status", "groups", "pages", "share", "hashtag",
     "explore", "events", "marketplace", "playlist", "results", "search", "login", "home", "help"}
)


class SocialHandleRecognizer(OwnRecognizer):
    """Handles on social platforms, as SOCIAL_HANDLE."""

    ENTITIES = ("SOCIAL_HANDLE",)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "SOCIAL_HANDLE" not in entities:
            return []
        spans = [(m.start(), m.end()) for m in _AT_HANDLE.finditer(text)]
        for match in _PROFILE_URL.finditer(text):
            if match.group("handle").lstrip("@").casefold() not in _NOT_A_PROFILE:
                spans.append(match.span("handle"))
        for match in _AFTER_PLATFORM.finditer(text):
            handle = match.group("handle")
            if _HANDLE_MARK.search(handle) or (match.group("link") and handle.casefold() not in STOP_WORDS):
                spans.append(match.span("handle"))
        for match in _BEFORE_PLATFORM.finditer(text):
            if _HANDLE_MARK.search(match.group("handle")):
                spans.append(match.span("handle"))
        return [RecognizerResult("SOCIAL_HANDLE", start, end, 0.8) for start, end in sorted(set(spans))]

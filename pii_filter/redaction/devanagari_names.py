"""Names written in Devanagari (Hindi, Marathi): "मेरा नाम सुनीता देवी है", "मेरे पति राजेश कुमार का".

spaCy's English model sees nothing in Devanagari, and the script has no capital letters, so names come
from Hindi cues and a lexicon of names: after "नाम" or an honorific (श्री, श्रीमती, डॉ.) the words up to
a postposition or punctuation; after a relation (पति, बेटी) the same when a postposition ends them
("अनन्या की", not "बहुत बीमार हैं"); after "मैं" only when a listed name is among them; and anywhere,
listed names (one that is also an everyday word, "आशा", only beside another).
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from pii_filter.redaction.lexicon import Lexicon, load_lexicon
from pii_filter.redaction.local_recognizer import OwnRecognizer

# letters, vowel signs and nukta of the Devanagari block, without the dandas (।॥) and digits
_LETTERS = "\u0900-\u0963\u0971-\u097f"
_WORD = re.compile(rf"[{_LETTERS}]+\.?")
_HAS_DEVANAGARI = re.compile(rf"[{_LETTERS}]")
_NAME_CUE = r"नाम"
_HONORIFIC = r"श्री|श्रीमती|श्रीमान|सुश्री|कुमारी|डॉ|डॉक्टर|डा|स्व|स्वर्गीय|मोहम्मद|मो|सेठ|पंडित"
_RELATION = (
    r"पति|पत्नी|बेटा|बेटे|बेटी|पुत्र|पुत्री|पिता|पिताजी|पापा|माँ|मां|माता|माताजी|मम्मी|भाई|भैया|बहन|"
    r"दीदी|दादा|दादी|नाना|नानी|चाचा|चाची|मामा|मामी|दोस्त|मित्र|पड़ोसी|पोता|पोती|ससुर|सास|देवर|जीजा"
)
_SELF = r"मैं|मै"
_CUE = re.compile(
    rf"(?<![{_LETTERS}])(?:(?P<name>{_NAME_CUE})|(?P<honorific>{_HONORIFIC})|(?P<relation>{_RELATION})|"
    rf"(?P<self>{_SELF}))(?![{_LETTERS}])\.?\s*[:\-]?\s*"
)
# what may follow a relation's name: a postposition or punctuation ("अनन्या की", "रोहन का", "सुरेश,")
_AFTER_RELATIVE = re.compile(rf"\s*(?:[,।;:!?]|(?:का|की|के|को|ने|से|जी)(?![{_LETTERS}])|$)")
MAX_WORDS = 3
# above spaCy's 0.85: Presidio drops a span inside a longer one of the same type and a higher score,
# and spaCy's English model reads Devanagari as one long PERSON ("रोहन का फोन")
CUE_SCORE = 0.9


class DevanagariNameRecognizer(OwnRecognizer):
    """People's names in Devanagari, from Hindi cues and the name lexicon."""

    ENTITIES = ("PERSON",)

    def load(self) -> None:
        self._lexicon: Lexicon = load_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PERSON" not in entities or not _HAS_DEVANAGARI.search(text):
            return []
        spans = []
        for cue in _CUE.finditer(text):
            words = self._words_after(text, cue.end())
            if not words:
                continue
            start, end = words[0][0], words[-1][1]
            listed = any(self._is_listed(w) for _, _, w in words)
            if cue.group("self") and not listed:
                continue  # "मैं बहुत परेशान हूँ": I am, not a name
            if cue.group("relation") and not (listed or _AFTER_RELATIVE.match(text, end)):
                continue
            spans.append((start, end))
        spans += self._listed_runs(text)
        return [RecognizerResult("PERSON", s, e, CUE_SCORE) for s, e in sorted(set(spans))]

    def _is_listed(self, word: str) -> bool:
        return word.rstrip(".") in self._lexicon.devanagari_names

    def _is_stop(self, word: str) -> bool:
        bare = word.rstrip(".")
        return (
            bare in self._lexicon.devanagari_stop_words
            or self._lexicon.is_place(bare)
            or re.fullmatch(rf"(?:{_HONORIFIC}|{_RELATION}|{_NAME_CUE}|{_SELF})", bare) is not None
        )

    def _words_after(self, text: str, position: int) -> list[tuple[int, int, str]]:
        """Up to three Devanagari words from position, separated by single spaces, before a stop
        word, a place or punctuation."""
        words: list[tuple[int, int, str]] = []
        while len(words) < MAX_WORDS:
            match = _WORD.match(text, position)
            if not match or self._is_stop(match.group()):
                break
            word = match.group()
            words.append((match.start(), match.start() + len(word.rstrip(".")), word))
            if word.endswith(".") or not text.startswith(" ", match.end()):
                break
            position = match.end() + 1
        return words

    def _listed_runs(self, text: str) -> list[tuple[int, int]]:
        """Consecutive listed names anywhere; a single one only if it is not an everyday word."""
        spans = []
        run: list[tuple[int, int, str]] = []
        for match in [*_WORD.finditer(text), None]:
            if match is not None and self._is_listed(match.group()) and not self._is_stop(match.group()):
                if run and text[run[-1][1] : match.start()] != " ":
                    spans += self._run_span(run)
                    run = []
                bare = match.group().rstrip(".")
                run.append((match.start(), match.start() + len(bare), bare))
                continue
            spans += self._run_span(run)
            run = []
        return spans

    def _run_span(self, run: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
        if not run:
            return []
        if len(run) == 1 and run[0][2] in self._lexicon.devanagari_ambiguous:
            return []
        return [(run[0][0], run[-1][1])]

"""An answer with no LLM: quote the passage sentences that best match the question, each with its [n] marker.

It never writes a fact of its own: every line of law in the answer is a verbatim sentence from a retrieved
passage. Sentences that talk to an assistant (prompt injection) or copy the system prompt are never quoted.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from common.messages import GroundedPrompt, Passage
from llm_connector.guard import echoes, looks_like_instruction
from llm_connector.provider import Completion
from llm_connector.replies import DISCLAIMER, NO_CONTEXT_ANSWER

MAX_SENTENCE_CHARS = 400
MIN_SENTENCE_CHARS = 25
PER_PASSAGE = 2
RELATIVE_CUTOFF = 0.4

_ABBREVIATION_WORDS = """rs no nos sec secs s ss cl art e.g i.e viz etc govt dr mr mrs ms ltd pvt co vs v u/s
w.e.f approx fig ch para sub"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'“(\[]?[A-Z0-9])")
_STOPWORD_TEXT = """a an and are as at be been being but by can could did do does for from had has have how
i if in into is it its me my of on or our shall should so than that the their them then there these they
this to under up us was we were what when where which who whom why will with would you your any all also
may might must not no nor only own same such too very just about against between both each few more most
other some"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_MARKER_LIKE = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class _Sentence:
    number: int  # 1-based passage number
    position: int
    text: str
    stems: frozenset[str]


def stem(word: str) -> str:
    """Crude suffix stripping so 'refunds', 'refunded' and 'refund' match; good enough for ranking."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:6]


def stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOPWORDS)


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; PDF line breaks are joined, blank lines and list items end a sentence."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-•*]|\(?[a-z0-9]{1,3}\)|\d+\.)\s)", text):
        flat = " ".join(block.split())
        pieces = _BOUNDARY.split(flat) if flat else []
        merged: list[str] = []
        for piece in pieces:
            last_word = merged[-1].rsplit(" ", 1)[-1].rstrip(".").lower() if merged else ""
            if merged and last_word.lstrip("(") in _ABBREVIATIONS:
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        sentences.extend(s.strip() for s in merged if s.strip())
    return sentences


def _quotable(sentence: str, system_prompt: str, *, may_instruct: bool = True) -> str | None:
    """The sentence as it may be quoted, or None when it is too short, hostile or copies the system prompt.

    `may_instruct=False` says the sentence's passage as a whole has nothing that looks like an instruction.
    """
    if len(sentence) < MIN_SENTENCE_CHARS or not re.search(r"[A-Za-z]{3}", sentence):
        return None
    if (may_instruct and looks_like_instruction(sentence)) or (
        system_prompt and echoes(sentence, system_prompt)
    ):
        return None
    sentence = _MARKER_LIKE.sub(r"(\1)", sentence)  # a footnote "[3]" must not read as our citation
    if len(sentence) > MAX_SENTENCE_CHARS:
        sentence = sentence[:MAX_SENTENCE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"
    return sentence


def candidate_sentences(passages: Sequence[Passage], system_prompt: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    for number, passage in enumerate(passages, start=1):
        sentences = split_sentences(passage.text)
        # One search over the passage's sentences, each on its own line, finds whatever a search of any
        # one sentence would (a line break stands for the start and end of each): most passages need no
        # search per sentence (that was a sixth of llm_connector's CPU under load).
        may_instruct = looks_like_instruction("\n".join(sentences))
        for position, raw in enumerate(sentences):
            text = _quotable(raw, system_prompt, may_instruct=may_instruct)
            if text is not None:
                out.append(_Sentence(number, position, text, stems(text)))
    return out


def _score(sentence: _Sentence, question: frozenset[str], idf: dict[str, float]) -> float:
    overlap = sum(idf[s] for s in sentence.stems & question)
    if not overlap:
        return 0.0
    return overlap / max(len(sentence.stems), 1) ** 0.3 + 0.05 / sentence.number


def select_sentences(
    candidates: Sequence[_Sentence], question: str, *, max_sentences: int
) -> tuple[list[_Sentence], bool]:
    """Up to max sentences by question overlap (two per passage at most, no duplicates), in reading order.

    A second sentence that does not match the question is added only from a passage already quoted (its
    context); when nothing matches at all, the top passage's opening sentences are quoted, since retrieval
    judged it relevant. The flag says whether any sentence matched the question's words.
    """
    terms = stems(question)
    df = Counter(s for c in candidates for s in c.stems & terms)
    idf = {s: math.log(1 + len(candidates) / df[s]) for s in df}
    scored = [(c, _score(c, terms, idf)) for c in candidates]
    matching = sorted((x for x in scored if x[1] > 0), key=lambda x: (-x[1], x[0].number, x[0].position))
    best = matching[0][1] if matching else 0.0
    chosen: list[_Sentence] = []
    per_passage: Counter[int] = Counter()

    def take(candidate: _Sentence) -> None:
        if per_passage[candidate.number] < PER_PASSAGE and not any(_similar(candidate, c) for c in chosen):
            chosen.append(candidate)
            per_passage[candidate.number] += 1

    for candidate, score in matching:
        if len(chosen) >= max_sentences or (len(chosen) >= 2 and score < RELATIVE_CUTOFF * best):
            break
        take(candidate)
    if len(chosen) < 2:
        quoted = set(per_passage)
        for candidate, score in sorted(scored, key=lambda x: (x[0].number, x[0].position)):
            if len(chosen) >= 2:
                break
            if score == 0 and (candidate.number in quoted or not quoted):
                take(candidate)
    return sorted(chosen, key=lambda c: (c.number, c.position)), bool(matching)


def _similar(a: _Sentence, b: _Sentence) -> bool:
    union = a.stems | b.stems
    return bool(union) and len(a.stems & b.stems) / len(union) > 0.8


def source_label(passage: Passage) -> str:
    """'Consumer Protection Act, 2019, Section 35 (Manner of complaint), p. 22' or the guide's name."""
    parts = [passage.act] if passage.act else []
    if passage.section:
        section = passage.section
        parts.append(
            section if section.lower().startswith(("section", "rule", "regulation")) else f"Section {section}"
        )
    label = ", ".join(parts)
    if passage.title:
        label = f"{label} ({passage.title})" if label else passage.title
    if not label:
        label = passage.source
    return f"{label}, p. {passage.page}" if passage.page else label


def _introduction(passages: Sequence[Passage], *, matched: bool) -> str:
    acts = list(dict.fromkeys(p.act for p in passages if p.act))
    guides = any(not p.act for p in passages)
    named = [f"the {a}" if not a.lower().startswith("the ") else a for a in acts]
    if guides:
        named.append("our guides")
    joined = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    if not matched:  # retrieval found it related, but no sentence shares a word with the question
        return f"I found no sentence that answers this directly. The closest passages in {joined} say:"
    return f"Based on {joined}:"


class ExtractiveProvider:
    """Quotes the best-matching passage sentences; useful with no cloud account and never invents facts."""

    name = "extractive"
    model = "extractive"

    def __init__(self, *, max_sentences: int = 4) -> None:
        self.max_sentences = max_sentences

    def complete(self, prompt: GroundedPrompt) -> Completion:
        passages = prompt.passages
        candidates = candidate_sentences(passages, prompt.system_prompt)
        chosen, matched = select_sentences(
            candidates, prompt.query.redacted_question, max_sentences=self.max_sentences
        )
        if not chosen:  # every sentence was too short or hostile: say so rather than quote nothing
            return Completion(text=NO_CONTEXT_ANSWER, answered=False)
        numbers = list(dict.fromkeys(c.number for c in chosen))
        cited = [passages[n - 1] for n in numbers]
        lines = [_introduction(cited, matched=matched), ""]
        lines += [f'- "{c.text}" [{c.number}]' for c in chosen]
        lines += [
            "",
            "For the full text, see "
            + "; ".join(f"[{n}] {source_label(passages[n - 1])}" for n in numbers)
            + ".",
            DISCLAIMER,
        ]
        return Completion(text="\n".join(lines), answered=True)

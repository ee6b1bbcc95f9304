"""Prompt-injection hygiene: spot text that talks to the assistant, and answers echoing the system prompt."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence, Set

_INSTRUCTION_PATTERNS = [
    r"\b(ignore|disregard|forget|override|bypass)\b[^.]{0,40}\b(instructions?|prompts?|rules?|directions?|guidelines?)\b",
    r"\bsystem\s*prompts?\b",
    r"\bsystem\s+(message|instructions?)\b",
    r"(^|[\s>\"'(])(system|assistant|developer|admin|administrator)\s*:",
    r"\b(reveal|print|repeat|show|output|disclose|leak)\b[^.]{0,40}\b(prompt|instructions|hidden|secret|confidential)\b",
    r"\byou\s+are\s+now\b",
    r"\b(as\s+an|you\s+are\s+an?|act\s+as\s+an?)\s+"
    r"(ai|artificial intelligence|language model|llm|assistant|chatbot|bot)\b",
    r"\b(pretend|roleplay|role-play)\b",
    r"\b(jailbreak|developer\s+mode|dan\s+mode|do\s+anything\s+now)\b",
    r"\bnew\s+instructions?\b",
    r"\binstructions?\s+(above|below|before)\b",
    r"<\s*/?\s*(passages?|question|system|instructions?|s|im_start|im_end)\b",
    r"<\|",
    r"\[/?inst\]",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _INSTRUCTION_PATTERNS), re.IGNORECASE)

SHINGLE = 6
LEAK_SHARE = 0.4
# the gateway's placeholders, <PERSON_1>, <PHONE_2> (pii_filter/redaction/placeholders.py), as a model
# may space them
PLACEHOLDER = re.compile(r"<\s*[A-Z][A-Z_]*_\d+\s*>")


def looks_like_instruction(text: str) -> bool:
    """True when the text addresses an AI assistant instead of stating law (injection, role play, markup)."""
    return bool(_INSTRUCTION.search(text))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _covered(text_words: Sequence[str], reference: Set[tuple[str, ...]]) -> set[int]:
    """Positions of `text_words` inside a run of SHINGLE words that also occurs in the reference."""
    covered: set[int] = set()
    for i in range(len(text_words) - SHINGLE + 1):
        if tuple(text_words[i : i + SHINGLE]) in reference:
            covered.update(range(i, i + SHINGLE))
    return covered


@functools.lru_cache(maxsize=16)
def _reference_shingles(reference: str) -> frozenset[tuple[str, ...]]:
    """The reference's shingles, computed once: the extractive answer checks every candidate sentence
    against the same system prompt (recomputing them dominated llm_connector's CPU under load: see
    docs/benchmarks.md)."""
    return frozenset(_shingles(_words(reference)))


def echoes(text: str, reference: str, *, share: float = 0.5) -> bool:
    """True when at least `share` of the text's words are copied from `reference` in runs of 6+ words."""
    words = _words(text)
    if len(words) < SHINGLE:
        return False
    return len(_covered(words, _reference_shingles(reference))) >= share * len(words)


def leaks_system_prompt(answer: str, system_prompt: str) -> bool:
    """True when an answer reproduces the system prompt.

    Two signals: a large share of the system prompt copied verbatim, or any verbatim run from one of its
    lines about instructions (those rules have no place in an answer; its facts, such as the 2021
    pecuniary limits or the helpline numbers, may legitimately be repeated).
    """
    if not system_prompt.strip():
        return False
    prompt_words, instruction_shingles = _prompt_profile(system_prompt)
    answer_shingles = _shingles(_words(answer))
    copied = _covered(prompt_words, answer_shingles)
    if prompt_words and len(copied) >= LEAK_SHARE * len(prompt_words):
        return True
    return not instruction_shingles.isdisjoint(answer_shingles)


@functools.lru_cache(maxsize=16)
def _prompt_profile(system_prompt: str) -> tuple[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """The system prompt's words, and the shingles of its lines about instructions: the same for every
    answer, so computed once (they were a tenth of llm_connector's CPU under load)."""
    instruction_shingles: set[tuple[str, ...]] = set()
    for line in system_prompt.splitlines():
        if re.search(r"\binstructions?\b", line, re.IGNORECASE):
            instruction_shingles |= _shingles(_words(line))
    return tuple(_words(system_prompt)), frozenset(instruction_shingles)

"""Passage text -> quotable sentences: PDF line breaks joined, Markdown marks gone, table rows readable.

Guides are Markdown: a table arrives as one line of `|` cells, emphasis as `**` marks, list items with
their bullets. Quoted as they are, they read as noise ("| District Commission | up to **Rs 50 lakh** |");
here each table row becomes one sentence ("District Commission — Value paid: up to Rs 50 lakh."), marks go,
and the words stay exactly the passage's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ABBREVIATION_WORDS = """rs no nos sec secs s ss cl art e.g i.e viz etc govt dr mr mrs ms ltd pvt co vs v u/s
w.e.f approx fig ch para sub"""
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'“(\[]?[A-Z0-9])")
_BLOCKS = re.compile(r"(\n\s*\n|\n(?=\s*(?:[-•*]|\(?[a-z0-9]{1,4}\)|\d+\.)\s))")
_TABLE_RULE = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_LEAD_MARK = re.compile(r"^(?:#{1,6}\s+|[-•*+]\s+|\d{1,2}[.)]\s+)")


def plain(text: str) -> str:
    """Markdown emphasis, code marks, links and leading bullets or heading marks removed; words kept."""
    text = _LINK.sub(r"\1 (\2)", text)
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    text = text.replace("`", "")
    return _LEAD_MARK.sub("", text.strip())


def table_sentences(block: str) -> list[str] | None:
    """The rows of a Markdown table (header, rule, rows, all on one line or several) as sentences;
    None when the block is no table. A fragment without its header row yields nothing."""
    if block.count("|") < 4:
        return None
    rule = _TABLE_RULE.search(block)
    if rule is None:
        return [] if re.match(r"\s*\|", block) else None
    columns = rule.group(0).count("|") - 1
    before, after = block[: rule.start()].rstrip(), block[rule.end() :]
    parts = before.rstrip("|").split("|")  # prose before the table, then the header cells
    header = [plain(c) for c in parts[-columns:]]
    if columns < 2 or len(parts) < columns + 1:
        return []
    lead = "|".join(parts[:-columns]).strip()
    cells = [plain(c) for c in after.split("|") if c.strip()]
    rows = [cells[i : i + columns] for i in range(0, len(cells) - columns + 1, columns)]
    sentences = _prose(lead) if lead else []
    for row in rows:
        details = "; ".join(f"{name}: {value}" for name, value in zip(header[1:], row[1:], strict=True))
        sentences.append(f"{row[0]} — {details}.")
    return sentences


_LIST_ITEM = re.compile(r"^\s*(?:[-•*+]|\(?[a-z0-9]{1,4}\)|\d{1,2}[.)])\s")
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv")


def follows(label: str, previous: str) -> bool:
    """Whether list label `label` comes right after `previous`: (c) after (b), (iii) after (ii), 3 after 2."""
    now, before = (re.sub(r"[\s().]", "", x) for x in (label, previous))
    if not now or not before:
        return False
    if now in _ROMAN and before in _ROMAN and _ROMAN.index(now) == _ROMAN.index(before) + 1:
        return True
    if now.isdigit() and before.isdigit():
        return int(now) == int(before) + 1
    return len(now) == len(before) == 1 and now.isalpha() and ord(now) == ord(before) + 1


_LEADS_IN = re.compile(r"(?:[:—–]|-{1,2})\s*$")


# a definition clause of section 2: (11) “deficiency” means ...
_DEFINITION = re.compile(r"\(\d+[A-Z]?\)\s*[“\"'][^”\"']{2,60}[”\"']\s+(?:means|includes)\b")
LEAD_IN_CHARS = 300  # a longer lead-in is quoted on its own and its items carry it abridged
_HEAD_CHARS, _TAIL_CHARS = 120, 50


def abridged(lead_in: str) -> str:
    """A long lead-in's opening words and its last words, "…" between: what a definition's item needs to
    read whole ("(11) “deficiency” means any fault, ... … in relation to any service and includes—"),
    where the whole lead-in and the item would be too long to quote."""
    words = lead_in.split()
    head: list[str] = []
    while words and len(" ".join([*head, words[0]])) <= _HEAD_CHARS:
        head.append(words.pop(0))
    tail: list[str] = []
    while words and len(" ".join([words[-1], *tail])) <= _TAIL_CHARS:
        tail.insert(0, words.pop())
    return " ".join([*head, "…", *tail]) if words else lead_in


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; PDF line breaks are joined, blank lines and list items end a sentence.

    A list item after a lead-in ("... can be punished with:", "... if such act—") carries the lead-in, so
    it reads whole on its own; the bare lead-in is not a sentence of its own. Lead-ins nest: clause (b)
    after the sub-clauses of "(a) the consumer,—" carries the lead-in before (a), not (a) itself.
    """
    return [sentence for _, sentence in paragraph_sentences(text)]


def paragraph_sentences(
    text: str, *, whole_lists: int = 0, apart: Callable[[str], bool] = lambda item: False
) -> list[tuple[int, str]]:
    """split_sentences with the number of the paragraph (or list item, or table) each sentence is in.

    With `whole_lists`, a lead-in and its items, one sentence each, that together fit in that many
    characters are one sentence ("It shall be the duty of the mediator to disclose— (a) ...; (b) ...;
    and (c) ...") unless an item is `apart` (its own words answer on their own): when only the lead-in
    answers, each item alone would tie with the others and the shortest would be quoted for them all.
    """
    sentences: list[tuple[int, str]] = []
    lists: list[tuple[tuple[str, str], list[int]]] = []  # a lead-in, the indexes of its items' sentences
    lead_ins: list[tuple[str, str]] = []  # (label of the item that opened it, its text), outermost first
    label = ""  # the last list item's label, "(b)"
    parts = _BLOCKS.split("\n\n" + text)
    for paragraph, (separator, block) in enumerate(zip(parts[1::2], parts[2::2], strict=True)):
        item = _LIST_ITEM.match(block)
        # a blank line ends a list and its lead-in, unless the next item continues it (a page break
        # between clauses (b) and (c) of the Act)
        if separator.count("\n") > 1 and not (item and follows(item.group(0), label)):
            lead_ins = []
        label = item.group(0) if item else ""
        flat = " ".join(block.split())
        rows = table_sentences(flat)
        if rows is not None:
            sentences.extend((paragraph, row) for row in rows)
            lead_ins = []
            continue
        prose = _prose(flat)
        if not item:
            lead_ins = []
        while lead_ins and follows(label, lead_ins[-1][0]):  # a sibling of the item that opened it
            lead_ins.pop()
        if lead_ins and prose:
            if len(lead_ins) == 1 and len(prose) == 1:
                if not lists or lists[-1][0] is not lead_ins[-1]:
                    lists.append((lead_ins[-1], []))
                lists[-1][1].append(len(sentences))
            else:
                lists.append((("", ""), []))  # a nested or many-sentence item: its list is not joined
            prose[0] = f"{lead_ins[-1][1]} {prose[0]}"
        if prose and _LEADS_IN.search(prose[-1]) and len(prose[-1]) <= LEAD_IN_CHARS:
            lead_ins.append((label, prose.pop()))
        elif prose and _LEADS_IN.search(prose[-1]) and _DEFINITION.match(prose[-1]):
            lead_ins.append((label, abridged(prose[-1])))  # stays whole too; its items carry its ends
        sentences.extend((paragraph, sentence) for sentence in prose)
    return _joined(sentences, lists, whole_lists, apart) if whole_lists else sentences


def _joined(
    sentences: list[tuple[int, str]],
    lists: list[tuple[tuple[str, str], list[int]]],
    limit: int,
    apart: Callable[[str], bool],
) -> list[tuple[int, str]]:
    """The sentences with each short list's items (lead-in, then every item) made one sentence."""
    out = list(sentences)
    for (_, lead), items in reversed(lists):
        if not lead or len(items) < 2 or items != list(range(items[0], items[-1] + 1)):
            continue
        own = [sentences[i][1][len(lead) + 1 :] for i in items]
        whole = f"{lead} {' '.join(own)}"
        if len(whole) <= limit and sum(map(apart, own)) != 1:
            out[items[0] : items[-1] + 1] = [(sentences[items[0]][0], whole)]
    return out


def _prose(flat: str) -> list[str]:
    flat = plain(flat)
    pieces = _BOUNDARY.split(flat) if flat else []
    merged: list[str] = []
    for piece in pieces:
        last = merged[-1].rsplit(" ", 1)[-1] if merged else ""
        initial = bool(re.fullmatch(r"\(?(?:[A-Z]\.)+", last))  # "V.P. Shantha", "A. K. Sharma"
        if merged and (initial or last.rstrip(".").lower().lstrip("(") in ABBREVIATIONS):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return [s.strip() for s in merged if s.strip()]

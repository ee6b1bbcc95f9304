"""Which guide a word is a sector's word of, learned from knowledge/, so a story's step can be told apart.

A guide about a kind of goods or service cites the Act's definitions of the wrongs, section 2(10) (defect)
or 2(11) (deficiency), in its front matter; a word at least half of whose uses in knowledge/ are in one such
guide, and that at most a third of the guides use, is that guide's sector word ("boarding", "doctor",
"builder", "dealer"). The table is built from knowledge/ by `python -m llm_connector.sector_words` into
sector_words.json (the llm-connector image ships no knowledge/; tests check the table is current).
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from pathlib import Path

TABLE = Path(__file__).with_name("sector_words.json")
KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
MIN_USES = 3  # a word the guides use once or twice is no sign of anything
MIN_SHARE = 0.5  # of its uses, in its one guide
MAX_GUIDES = 1 / 3  # of all guides using it at all
_WRONGS = re.compile(r'"2\(1[01]\)"')  # a defect, a deficiency: the guide is about goods or a service


def _front_matter(text: str) -> tuple[str, str]:
    if text.startswith("---"):
        _, head, body = text.split("---", 2)
        return head, body
    return "", text


def build(knowledge: Path = KNOWLEDGE) -> dict[str, str]:
    """Each sector word's stem with the guide (file stem) it belongs to."""
    from llm_connector.extractive import stem, word_list  # the same stems the answer compares

    counts: dict[str, Counter[str]] = {}
    sector_guides = set()
    for path in sorted(knowledge.glob("*.md")):
        if path.name == "README.md":
            continue
        head, body = _front_matter(path.read_text(encoding="utf-8"))
        counts[path.stem] = Counter(stem(w) for w in word_list(body) if not w.isdigit())
        if _WRONGS.search(head):
            sector_guides.add(path.stem)
    uses: Counter[str] = Counter()
    guides: Counter[str] = Counter()
    for counted in counts.values():
        uses.update(counted)
        guides.update(set(counted))
    table = {}
    for word, n in uses.items():
        if n < MIN_USES or len(word) < 3 or guides[word] > MAX_GUIDES * len(counts):
            continue
        home, most = max(((g, c[word]) for g, c in counts.items()), key=lambda pair: (pair[1], pair[0]))
        if most >= MIN_SHARE * n and home in sector_guides:
            table[word] = home
    return dict(sorted(table.items()))


@functools.cache
def table() -> dict[str, str]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def homes(words: frozenset[str]) -> dict[str, str]:
    """The sector words among these stems, each with its guide."""
    known = table()
    return {w: known[w] for w in words if w in known}


def main() -> None:
    TABLE.write_text(json.dumps(build(), indent=0, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""A statute chunk's clauses, embedded on their own as well as with the chunk (small-to-big retrieval).

A definition or sub-section packs several clauses into one chunk, and one vector for all of them is
dominated by the longest: "consumer" 2(7)(i) is mostly about deferred payment, so a story about power
banks bought to resell does not reach it, although one of its sentences ("does not include a person who
obtains such goods for resale") says exactly that. Each clause (a sub-clause, proviso or Explanation; a
long one split at its sentences) gets a vector of its own; a match on a clause ranks its chunk, and the
chunk is still what fills the slot. docs/benchmarks.md measures it.
"""

from __future__ import annotations

import re

# a long clause is split after ";", ":" or "." and before ", but" (the exclusion a definition ends with)
_SENTENCE = re.compile(r"(?<=[;:.])\s+(?=\S)|,\s+(?=but\s)")
LONG_CHARS = 250
SHORT_CHARS = 40  # a shorter piece ("(m) and", "namely:—") joins the one before it


def clause_pieces(text: str, *, section: str, title: str) -> list[str]:
    """The chunk's clauses in reading order, each under a short heading ("Section 2(7): Definitions: ...")."""
    pieces: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        for part in [line] if len(line) <= LONG_CHARS else _SENTENCE.split(line):
            if pieces and len(part) < SHORT_CHARS:
                pieces[-1] += " " + part
            else:
                pieces.append(part)
    heading = f"Section {section}: {title}" if section else title
    return [f"{heading}\n{piece}" if heading else piece for piece in pieces]

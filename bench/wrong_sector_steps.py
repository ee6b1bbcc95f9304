"""`python -m bench.wrong_sector_steps SHOW.txt ...`: count next steps tied to a sector the story is not in.

Reads the output of `python -m bench.answers_keyfacts --show`. A step counts as wrong-sector when it names
one or more sectors by the words below (a boarding pass, a doctor, a warranty card, ...) and the story
shares none of them. The word lists are a fixed measuring stick written by hand for the check (2026-12-06,
before the extractive code was read), not used by the assistant; the helpline line that ends every story
answer is left out.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# sector: (words that tie a step to it, words by which a story shares it)
SECTORS: dict[str, tuple[list[str], list[str]]] = {
    "air": (
        ["boarding pass", "flight", "airline", "pnr", "dgca", "baggage", "air sewa"],
        ["flight", "airline", "air", "indigo", "boarding", "baggage", "luggage", "airport"],
    ),
    "medical": (
        ["doctor", "hospital", "medical treatment", "medical records", "treatment", "patient", "surgery"],
        ["doctor", "hospital", "medical", "treatment", "patient", "surgery", "operation", "clinic"],
    ),
    "insurance": (["insurer", "insurance", "irdai", "bima"], ["insurer", "insurance", "policy", "claim"]),
    "builder": (
        ["builder", "possession", "rera", "allottee", "flat"],
        ["builder", "flat", "possession", "apartment", "bhk"],
    ),
    "bank": (
        ["bank", "rbi", "atm", "debit card", "credit card"],
        ["bank", "atm", "card", "upi", "loan", "emi", "account"],
    ),
    "telecom": (
        ["telecom", "trai", "porting", "sim"],
        ["telecom", "mobile", "sim", "broadband", "recharge", "jio", "airtel", "internet", "wifi"],
    ),
    "electricity": (["electricity", "meter", "discom"], ["electricity", "meter", "discom", "power cut"]),
    "rail": (["train", "railway", "irctc", "rail madad"], ["train", "railway", "irctc"]),
    "goods": (
        ["manufacturer", "warranty card", "register the product", "job sheet", "defective goods"],
        [
            "bought",
            "purchased",
            "product",
            "machine",
            "car",
            "phone",
            "laptop",
            "tv",
            "fridge",
            "sofa",
            "bike",
            "ac",
            "goods",
            "warranty",
            "defect",
            "defective",
            "ordered",
            "scooter",
            "mobile",
            "appliance",
        ],
    ),
}

HELPLINE = "For help with a consumer complaint"


def _has(text: str, word: str) -> bool:
    padded = " " + re.sub(r"[^a-z0-9 ]", " ", text.lower()) + " "
    return any(f" {word}{end} " in padded for end in ("", "s", "es"))


def steps(answer: str) -> list[str]:
    """The answer's next steps, the helpline line left out."""
    if "What you can do next:" not in answer:
        return []
    found = []
    for line in answer.split("What you can do next:", 1)[1].splitlines()[1:]:
        if not line.startswith("- "):
            break
        if not line[2:].startswith(HELPLINE):
            found.append(line[2:])
    return found


def wrong_sector(story: str, step: str) -> list[str]:
    """The sectors a step names when the story shares none of them (else [])."""
    named = [name for name, (ties, _) in SECTORS.items() if any(_has(step, w) for w in ties)]
    shared = any(_has(story, w) for name in named for w in SECTORS[name][1])
    return [] if shared else named


def main() -> None:
    total = flagged = 0
    for path in sys.argv[1:]:
        for block in re.split(r"^=== ", Path(path).read_text(encoding="utf-8"), flags=re.M)[1:]:
            head, _, answer = block.partition("\n")
            qid, story = head.split(" ", 1)[0], head.split(" ", 2)[-1]
            for step in steps(answer):
                total += 1
                if sectors := wrong_sector(story, step):
                    flagged += 1
                    print(f"{qid} [{','.join(sectors)}] {step[:120]}")
    print(f"wrong-sector steps: {flagged} of {total} (helpline line left out)")


if __name__ == "__main__":
    main()

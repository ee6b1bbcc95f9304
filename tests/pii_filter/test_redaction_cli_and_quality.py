"""The CLI speaks JSON lines with the gateway's configuration; a sample of the benchmark hits the targets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.pii_dataset import generate
from bench.pii_quality import Score, configured_spacy_model, evaluate, leaked, our_redactor

ROOT = Path(__file__).resolve().parents[2]


def _env_without_settings() -> dict[str, str]:
    """The environment of a fresh shell: no SPACY_MODEL (its default must work), no keys."""
    dropped = ("API_KEYS_SHA256", "AUTH_DISABLED", "SPACY_MODEL", "PII_CONFIG_PATH")
    return {k: v for k, v in os.environ.items() if k not in dropped}


def test_default_spacy_model_loads_whichever_package_of_it_is_installed() -> None:
    """`make install` installs the PyPI re-upload, the images explosion's wheel: the default serves both."""
    from pii_filter.redaction.engine import SAME_MODEL_PACKAGES, resolve_spacy_model
    from pii_filter.settings import GatewaySettings

    default = GatewaySettings.model_fields["spacy_model"].default
    installed = resolve_spacy_model(default)
    assert any(default in family and installed in family for family in SAME_MODEL_PACKAGES)
    assert resolve_spacy_model(installed) == installed
    with pytest.raises(RuntimeError, match="not installed"):
        resolve_spacy_model("en_core_web_does_not_exist")


def test_cli_writes_one_json_line_per_input_line() -> None:
    lines = ["My name is Priya Sharma, call 98765 43210.", "Croma in Pune charged Rs 45,000."]
    completed = subprocess.run(
        [sys.executable, "-m", "pii_filter.redact"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=_env_without_settings(),
        check=True,
    )
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [r["text"] for r in records] == lines
    assert records[0]["redacted"] == "My name is <PERSON_1>, call <PHONE_1>."
    assert records[0]["entities"] == [
        {"type": "PERSON", "start": 11, "end": 23},
        {"type": "PHONE", "start": 30, "end": 41},
    ]
    assert records[1] == {"text": lines[1], "redacted": lines[1], "entities": []}
    assert "Priya" not in completed.stderr and "98765" not in completed.stderr


def test_dataset_is_deterministic_labelled_and_covers_every_phone_form() -> None:
    first = generate(count=300, seed=5, split="dev")
    assert [e.text for e in first] == [e.text for e in generate(count=300, seed=5, split="dev")]
    for example in first:
        assert all(example.text[i.start : i.end] == i.value for i in example.identifiers)
        assert all(fact in example.text for fact in example.facts)
    phones = [i.value for e in first for i in e.identifiers if i.type == "PHONE"]
    assert any(p.startswith("+91 ") for p in phones) and any(p.startswith("+91-") for p in phones)
    assert any(p.startswith("0") and len(p) == 11 for p in phones)
    assert any(len(p) == 11 and " " in p for p in phones) and any(
        len(p) == 10 and p.isdigit() for p in phones
    )


def test_leak_rule_catches_partial_survivals() -> None:
    from bench.pii_dataset import Identifier

    aadhaar = Identifier("IN_AADHAAR", "2345 6789 0124", 0, 14)
    assert leaked(aadhaar, "Aadhaar <AADHAAR_1> ends 789 0124")  # 7 digits survive
    assert not leaked(aadhaar, "Aadhaar <AADHAAR_1>, paid Rs 45,000")
    person = Identifier("PERSON", "Priya Sharma", 0, 12)
    assert leaked(person, "<PERSON_1> Sharma") and not leaked(person, "<PERSON_1> wrote")


def test_leak_rule_counts_any_identifying_token_and_ignores_fillers() -> None:
    from bench.pii_dataset import Identifier

    text = "12, opp. loco shed, Itarsi - the meter is wrong"
    address = Identifier("ADDRESS", "12, opp. loco shed", 0, 18)
    assert leaked(address, "<ADDRESS_1> loco shed, Itarsi - the meter is wrong", text)  # part of a piece
    assert not leaked(address, "<ADDRESS_1>, Itarsi - the meter is wrong", text)
    flat = "Flat 21, Sai Residency, paid 21 lakh"
    house = Identifier("ADDRESS", "Flat 21, Sai Residency", 0, 22)
    assert not leaked(house, "<ADDRESS_1>, paid 21 lakh", flat)  # the amount was there already
    spoken = "phone 98710 and then 34562, the and the"
    phone = Identifier("PHONE", "98710 and then 34562", 6, 26)
    assert not leaked(phone, "phone <PHONE_1> and then <PHONE_2>, the and the", spoken)
    assert leaked(phone, "phone 98710 and then <PHONE_1>, the and the", spoken)  # five digits survive
    email = Identifier("EMAIL", "deepak dot joshi at gmail dot com", 0, 33)
    assert leaked(email, "write to joshi at <EMAIL_1>") and not leaked(email, "write to <EMAIL_1>")


@pytest.mark.parametrize(("split", "seed"), [("dev", 101), ("heldout", 202)])
def test_sample_meets_the_targets(split: str, seed: int) -> None:
    examples = generate(count=60, seed=seed, split=split)
    score: Score = evaluate({"ours": our_redactor(configured_spacy_model())}, examples)["ours"]
    for kind in score.total:
        assert score.recall(kind) >= 0.95, (kind, score.recall(kind))
    assert score.overall_recall() >= 0.99
    assert score.facts() >= 0.95

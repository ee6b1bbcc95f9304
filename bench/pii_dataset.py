"""Labelled consumer questions for the PII benchmark: identifier spans that must go, facts that must stay.

Deterministic by seed. Two disjoint pools of wording, names and small sellers: "dev" (what the
redactor was developed against) and "heldout" (new phrasings, names and shops), so tuning to the
first shows up as a gap on the second.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from bench import pii_values as values
from bench.pii_templates import (
    CITIES,
    NAMES,
    PRODUCTS,
    SELLERS,
    STATES,
    TEMPLATES,
    address_parts,
    amount,
    when,
)


@dataclass(frozen=True)
class Identifier:
    """A value that must not survive redaction, with its offsets in the text."""

    type: str
    value: str
    start: int
    end: int


@dataclass
class Example:
    text: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    def add(self, piece: str) -> None:
        self.text += piece

    def add_identifier(self, kind: str, value: str) -> None:
        self.identifiers.append(Identifier(kind, value, len(self.text), len(self.text) + len(value)))
        self.text += value

    def add_fact(self, value: str) -> None:
        self.facts.append(value)
        self.text += value


@dataclass(frozen=True)
class Person:
    given: str
    surname: str

    def written(self, rng: random.Random) -> str:
        return rng.choice((f"{self.given} {self.surname}",) * 4 + (f"{self.given[0]}. {self.surname}",))


def generate(*, count: int, seed: int, split: str) -> list[Example]:
    """`count` questions of one split; the same seed always gives the same questions."""
    rng = random.Random(f"{split}:{seed}")
    examples = []
    for _ in range(count):
        example = Example()
        context = _Context(rng, split)
        for template in _choose_parts(rng, split):
            _render(template, example, context)
        examples.append(example)
    return examples


@dataclass
class _Context:
    """What one question is about; parts draw from it so the story is consistent."""

    rng: random.Random
    split: str
    person: Person = field(init=False)
    seller: str = field(init=False)
    product: str = field(init=False)
    city: str = field(init=False)
    written_name: str = field(init=False)

    def __post_init__(self) -> None:
        pool = NAMES[self.split]
        self.person = Person(self.rng.choice(pool["given"]), self.rng.choice(pool["surname"]))
        sellers = [
            s for s in SELLERS[self.split] if not {self.person.given, self.person.surname} & set(s.split())
        ]
        self.seller = self.rng.choice(sellers)
        self.product = self.rng.choice(PRODUCTS[self.split])
        self.city = self.rng.choice(CITIES[self.split])
        self.written_name = self.person.written(self.rng)

    def other_person(self) -> Person:
        pool = NAMES[self.split]
        while True:
            other = Person(self.rng.choice(pool["given"]), self.rng.choice(pool["surname"]))
            taken = {self.person.given, self.person.surname, *self.seller.split()}
            if {other.given, other.surname}.isdisjoint(taken):
                return other


_SLOT = re.compile(r"\{(\w+)\}")
_IDENTIFIER_SLOTS = {
    "phone": "PHONE",
    "aadhaar": "IN_AADHAAR",
    "pan": "IN_PAN",
    "passport": "IN_PASSPORT",
    "voter": "IN_VOTER",
    "vehicle": "IN_VEHICLE_REGISTRATION",
    "gstin": "IN_GSTIN",
    "upi": "UPI_ID",
    "email": "EMAIL",
    "account": "BANK_ACCOUNT",
    "card": "CARD",
}


def _choose_parts(rng: random.Random, split: str) -> list[str]:
    parts = TEMPLATES[split]
    chosen = []
    if rng.random() < 0.8:
        chosen.append(rng.choice(parts["intro"]))
    chosen.append(rng.choice(parts["problem"]))
    chosen.extend(rng.sample(parts["identifier"], k=rng.randint(1, 3)))
    if rng.random() < 0.6:
        chosen.append(rng.choice(parts["closing"]))
    return chosen


def _render(template: str, example: Example, context: _Context) -> None:
    """Fill one template into the example, recording every identifier and fact it writes."""
    cursor = 0
    for slot in _SLOT.finditer(template):
        example.add(template[cursor : slot.start()])
        _fill(slot.group(1), example, context)
        cursor = slot.end()
    example.add(template[cursor:])


def _fill(slot: str, example: Example, context: _Context) -> None:
    rng, person = context.rng, context.person
    if slot == "name":
        example.add_identifier("PERSON", context.written_name)
    elif slot == "name_lower":
        example.add_identifier("PERSON", f"{person.given} {person.surname}".lower())
    elif slot == "given":
        example.add_identifier("PERSON", person.given)
    elif slot == "other":
        other = context.other_person()
        example.add_identifier("PERSON", f"{other.given} {other.surname}")
    elif slot in _IDENTIFIER_SLOTS:
        example.add_identifier(_IDENTIFIER_SLOTS[slot], _identifier_value(slot, context))
    elif slot == "address":
        street, city, separator, pin = address_parts(rng)
        example.add_identifier("ADDRESS", street)
        example.add(", ")
        example.add_fact(city)
        example.add(separator)
        example.add_identifier("IN_PIN_CODE", pin)
    else:
        example.add_fact(_fact_value(slot, context))


def _identifier_value(slot: str, context: _Context) -> str:
    rng, person = context.rng, context.person
    makers = {
        "phone": lambda: values.phone(rng),
        "aadhaar": lambda: values.aadhaar(rng),
        "pan": lambda: values.pan(rng, person.surname),
        "passport": lambda: values.passport(rng),
        "voter": lambda: values.voter_id(rng),
        "vehicle": lambda: values.vehicle(rng),
        "gstin": lambda: values.gstin(rng),
        "upi": lambda: values.upi_id(rng, person.given, person.surname),
        "email": lambda: values.email(rng, person.given, person.surname),
        "account": lambda: values.bank_account(rng),
        "card": lambda: values.card(rng),
    }
    return makers[slot]()


def _fact_value(slot: str, context: _Context) -> str:
    rng = context.rng
    if slot == "seller":
        return context.seller
    if slot == "product":
        return context.product
    if slot == "city":
        return context.city
    if slot == "state":
        return rng.choice(STATES)
    if slot == "amount":
        return amount(rng)
    if slot == "when":
        return when(rng)
    raise KeyError(f"unknown template slot {slot!r}")

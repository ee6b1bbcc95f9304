"""Random but valid Indian identifiers for the PII benchmark: checksums right, every written form used."""

from __future__ import annotations

import random
import string

_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]
_VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]

PHONE_FORMATS = ("+91 {a} {b}", "+91-{a}{b}", "0{a}{b}", "{a} {b}", "{a}{b}", "+91{a}{b}")
STATE_CODES = ("MH", "KA", "TN", "DL", "UP", "GJ", "RJ", "WB", "KL", "TS", "AP", "HR", "PB", "MP", "OD")
UPI_HANDLES = ("okaxis", "oksbi", "okhdfcbank", "okicici", "ybl", "ibl", "axl", "paytm", "upi", "apl")
EMAIL_DOMAINS = ("gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com", "hotmail.com")


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def verhoeff_check_digit(number: str) -> str:
    check = 0
    for i, digit in enumerate(reversed(number)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[(i + 1) % 8][int(digit)]]
    return str(_VERHOEFF_INV[check])


def luhn_check_digit(number: str) -> str:
    total = 0
    for i, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def aadhaar(rng: random.Random) -> str:
    while True:
        body = rng.choice("23456789") + _digits(rng, 10)
        number = body + verhoeff_check_digit(body)
        if number != number[::-1]:
            break
    form = rng.choice(("plain", "spaced", "hyphenated", "spaced"))
    groups = (number[:4], number[4:8], number[8:])
    return {"plain": number, "spaced": " ".join(groups), "hyphenated": "-".join(groups)}[form]


def phone(rng: random.Random, form: str | None = None) -> str:
    number = rng.choice("6789") + _digits(rng, 9)
    template = form or rng.choice(PHONE_FORMATS)
    return template.format(a=number[:5], b=number[5:])


def card(rng: random.Random) -> str:
    prefix = rng.choice(("4", "51", "53", "55", "60", "65", "81", "82", "508", "2221", "34", "37"))
    length = 15 if prefix in ("34", "37") else 16
    body = prefix + _digits(rng, length - len(prefix) - 1)
    number = body + luhn_check_digit(body)
    separator = rng.choice((" ", "-", "", " "))
    if length == 15:
        return separator.join((number[:4], number[4:10], number[10:]))
    return separator.join(number[i : i + 4] for i in range(0, 16, 4))


def pan(rng: random.Random, surname: str = "") -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    initial = (surname[:1] or rng.choice(string.ascii_uppercase)).upper()
    return f"{letters}P{initial}{_digits(rng, 4)}{rng.choice(string.ascii_uppercase)}"


def passport(rng: random.Random) -> str:
    letter = rng.choice("ABCDEFGHJKLMNPRSTUVWZ")
    return f"{letter}{rng.choice('123456789')}{_digits(rng, 5)}{rng.choice('123456789')}"


def voter_id(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + _digits(rng, 7)


def vehicle(rng: random.Random) -> str:
    state, district = rng.choice(STATE_CODES), f"{rng.randint(1, 60):02d}"
    series = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(rng.choice((1, 2))))
    number = f"{rng.randint(1, 9999):04d}"
    separator = rng.choice(("", " ", "-", " "))
    return separator.join((state, district, series, number))


def gstin(rng: random.Random) -> str:
    state = f"{rng.randint(1, 37):02d}"
    firm_pan = "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + "C"
    firm_pan += rng.choice(string.ascii_uppercase) + _digits(rng, 4) + rng.choice(string.ascii_uppercase)
    return f"{state}{firm_pan}{rng.choice('123456789')}Z{rng.choice(string.digits + string.ascii_uppercase)}"


def bank_account(rng: random.Random) -> str:
    return rng.choice("123456789") + _digits(rng, rng.randint(10, 15))


def upi_id(rng: random.Random, given: str, surname: str) -> str:
    local = rng.choice(
        (f"{given}.{surname}", f"{given}{rng.randint(1, 999)}", _mobile_digits(rng), f"{given[:1]}{surname}")
    ).lower()
    return f"{local}@{rng.choice(UPI_HANDLES)}"


def email(rng: random.Random, given: str, surname: str) -> str:
    local = rng.choice(
        (f"{given}.{surname}", f"{given}{surname}{rng.randint(1, 99)}", f"{given}_{surname[:1]}")
    )
    return f"{local.lower()}@{rng.choice(EMAIL_DOMAINS)}"


def _mobile_digits(rng: random.Random) -> str:
    return rng.choice("6789") + _digits(rng, 9)


def pin_code(rng: random.Random) -> str:
    code = rng.choice("12345678") + _digits(rng, 5)
    return code if rng.random() < 0.85 else f"{code[:3]} {code[3:]}"

"""The worst inputs found for the redaction's recognizers (ReDoS), for the cost and the gateway tests."""

from __future__ import annotations

# Runs of what the patterns repeat: word characters and the separators between them, digits and
# digit separators, initials, cue words, honorifics, PIN codes, digit words, email and handle pieces.
HOSTILE_UNITS = [
    "a-", "a.", "a_", "a@", "@a", "-a", "1-", "1 ", "1.", "1/", "9", "a", "A", "Aa ", "A. ", "a1", "1a", "A1",
    "aa.", "a.a-", "a@b.", "a@b-", "@", "-", ".", "'", "Aa-", "a a ", "\n", "1,", "a,", "x" * 63 + "@",
    "AB12", "MH12", "ABCDE1234F ", "4111 ", "2345 6789 ", "+91 ", "9876543210 ", "560034 ", "flat 1, ",
    "Mr ", "my name is ", "Rahul ", "rahul ", "RAHUL ", "Rahul Sharma, ", "regards, ", "s/o ",
    "nine ", "nine8", "double ", "a at b dot ", " at ", " dot ", "[at]", "@a_", "a_1 on instagram ",
    "मेरा नाम ", "राहुल ", "९", "\u200b1", "a\u200b", "\u202e", "a\u0301", "Ｒ", "１",
]


def hostile_texts(length: int) -> list[str]:
    """Each unit repeated to `length` characters, plain and with a match-completing last character."""
    texts = []
    for unit in HOSTILE_UNITS:
        run = (unit * (length // len(unit) + 1))[:length]
        texts += [run, run[:-1] + "@", run[:-1] + "x"]
    return texts

"""The question as retrieval reads it: the legal ask without the letter wrapped around it.

People write to the assistant as they would to a person: "hi", "Respected Sir", a name and phone
number at the end (which the gateway has already replaced with placeholders such as `<PERSON_1>`),
"pls reply asap". Those words carry no law but pull in passages that happen to share them, so
retrieval searches a cleaned copy; the prompt and the answer keep the question as the gateway sent it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# the gateway's placeholders (<PERSON_1>, <PHONE_NUMBER_2>, <IN_AADHAAR_1>, ...)
PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
# what the gateway may have missed, or what arrives when retrieval is called directly
CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|https?://\S+|(?<![\w₹.,])\+?\d[\d -]{8,}\d(?![\w.,])", re.IGNORECASE
)
_SALUTATION = (
    r"hi+|hello|hey|namaste|namaskar(?:am)?|greetings|good\s+(?:morning|afternoon|evening|day)|"
    r"gud\s+(?:morning|evening)|(?:dear|respected|hello)\s+(?:sir|madam|ma'?am|team|all)(?:\s*/\s*(?:sir|madam|ma'?am))?|"
    r"sir|madam|ma'?am"
)
GREETING = re.compile(rf"^\s*(?:(?:{_SALUTATION})\b[\s,.!:;-]*)+", re.IGNORECASE)
# closing formulas, and the name or placeholder trail a signature leaves: "Regards, <PERSON_1>"
SIGN_OFF = re.compile(
    r"(?:\b(?:thanks(?:\s+in\s+advance)?|thank\s+you|regards|warm\s+regards|yours\s+(?:truly|faithfully|sincerely))"
    r"\b[\s,.!]*(?:[A-Z][\w.()]*[\s,.]*){0,4}$)|"
    r"(?:\b(?:pl(?:ea)?se?|pls|plz|kindly)\s+(?:reply|respond|help|guide|advise|suggest)(?:\s+(?:me|us))?"
    r"(?:\s+(?:asap|soon|urgently|fast))?\b[\s,.!]*)",
    re.IGNORECASE,
)
_TRAILING_DASH = re.compile(r"[\s,;:]*[-–—]+[\s,.;:]*$")
# what a removed placeholder leaves between spaces: "- , Kolkata", "Regards, . ( .)"
_PUNCTUATION_RUN = re.compile(r"(?<=\s)[-–—,.;:()]+(?:\s+[-–—,.;:()]+)*(?=\s|$)")


def retrieval_text(question: str) -> str:
    """The question without placeholders, contact details, greetings and sign-offs; never empty
    when the question had words (a question that is nothing but a greeting is searched as typed)."""
    text = CONTACT.sub(" ", PLACEHOLDER.sub(" ", question))
    text = _PUNCTUATION_RUN.sub(" ", " ".join(text.split()))
    text = SIGN_OFF.sub(" ", GREETING.sub("", " ".join(text.split())))
    text = " ".join(text.split())
    text = _TRAILING_DASH.sub("", text).strip(" ,;")
    return text if re.search(r"\w{2}", text) else " ".join(question.split())


# what the follow-up's search text may add from earlier questions, in the embedding model's word pieces
# (all-MiniLM-L6-v2 reads 254 besides [CLS]/[SEP]; the follow-up itself is never cut)
CONTEXT_TOKENS = 96


def follow_up_text(
    question: str, earlier: Sequence[str], *, count_tokens: Callable[[str], int],
    budget_tokens: int = CONTEXT_TOKENS,
) -> str:
    """The follow-up's search text: the latest earlier question(s), cleaned, then the follow-up.

    "And if I bought it online?" alone finds passages about buying in general; with "my mixer grinder
    stopped working and the shop refuses to replace it" before it, it finds e-commerce returns and
    refunds. Earlier questions are taken newest first while they fit `budget_tokens` (a question that
    does not fit whole is left out), so the follow-up's own words keep their weight.
    """
    text = retrieval_text(question)
    context: list[str] = []
    used = 0
    for previous in reversed(earlier):
        cleaned = retrieval_text(previous)
        tokens = count_tokens(cleaned)
        if used + tokens > budget_tokens:
            break
        context.insert(0, cleaned)
        used += tokens
    return " ".join([*context, text])

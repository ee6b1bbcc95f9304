"""Fixed texts every provider shares: where to get help when the sources do not answer, and the disclaimer."""

from __future__ import annotations

HELPLINE = (
    "For help with a consumer complaint, call the National Consumer Helpline on 1915 or 1800-11-4000 "
    "(toll-free), or file a complaint online with the Consumer Commission through e-Jagriti "
    "(https://e-jagriti.gov.in), which replaced e-Daakhil in January 2025."
)

DISCLAIMER = "This is general information, not legal advice."

# the Act's sections 34, 47 and 58 still print the original limits; rag_core.prompt's rule 7 says the same
REVISED_LIMITS = (
    "Note: the money limits printed in sections 34, 47 and 58 of the Act were revised by the Consumer "
    "Protection (Jurisdiction of the District Commission, the State Commission and the National Commission) "
    "Rules, 2021: the District Commission hears complaints where the value paid is up to Rs 50 lakh, the "
    "State Commission above Rs 50 lakh and up to Rs 2 crore, and the National Commission above Rs 2 crore."
)

NO_CONTEXT_ANSWER = (
    "I could not find anything in the Consumer Protection Act, 2019 or our consumer guides that answers "
    "this question, so I will not guess. " + HELPLINE
)

OFF_LIMITS_ANSWER = (
    "I can only help with questions about consumer rights in India, using the Consumer Protection Act, "
    "2019 and our consumer guides. " + HELPLINE
)


def with_helpline(text: str) -> str:
    """Append the helpline pointer unless the text already gives it (the helpline and e-Jagriti, the
    portal that replaced e-Daakhil: a reply naming only e-Daakhil points to a closed portal)."""
    text = text.strip()
    if "1915" in text and "e-jagriti" in text.lower():
        return text
    return f"{text}\n\n{HELPLINE}" if text else NO_CONTEXT_ANSWER

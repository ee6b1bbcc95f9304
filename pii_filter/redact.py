"""`python -m pii_filter.redact`: one text per stdin line in, one JSON line out, with the gateway's redactor.

Prints {"text", "redacted", "entities": [{"type", "start", "end"}]}; offsets are in the original text.
It echoes the input back by design (that is its job), so never pipe real users' questions into logs.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from pii_filter.redaction import Redactor
from pii_filter.settings import GatewaySettings


class RedactCliSettings(GatewaySettings):
    """The gateway's settings (same SPACY_MODEL, PII_CONFIG_PATH, defaults) minus the API-key check,
    which guards HTTP requests this command never serves."""

    def _refuse_an_open_gateway_by_accident(self) -> RedactCliSettings:  # type: ignore[override]
        return self


def run(*, redactor: Redactor, source: TextIO, sink: TextIO) -> int:
    """Redact every line; returns how many were written."""
    count = 0
    for line in source:
        text = line.rstrip("\r\n")
        redaction = redactor.redact(text)
        record = {
            "text": text,
            "redacted": redaction.redacted,
            "entities": [{"type": e.type, "start": e.start, "end": e.end} for e in redaction.entities],
        }
        sink.write(json.dumps(record, ensure_ascii=False) + "\n")
        sink.flush()
        count += 1
    return count


def main() -> None:
    settings = RedactCliSettings()
    run(redactor=Redactor.from_settings(settings), source=sys.stdin, sink=sys.stdout)


if __name__ == "__main__":
    main()

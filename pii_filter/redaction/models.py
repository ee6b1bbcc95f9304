"""What a redaction returns: the text to publish, where the identifiers were, and a private way back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pii_filter.redaction.placeholders import restore_placeholders


@dataclass(frozen=True)
class DetectedEntity:
    """Where an identifier was, in the original text; never its value."""

    type: str
    start: int
    end: int


@dataclass(frozen=True, repr=False)
class Redaction:
    """The redacted text plus, for this request only, the placeholder -> original value map.

    The map stays out of repr/str/equality so an accidental log line or assertion message cannot
    print a phone number; it is only reachable through restore().
    """

    redacted: str
    entities: list[DetectedEntity]
    _originals: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_originals", MappingProxyType(dict(self._originals)))

    @property
    def entity_types(self) -> list[str]:
        return sorted({entity.type for entity in self.entities})

    def restore(self, answer_text: str) -> str:
        """Put the original values back where the answer repeats a placeholder."""
        return restore_placeholders(answer_text, self._originals)

    def __repr__(self) -> str:
        return f"Redaction(redacted={self.redacted!r}, entity_types={self.entity_types!r})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("Redaction holds personal data for one request and cannot be pickled")

"""The constructor every recognizer of ours shares.

analyzer.yaml names them as `type: predefined`, so Presidio builds each with its language (and, where
the file says so, its entities); a subclass only says which entities it finds by default.
"""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import LocalRecognizer


class OwnRecognizer(LocalRecognizer):
    """A recognizer of this project: ENTITIES unless analyzer.yaml names others, its class name as name."""

    ENTITIES: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        supported_language: str = "en",
        supported_entities: list[str] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entities=supported_entities or list(self.ENTITIES),
            supported_language=supported_language,
            name=name or type(self).__name__,
        )

    def load(self) -> None:
        """Nothing to load; recognizers that read the name lexicon override this."""

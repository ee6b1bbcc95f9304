"""The gateway's redactor: Presidio detection, our policy, placeholders; one engine per process."""

from __future__ import annotations

import threading

from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerResult

from pii_filter.redaction.engine import load_analyzer
from pii_filter.redaction.lexicon import Lexicon, load_lexicon
from pii_filter.redaction.models import DetectedEntity, Redaction
from pii_filter.redaction.placeholders import apply_placeholders
from pii_filter.redaction.policy import REMOVED_ENTITIES, select_spans
from pii_filter.settings import GatewaySettings


class Redactor:
    """Removes direct identifiers from a question and remembers, per request, how to put them back."""

    def __init__(self, *, analyzer: AnalyzerEngine, lexicon: Lexicon) -> None:
        self._analyzer = analyzer
        self._batch_analyzer = BatchAnalyzerEngine(analyzer)
        self._lexicon = lexicon
        # spaCy pipelines are not documented as thread-safe; analysis is CPU-bound under the GIL
        # anyway, so serialising it costs little and callers may use a thread pool freely.
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> Redactor:
        analyzer = load_analyzer(config_path=settings.pii_config_path, spacy_model=settings.spacy_model)
        return cls(analyzer=analyzer, lexicon=load_lexicon())

    def redact(self, text: str) -> Redaction:
        with self._lock:
            results = self._analyzer.analyze(text=text, language="en", entities=REMOVED_ENTITIES)
        return self._redaction(text, results)

    def redact_many(self, texts: list[str]) -> list[Redaction]:
        """The same redactions as `redact` on each text, with spaCy running the texts as one batch:
        about half the NER cost per text at 8 or more (docs/benchmarks.md)."""
        with self._lock:
            batch = self._batch_analyzer.analyze_iterator(
                texts, language="en", batch_size=max(1, len(texts)), entities=REMOVED_ENTITIES
            )
        return [self._redaction(text, results) for text, results in zip(texts, batch, strict=True)]

    def _redaction(self, text: str, results: list[RecognizerResult]) -> Redaction:
        spans = select_spans(text, results, self._lexicon)
        placeholdered = apply_placeholders(text, spans)
        return Redaction(
            redacted=placeholdered.text,
            entities=[DetectedEntity(span.type, span.start, span.end) for span in spans],
            _originals=placeholdered.originals,
        )

"""The gateway's redactor: Presidio detection, our policy, placeholders; one engine per process."""

from __future__ import annotations

import threading

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from pii_filter.redaction.coverage import unchecked_spans
from pii_filter.redaction.disguises import undisguise
from pii_filter.redaction.engine import load_analyzer
from pii_filter.redaction.lexicon import Lexicon, load_lexicon
from pii_filter.redaction.models import DetectedEntity, Redaction
from pii_filter.redaction.normalise import NormalisedText, ner_view, normalise
from pii_filter.redaction.placeholders import apply_placeholders
from pii_filter.redaction.policy import REMOVED_ENTITIES, Span, merge_overlaps, select_spans
from pii_filter.settings import GatewaySettings


class Redactor:
    """Removes direct identifiers from a question and remembers, per request, how to put them back."""

    def __init__(self, *, analyzer: AnalyzerEngine, lexicon: Lexicon) -> None:
        self._analyzer = analyzer
        self._lexicon = lexicon
        # spaCy pipelines are not documented as thread-safe; analysis is CPU-bound under the GIL
        # anyway, so serialising it costs little and callers may use a thread pool freely.
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> Redactor:
        analyzer = load_analyzer(config_path=settings.pii_config_path, spacy_model=settings.spacy_model)
        return cls(analyzer=analyzer, lexicon=load_lexicon())

    def redact(self, text: str) -> Redaction:
        return self.redact_many([text])[0]

    def redact_many(self, texts: list[str]) -> list[Redaction]:
        """Each text as if alone, with spaCy running the texts as one batch: about half the NER cost
        per text at 8 or more (docs/benchmarks.md)."""
        copies = [undisguise(normalise(text)) for text in texts]
        with self._lock:
            nlp_outputs = self._analyzer.nlp_engine.process_batch(
                [ner_view(copy.text) for copy in copies], language="en", batch_size=max(1, len(texts))
            )
            found = [
                self._analyzer.analyze(
                    text=copy.text, language="en", entities=REMOVED_ENTITIES, nlp_artifacts=artifacts
                )
                for copy, (_, artifacts) in zip(copies, nlp_outputs, strict=True)
            ]
        return [self._redaction(copy, results) for copy, results in zip(copies, found, strict=True)]

    def _redaction(self, copy: NormalisedText, results: list[RecognizerResult]) -> Redaction:
        """Spans are found in the analysis copy and removed from the original."""
        found = select_spans(copy.text, results, self._lexicon) + unchecked_spans(copy.text)
        spans = merge_overlaps([Span(span.type, *copy.to_original(span.start, span.end)) for span in found])
        placeholdered = apply_placeholders(copy.original, spans)
        return Redaction(
            redacted=placeholdered.text,
            entities=[DetectedEntity(span.type, span.start, span.end) for span in spans],
            _originals=placeholdered.originals,
        )

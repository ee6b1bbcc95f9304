"""`python -m bench.answers`: one question per stdin line -> one JSON line with its answer and citations.

The live path's stages in one process, without a broker: the gateway's redactor, rag_core's stage
(retrieval from INDEX_DIR's current snapshot and the grounded prompt), llm_connector's stage with the
configured provider (LLM_PROVIDER: Bedrock when credentials exist, else the extractive answer), and the
gateway's restoration of placeholders in the answer. Settings come from the environment, as in the
services. It echoes each question back, so never feed it real users' questions outside a test machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from common.messages import GroundedPrompt, QueryResult, RedactedQuery


@dataclass
class Pipeline:
    """The three stages as the services build them from their settings."""

    redactor: Any
    query_handler: Any
    answer_handler: Any

    @classmethod
    def from_environment(cls) -> Pipeline:
        from llm_connector.settings import LlmSettings
        from rag_core.settings import RagSettings

        return cls.build(rag=RagSettings(), llm=LlmSettings())

    @classmethod
    def build(cls, *, rag: Any, llm: Any) -> Pipeline:
        """From rag_core's and llm_connector's settings objects, as their entry points build them."""
        from llm_connector.extractive import ExtractiveProvider
        from llm_connector.handler import AnswerHandler
        from llm_connector.provider import build_provider
        from pii_filter.redact import RedactCliSettings
        from pii_filter.redaction import Redactor
        from rag_core.handler import QueryHandler
        from rag_core.retrieval import Retriever

        return cls(
            redactor=Redactor.from_settings(RedactCliSettings()),
            query_handler=QueryHandler(retriever=Retriever.from_settings(rag)),
            answer_handler=AnswerHandler(
                provider=build_provider(llm),
                fallback=ExtractiveProvider(max_sentences=llm.extractive_max_sentences),
            ),
        )

    def answer(self, question: str, *, top_k: int = 5) -> dict[str, Any]:
        redaction = self.redactor.redact(question)
        query = RedactedQuery(
            query_id=uuid.uuid4(),
            redacted_question=redaction.redacted,
            pii_found=redaction.entity_types,
            top_k=top_k,
        )
        grounded = _only(self.query_handler(query), GroundedPrompt)
        result = _only(self.answer_handler(grounded), QueryResult)
        return {
            "question": question,
            "answer": redaction.restore(result.answer or ""),
            "answered": result.answered,
            "citations": [c.model_dump() for c in result.citations],
            "no_context": grounded.no_context,
            "provider": result.provider,
        }


def _only(outgoing: Iterable[Any], kind: type) -> Any:
    """The stage's message of `kind` (a stage publishes an event and may reply with the same message)."""
    return next(item.message for item in outgoing if isinstance(item.message, kind))


def answers(pipeline: Pipeline, lines: Iterable[str], *, top_k: int = 5) -> Iterator[dict[str, Any]]:
    for line in lines:
        question = line.strip()
        if question:
            yield pipeline.answer(question, top_k=top_k)


def main(
    argv: list[str] | None = None, *, stdin: IO[str] | None = None, stdout: IO[str] | None = None
) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.answers", description=__doc__)
    parser.add_argument("--k", type=int, default=5, help="passages per question")
    args = parser.parse_args(argv)
    out = stdout or sys.stdout
    from rag_core.retrieval import IndexUnavailable

    try:
        pipeline = Pipeline.from_environment()
        for record in answers(pipeline, stdin or sys.stdin, top_k=args.k):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
    except IndexUnavailable as exc:
        print(f"no index yet: {exc}; run `python -m embedder.ingest PATH...` first", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

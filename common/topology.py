r"""Exchanges, queues and routing keys: the one place the message flow is declared.

    gateway --query.accepted--> rag_core.queries ----prompt.built--> llm_connector.prompts
                          \--> psql_worker.accepted      llm_connector --query.result--> psql_worker.results
    the stage that ends a query (llm_connector, or any failing stage) --> the gateway's reply queue
        named in `reply_to`, at once; psql_worker replies again once the result is stored
    any stage that cannot finish    --query.result (status failed)--> psql_worker.results
    chunker --chunks.batch--> embedder.chunks
    while a query is streamed: rag_core, llm_connector --QueryProgress (at most once)--> `reply_to`;
        the gateway --query.cancelled--> a server-named queue of every streaming stage instance

Every name carries a namespace prefix (setting NAMESPACE) so test runs are isolated from each other
on one broker. Work queues are quorum queues with a delivery limit and a dead-letter exchange.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pika.adapters.blocking_connection import BlockingChannel

QUERY_ACCEPTED = "query.accepted"
PROMPT_BUILT = "prompt.built"
QUERY_RESULT = "query.result"
CHUNKS_BATCH = "chunks.batch"
QUERY_CANCELLED = "query.cancelled"  # fanned out to a queue of each stage instance's own, not a work queue

# The broker dead-letters a message delivered more often than this. Deliveries interrupted by a
# crashed or killed consumer count too, so the limit is generous; the worker gives up sooner on a
# handler that keeps failing (HANDLER_ATTEMPTS) and emits a failure event instead of dead-lettering.
DELIVERY_LIMIT = 20
HANDLER_ATTEMPTS = 4

# A pika channel method and its keyword arguments: the same calls on a blocking and an asyncio channel.
Declaration = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Topology:
    """All broker names for one namespace."""

    namespace: str = "cr"

    def name(self, suffix: str) -> str:
        return f"{self.namespace}.{suffix}"

    @property
    def events(self) -> str:
        return self.name("events")

    @property
    def dead_letter_exchange(self) -> str:
        return self.name("dlx")

    @property
    def dead_letter_queue(self) -> str:
        return self.name("dead_letters")

    @property
    def rag_queries(self) -> str:
        return self.name("rag_core.queries")

    @property
    def psql_accepted(self) -> str:
        return self.name("psql_worker.accepted")

    @property
    def llm_prompts(self) -> str:
        return self.name("llm_connector.prompts")

    @property
    def psql_results(self) -> str:
        return self.name("psql_worker.results")

    @property
    def embedder_chunks(self) -> str:
        return self.name("embedder.chunks")

    def reply_queue(self, instance: str) -> str:
        return self.name(f"gateway.replies.{instance}")

    def bindings(self) -> dict[str, str]:
        """Work queue -> routing key it receives from the events exchange."""
        return {
            self.rag_queries: QUERY_ACCEPTED,
            self.psql_accepted: QUERY_ACCEPTED,
            self.llm_prompts: PROMPT_BUILT,
            self.psql_results: QUERY_RESULT,
            self.embedder_chunks: CHUNKS_BATCH,
        }

    def declarations(self) -> list[Declaration]:
        """Every exchange, queue and binding, in order, as pika channel calls (each service makes them)."""
        calls: list[Declaration] = [
            ("exchange_declare", {"exchange": self.events, "exchange_type": "topic", "durable": True}),
            ("exchange_declare", {"exchange": self.dead_letter_exchange, "exchange_type": "fanout",
                                  "durable": True}),
            ("queue_declare", {"queue": self.dead_letter_queue, "durable": True,
                               "arguments": {"x-queue-type": "quorum"}}),
            ("queue_bind", {"queue": self.dead_letter_queue, "exchange": self.dead_letter_exchange}),
        ]
        for queue, routing_key in self.bindings().items():
            arguments: dict[str, object] = {
                "x-queue-type": "quorum",
                "x-delivery-limit": DELIVERY_LIMIT,
                "x-dead-letter-exchange": self.dead_letter_exchange,
            }
            if queue == self.embedder_chunks:  # one writer per snapshot: one active embedder at a time
                arguments["x-single-active-consumer"] = True
            calls.append(("queue_declare", {"queue": queue, "durable": True, "arguments": arguments}))
            calls.append(
                ("queue_bind", {"queue": queue, "exchange": self.events, "routing_key": routing_key})
            )
        return calls

    def reply_queue_declaration(self, instance: str) -> Declaration:
        """A per-gateway-instance reply queue that outlives short disconnects (expires after 60 s)."""
        return ("queue_declare", {"queue": self.reply_queue(instance), "durable": False,
                                  "arguments": {"x-expires": 60_000}})

    def cancellations_binding(self, queue: str) -> Declaration:
        """Bind an instance's own queue (exclusive, server-named) to the gateway's cancellations."""
        return ("queue_bind", {"queue": queue, "exchange": self.events, "routing_key": QUERY_CANCELLED})

    def declare(self, channel: BlockingChannel) -> None:
        """Idempotently declare everything on a blocking channel (the workers); the gateway makes the
        same calls on its asyncio channel (pii_filter/broker.py)."""
        for method, arguments in self.declarations():
            getattr(channel, method)(**arguments)

    def stage_queues(self) -> dict[str, tuple[str, ...]]:
        """The live path's work queues by the service that consumes them: what each stage scales on."""
        return {
            "rag_core": (self.rag_queries,),
            "llm_connector": (self.llm_prompts,),
            "psql_worker": (self.psql_accepted, self.psql_results),
        }

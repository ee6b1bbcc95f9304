"""pika's asyncio adapter as awaitables, for a service whose AMQP link shares its event loop (the gateway).

- `connect` opens an AsyncioConnection on the running loop and returns a future that resolves when
  the connection closes.
- `AsyncChannel.call(method, **kwargs)` awaits one channel RPC (declare, bind, consume): the same
  calls `Topology.declarations()` lists for the workers' blocking channels. Every call still waiting
  fails with the close reason when the channel closes (a passive declare of a missing queue does that).
- `AsyncChannel.publish` with publisher confirms returns a future: it resolves on the broker's ack,
  raises `PublishRefused` for a nacked or returned (unroutable, with `mandatory`) message, and
  `PublishLost` when the channel closes first (the broker may have the message).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, TypeVar

import pika
import pika.exceptions
from pika.adapters.asyncio_connection import AsyncioConnection
from pika.channel import Channel
from pika.spec import Basic

T = TypeVar("T")


class PublishRefused(Exception):
    """The broker did not take the message: it nacked it, or no queue is bound for its routing key."""


class PublishLost(Exception):
    """The channel closed before the broker confirmed the message; it may have been queued."""


async def connect(parameters: pika.URLParameters) -> tuple[AsyncioConnection, asyncio.Future[BaseException]]:
    """An open connection on the running loop, and a future that resolves (with the reason) once it closes."""
    loop = asyncio.get_running_loop()
    opened: asyncio.Future[None] = loop.create_future()
    closed: asyncio.Future[BaseException] = loop.create_future()

    def on_open_error(_connection: Any, error: BaseException | str) -> None:
        reason = error if isinstance(error, BaseException) else pika.exceptions.AMQPConnectionError(error)
        _fail(opened, reason)

    connection = AsyncioConnection(
        parameters,
        on_open_callback=lambda _connection: _settle(opened, None),
        on_open_error_callback=on_open_error,
        on_close_callback=lambda _connection, reason: _settle(closed, reason),
        custom_ioloop=loop,
    )
    try:
        await opened
    except BaseException:  # refused, or cancelled while connecting
        if not (connection.is_closed or connection.is_closing):
            with contextlib.suppress(pika.exceptions.AMQPError):
                connection.close()
        raise
    return connection, closed


class AsyncChannel:
    """One pika channel on the event loop, with awaitable RPCs and confirmed publishing."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self._waiting: set[asyncio.Future[Any]] = set()
        self._unconfirmed: dict[int, tuple[asyncio.Future[None], str | None]] = {}
        self._returned: set[str | None] = set()  # message ids the broker returned as unroutable
        self._published = 0
        channel.add_on_close_callback(self._on_close)

    @classmethod
    async def open(cls, connection: AsyncioConnection) -> AsyncChannel:
        loop = asyncio.get_running_loop()
        opened: asyncio.Future[Channel] = loop.create_future()
        channel = connection.channel(on_open_callback=lambda ch: _settle(opened, ch))
        channel.add_on_close_callback(lambda _ch, reason: _fail(opened, reason))
        return cls(await opened)

    @property
    def is_open(self) -> bool:
        return bool(self.channel.is_open)

    async def call(self, method: str, **arguments: Any) -> Any:
        """Run a channel method that answers with a frame (queue_declare, basic_consume ...)."""
        waiter = self._waiter()
        getattr(self.channel, method)(callback=lambda frame: _settle(waiter, frame), **arguments)
        return await waiter

    async def confirm_deliveries(self) -> None:
        """Publisher confirms on, and returned messages noted, for `publish`."""
        self.channel.add_on_return_callback(self._on_return)
        waiter = self._waiter()
        self.channel.confirm_delivery(self._on_confirm, callback=lambda frame: _settle(waiter, frame))
        await waiter

    def publish(
        self, *, exchange: str, routing_key: str, body: bytes, properties: pika.BasicProperties,
        mandatory: bool = False,
    ) -> asyncio.Future[None]:
        """Send now (pika raises at once if the channel is closed); the future settles on the confirm."""
        self.channel.basic_publish(exchange, routing_key, body, properties, mandatory)
        self._published += 1
        confirmed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._unconfirmed[self._published] = (confirmed, properties.message_id)
        return confirmed

    def _waiter(self) -> asyncio.Future[Any]:
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.add(waiter)
        waiter.add_done_callback(self._waiting.discard)
        return waiter

    def _on_return(self, _channel: Any, _method: Any, properties: pika.BasicProperties, _body: bytes) -> None:
        self._returned.add(properties.message_id)  # the broker sends the ack for it right after

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        acked = isinstance(method, Basic.Ack)
        last = method.delivery_tag
        tags = [tag for tag in self._unconfirmed if tag <= last] if method.multiple else [last]
        for tag in tags:
            entry = self._unconfirmed.pop(tag, None)
            if entry is None:
                continue
            confirmed, message_id = entry
            if not acked:
                _fail(confirmed, PublishRefused("the broker nacked the message"))
            elif message_id in self._returned:
                self._returned.discard(message_id)
                _fail(confirmed, PublishRefused("no queue is bound for the message"))
            else:
                _settle(confirmed, None)

    def _on_close(self, _channel: Any, reason: BaseException) -> None:
        for waiter in list(self._waiting):
            _fail(waiter, reason)
        for confirmed, _message_id in self._unconfirmed.values():
            _fail(confirmed, PublishLost(f"channel closed before the confirm: {reason.__class__.__name__}"))
        self._unconfirmed.clear()


def _settle(future: asyncio.Future[T], value: T) -> None:
    if not future.done():  # the waiter may have given up (timeout, cancellation)
        future.set_result(value)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)

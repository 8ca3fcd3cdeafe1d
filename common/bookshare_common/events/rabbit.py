"""RabbitMQ transport (aio-pika): durable topic exchange, a quorum queue per consuming service with a
dead-letter queue behind it, persistent messages published with confirms, reconnection on loss."""

from __future__ import annotations

from collections.abc import Iterable

import aio_pika
import aiormq
import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from bookshare_common.events.transport import (
    DEAD_LETTER_EXCHANGE,
    EXCHANGE,
    DeadLetter,
    OnMessage,
    TransportError,
    UnroutableError,
    dead_letter_queue_name,
    queue_name,
)

log = structlog.get_logger(__name__)

REASON_HEADER = "x-bookshare-reason"
# A message that crashes its consumer again and again (the process dies mid-handler) is dead-lettered
# by the broker after this many deliveries; ordinary failures are retried and dead-lettered by the consumer.
DELIVERY_LIMIT = 20


class _RabbitDelivery:
    def __init__(self, transport: RabbitTransport, service: str, message: AbstractIncomingMessage) -> None:
        self._transport = transport
        self._service = service
        self._message = message
        self.body = message.body
        self.message_id = message.message_id
        self.redelivered = bool(message.redelivered)

    async def ack(self) -> None:
        await self._message.ack()

    async def dead_letter(self, reason: str) -> None:
        # Published by us (not a plain reject) so the dead letter carries the reason.
        await self._transport._publish_dead_letter(self._service, self.body, self.message_id, reason)
        await self._message.ack()


class RabbitTransport:
    def __init__(self, url: str, *, namespace: str = "bookshare") -> None:
        # The namespace prefixes the exchanges and queues, so that test runs can share one broker.
        self._url = url
        self._ns = namespace
        self._exchange_name = EXCHANGE.replace("bookshare", namespace, 1)
        self._dlx_name = DEAD_LETTER_EXCHANGE.replace("bookshare", namespace, 1)
        self._connection: AbstractRobustConnection | None = None
        self._publish_channel: aio_pika.abc.AbstractRobustChannel | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None
        self._dlx: aio_pika.abc.AbstractExchange | None = None
        self._consumers: dict[str, list[tuple[aio_pika.abc.AbstractChannel, aio_pika.abc.AbstractQueue, str]]] = {}

    async def connect(self) -> None:
        try:
            self._connection = await aio_pika.connect_robust(self._url, reconnect_interval=1.0)
        except (OSError, aiormq.exceptions.AMQPError) as exc:
            raise TransportError(f"cannot reach RabbitMQ: {exc}") from exc
        self._publish_channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        self._exchange, self._dlx = await self._declare_exchanges(self._publish_channel)

    async def _declare_exchanges(self, channel: aio_pika.abc.AbstractChannel):  # noqa: ANN202
        exchange = await channel.declare_exchange(self._exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        dlx = await channel.declare_exchange(self._dlx_name, aio_pika.ExchangeType.DIRECT, durable=True)
        return exchange, dlx

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed and self._channel_open()

    def _channel_open(self) -> bool:
        return self._publish_channel is not None and not self._publish_channel.is_closed

    async def publish(self, body: bytes, *, routing_key: str, message_id: str) -> None:
        if self._exchange is None:
            raise TransportError("not connected")
        message = aio_pika.Message(
            body,
            message_id=message_id,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        try:
            confirmation = await self._exchange.publish(message, routing_key=routing_key, mandatory=True, timeout=10)
        except aio_pika.exceptions.DeliveryError as exc:
            if exc.message is not None:  # returned by the broker: nothing is bound to this key
                raise UnroutableError(f"no queue is bound to {routing_key!r}") from exc
            raise TransportError(f"publish not confirmed: {exc}") from exc
        except (TimeoutError, aiormq.exceptions.AMQPError, aio_pika.exceptions.AMQPException, ConnectionError,
                RuntimeError) as exc:
            raise TransportError(f"publish failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(confirmation, aiormq.spec.Basic.Ack):
            raise TransportError(f"the broker did not confirm the publish: {confirmation!r}")

    def _queue_name(self, service: str) -> str:
        return queue_name(service).replace("bookshare", self._ns, 1)

    def _dlq_name(self, service: str) -> str:
        return dead_letter_queue_name(service).replace("bookshare", self._ns, 1)

    async def delete_everything(self, services: Iterable[str]) -> None:
        """Remove this namespace's queues and exchanges (tests clean up after themselves)."""
        assert self._connection is not None
        channel = await self._connection.channel()
        try:
            for service in services:
                await channel.queue_delete(self._queue_name(service))
                await channel.queue_delete(self._dlq_name(service))
            await channel.exchange_delete(self._exchange_name)
            await channel.exchange_delete(self._dlx_name)
        finally:
            await channel.close()

    async def _declare_queues(self, channel: aio_pika.abc.AbstractChannel, service: str,
                              routing_keys: Iterable[str]) -> aio_pika.abc.AbstractQueue:
        exchange, dlx = await self._declare_exchanges(channel)
        dlq = await channel.declare_queue(self._dlq_name(service), durable=True,
                                          arguments={"x-queue-type": "quorum"})
        await dlq.bind(dlx, routing_key=service)
        queue = await channel.declare_queue(
            self._queue_name(service),
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                "x-dead-letter-exchange": self._dlx_name,
                "x-dead-letter-routing-key": service,
                "x-delivery-limit": DELIVERY_LIMIT,
            },
        )
        for key in routing_keys:
            await queue.bind(exchange, routing_key=key)
        return queue

    async def declare(self, service: str, routing_keys: Iterable[str]) -> None:
        """Create the service's queues and bindings without consuming (so nothing published is unroutable)."""
        assert self._connection is not None
        channel = await self._connection.channel()
        try:
            await self._declare_queues(channel, service, routing_keys)
        finally:
            await channel.close()

    async def consume(self, service: str, routing_keys: Iterable[str], on_message: OnMessage,
                      *, prefetch: int = 32) -> None:
        if self._connection is None:
            raise TransportError("not connected")
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=prefetch)
        queue = await self._declare_queues(channel, service, list(routing_keys))

        async def deliver(message: AbstractIncomingMessage) -> None:
            try:
                await on_message(_RabbitDelivery(self, service, message))
            except Exception:  # noqa: BLE001 - unsettled: the broker redelivers it
                log.exception("consumer failed", service=service, message_id=message.message_id)
                await message.nack(requeue=True)

        tag = await queue.consume(deliver)
        self._consumers.setdefault(service, []).append((channel, queue, tag))

    async def cancel(self, service: str) -> None:
        for channel, queue, tag in self._consumers.pop(service, []):
            try:
                await queue.cancel(tag)
                await channel.close()
            except (aiormq.exceptions.AMQPError, aio_pika.exceptions.AMQPException, RuntimeError):
                pass  # the connection is already gone: the broker requeues unacknowledged messages

    async def _publish_dead_letter(self, service: str, body: bytes, message_id: str | None, reason: str) -> None:
        if self._dlx is None:
            raise TransportError("not connected")
        message = aio_pika.Message(
            body,
            message_id=message_id,
            headers={REASON_HEADER: reason[:1000]},
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await self._dlx.publish(message, routing_key=service, mandatory=True, timeout=10)

    async def dead_letters(self, service: str) -> list[DeadLetter]:
        assert self._connection is not None
        channel = await self._connection.channel()
        letters: list[DeadLetter] = []
        try:
            queue = await channel.declare_queue(self._dlq_name(service), durable=True,
                                                arguments={"x-queue-type": "quorum"})
            while (message := await queue.get(fail=False, timeout=5)) is not None:
                headers = message.headers or {}
                reason = headers.get(REASON_HEADER)
                if reason is None:  # dead-lettered by the broker itself (delivery limit)
                    reason = f"dead-lettered by the broker: {headers.get('x-first-death-reason', 'unknown')}"
                letters.append(DeadLetter(message.body, message.message_id, str(reason)))
                await message.ack()
        finally:
            await channel.close()
        return letters

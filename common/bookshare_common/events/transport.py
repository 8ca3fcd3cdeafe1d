"""What the outbox relay and the consumers need from a message broker, and the in-process broker.

Two transports share this interface: `InMemoryTransport` (one process, `make run`) and
`RabbitTransport` (RabbitMQ through aio-pika, see rabbit.py). Both refuse unroutable publishes,
dead-letter with a reason, and redeliver what a consumer did not acknowledge.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import structlog

log = structlog.get_logger(__name__)

EXCHANGE = "bookshare.events"
DEAD_LETTER_EXCHANGE = "bookshare.dlx"


def queue_name(service: str) -> str:
    return f"bookshare.{service}"


def dead_letter_queue_name(service: str) -> str:
    return f"bookshare.{service}.dlq"


class TransportError(RuntimeError):
    """The broker could not take the message now; try again later."""


class UnroutableError(TransportError):
    """No queue is bound to the message's routing key: publishing it would drop it."""


class Delivery(Protocol):
    body: bytes
    message_id: str | None
    redelivered: bool

    async def ack(self) -> None: ...

    async def dead_letter(self, reason: str) -> None: ...


OnMessage = Callable[[Delivery], Awaitable[None]]


@dataclass
class DeadLetter:
    body: bytes
    message_id: str | None
    reason: str


class Transport(Protocol):
    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    @property
    def connected(self) -> bool: ...

    async def publish(self, body: bytes, *, routing_key: str, message_id: str) -> None:
        """Return once the broker has the message (confirmed); raise TransportError otherwise."""

    async def consume(self, service: str, routing_keys: Iterable[str], on_message: OnMessage,
                      *, prefetch: int = 32) -> None:
        """Declare the service's queue bound to `routing_keys` and start delivering to `on_message`."""

    async def cancel(self, service: str) -> None:
        """Stop delivering to the service's consumers; what is not yet delivered stays queued."""

    async def dead_letters(self, service: str) -> list[DeadLetter]:
        """Drain the service's dead-letter queue (operators and tests read it)."""


@dataclass
class _Message:
    body: bytes
    message_id: str | None
    redelivered: bool = False


@dataclass
class _MemoryDelivery:
    transport: InMemoryTransport
    service: str
    message: _Message
    settled: bool = False

    @property
    def body(self) -> bytes:
        return self.message.body

    @property
    def message_id(self) -> str | None:
        return self.message.message_id

    @property
    def redelivered(self) -> bool:
        return self.message.redelivered

    async def ack(self) -> None:
        self.settled = True

    async def dead_letter(self, reason: str) -> None:
        self.transport._dlq[self.service].append(DeadLetter(self.body, self.message_id, reason))
        self.settled = True


@dataclass
class _MemoryQueue:
    messages: deque[_Message] = field(default_factory=deque)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


class InMemoryTransport:
    """A broker inside the process: same routing, dead-lettering and redelivery rules as RabbitMQ."""

    def __init__(self) -> None:
        self._queues: dict[str, _MemoryQueue] = {}
        self._bindings: dict[str, set[str]] = defaultdict(set)
        self._dlq: dict[str, list[DeadLetter]] = defaultdict(list)
        self._tasks: list[asyncio.Task[None]] = []
        self._consumers: dict[str, list[asyncio.Task[None]]] = defaultdict(list)
        self._connected = False
        self._generation = 0
        self._service_generation: dict[str, int] = defaultdict(int)

    async def connect(self) -> None:
        self._connected = True

    async def close(self, grace: float = 5.0) -> None:
        """Let each consumer finish the message in hand (cancelling a handler mid-transaction can wedge a
        SQLite connection), then stop; what is left stays queued for the next consumer."""
        self._connected = False
        self._generation += 1  # consumers of the closed connection stop, even if it is opened again
        current = asyncio.current_task()
        tasks, self._tasks = [t for t in self._tasks if t is not current], []
        for queue in self._queues.values():
            queue.ready.set()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def connected(self) -> bool:
        return self._connected

    def declare(self, service: str, routing_keys: Iterable[str]) -> None:
        self._queues.setdefault(service, _MemoryQueue())
        for key in routing_keys:
            self._bindings[key].add(service)

    async def publish(self, body: bytes, *, routing_key: str, message_id: str) -> None:
        if not self._connected:
            raise TransportError("the in-process broker is closed")
        services = self._bindings.get(routing_key)
        if not services:
            raise UnroutableError(f"no queue is bound to {routing_key!r}")
        for service in services:
            queue = self._queues[service]
            queue.messages.append(_Message(body, message_id))
            queue.ready.set()

    async def consume(self, service: str, routing_keys: Iterable[str], on_message: OnMessage,
                      *, prefetch: int = 32) -> None:
        self.declare(service, routing_keys)
        task = asyncio.create_task(self._deliver(service, on_message), name=f"consume:{service}")
        self._tasks.append(task)
        self._consumers[service].append(task)

    async def cancel(self, service: str, grace: float = 5.0) -> None:
        self._service_generation[service] += 1
        tasks, self._consumers[service] = self._consumers[service], []
        if service in self._queues:
            self._queues[service].ready.set()
        current = asyncio.current_task()
        tasks = [t for t in tasks if t is not current]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(self, service: str, on_message: OnMessage) -> None:
        queue = self._queues[service]
        generation, mine = self._generation, self._service_generation[service]
        while self._connected and generation == self._generation and mine == self._service_generation[service]:
            if not queue.messages:
                queue.ready.clear()
                await queue.ready.wait()
                continue
            message = queue.messages.popleft()
            delivery = _MemoryDelivery(self, service, message)
            try:
                await on_message(delivery)
            except Exception:  # noqa: BLE001 - a failing consumer must not stop the queue
                log.exception("consumer failed", service=service, message_id=message.message_id)
                await asyncio.sleep(0.1)
            finally:
                if not delivery.settled:
                    # Not acknowledged (the consumer failed or was stopped): deliver it again, first.
                    message.redelivered = True
                    queue.messages.appendleft(message)
                    queue.ready.set()

    async def dead_letters(self, service: str) -> list[DeadLetter]:
        letters, self._dlq[service] = self._dlq[service], []
        return letters

    def pending(self, service: str) -> int:
        return len(self._queues[service].messages) if service in self._queues else 0

"""The event platform: envelope, schemas, outbox and relay, inbox and consumers, transports."""

from bookshare_common.events.consumer import Consumer, Handler, record_in_inbox
from bookshare_common.events.envelope import Envelope, EventError
from bookshare_common.events.outbox import OutboxRelay, emit, pending_count
from bookshare_common.events.tables import add_platform_tables, inbox, outbox
from bookshare_common.events.transport import InMemoryTransport, Transport, TransportError, UnroutableError


def connect_transport(url: str) -> Transport:
    """The transport named by a broker URL: memory:// (in-process) or amqp(s)://."""
    if url.startswith("memory:"):
        return InMemoryTransport()
    if url.startswith(("amqp://", "amqps://")):
        from bookshare_common.events.rabbit import RabbitTransport

        return RabbitTransport(url)
    raise ValueError(f"unsupported broker URL scheme: {url.split(':', 1)[0]!r} (use memory:// or amqp://)")


__all__ = [
    "Consumer", "Envelope", "EventError", "Handler", "InMemoryTransport", "OutboxRelay", "Transport",
    "TransportError", "UnroutableError", "add_platform_tables", "connect_transport", "emit", "inbox", "outbox",
    "pending_count", "record_in_inbox",
]

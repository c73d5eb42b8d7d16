"""The one error hierarchy of footfall-client.

Only programming mistakes raise into the application (an unknown provider, a bad option, a
track call without an event name). Everything that happens on the network is reported to the
``on_error`` callback and counted, never raised, unless a script asked for that with
``sync=True, fail_silently=False``.
"""

from __future__ import annotations


class FootfallClientError(Exception):
    """Base class of every error footfall-client raises or reports."""


class ConfigurationError(FootfallClientError, ValueError):
    """A provider name or option is wrong. Raised when the Provider is built."""


class UnknownProviderError(ConfigurationError):
    """The provider name is not in the registry."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = sorted(known)
        super().__init__(f"unknown provider {name!r}; known providers: {', '.join(self.known)}")


class InvalidMessageError(FootfallClientError, ValueError):
    """A call was missing a required field, e.g. ``track()`` without an event name."""


class DeliveryError(FootfallClientError):
    """Base class of the errors handed to ``on_error``: the messages given with it were not sent."""


class QueueFullError(DeliveryError):
    """The queue was full, so the message was dropped instead of blocking the caller."""


class MessageTooLargeError(DeliveryError):
    """One message encodes to more bytes than its platform accepts."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(f"message is {size} bytes, over the platform limit of {limit}")


class EncodeError(DeliveryError):
    """A message could not be turned into its platform's wire format."""


class TransportError(DeliveryError):
    """The request did not get an HTTP answer (refused, reset, timed out). Retried."""


class APIError(DeliveryError):
    """The server answered with a failure.

    ``retryable`` is true for 408, 429 and 5xx. ``retry_after`` holds the seconds the server
    asked the client to wait (``Retry-After``), if it said so.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.retryable = is_retryable_status(status) if retryable is None else retryable
        self.retry_after = retry_after
        super().__init__(f"HTTP {status}: {message}")


class RejectedError(DeliveryError):
    """The server accepted the request but rejected some messages in it. Not retried."""


class ShutdownError(DeliveryError):
    """The process was exiting and the messages could not be sent in time."""


def is_retryable_status(status: int) -> bool:
    """408, 429 and 5xx are worth retrying; any other 4xx will fail the same way again."""
    return status in (408, 429) or status >= 500

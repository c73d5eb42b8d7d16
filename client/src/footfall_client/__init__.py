"""footfall-client: server-side analytics for Python, to Footfall or the platform you use.

from footfall_client import Provider
analytics = Provider("footfall", "<write key>", host="https://stats.example.com")
analytics.pageview({"url": "https://example.com/pricing", "ip": ip, "user_agent": ua})
analytics.track("Signed Up", {"plan": "pro"}, user_id="42")
"""

from ._version import __version__
from .anonymize import (
    RARE_USER_AGENT,
    anonymize_ip_address,
    anonymize_user_agent,
    generate_client_id,
)
from .client import Provider
from .errors import (
    APIError,
    ConfigurationError,
    DeliveryError,
    EncodeError,
    FootfallClientError,
    InvalidMessageError,
    MessageTooLargeError,
    QueueFullError,
    RejectedError,
    ShutdownError,
    TransportError,
    UnknownProviderError,
)
from .providers import REGISTRY
from .transport import HTTPTransport, Request, Response, Transport

__all__ = [
    "RARE_USER_AGENT",
    "REGISTRY",
    "APIError",
    "ConfigurationError",
    "DeliveryError",
    "EncodeError",
    "FootfallClientError",
    "HTTPTransport",
    "InvalidMessageError",
    "MessageTooLargeError",
    "Provider",
    "QueueFullError",
    "RejectedError",
    "Request",
    "Response",
    "ShutdownError",
    "Transport",
    "TransportError",
    "UnknownProviderError",
    "__version__",
    "anonymize_ip_address",
    "anonymize_user_agent",
    "generate_client_id",
]

"""The provider registry: a platform name → the destination class that speaks its protocol."""

from __future__ import annotations

from .base import Destination, HTTPDestination
from .footfall import FootfallDestination
from .ga4 import GA4Destination
from .googleanalytics import UniversalAnalyticsDestination
from .memory import MemoryDestination, NullDestination
from .mixpanel import MixpanelDestination
from .plausible import PlausibleDestination
from .posthog import PostHogDestination
from .segment import SegmentDestination

REGISTRY: dict[str, type[Destination]] = {
    "footfall": FootfallDestination,
    "plausible": PlausibleDestination,
    "ga4": GA4Destination,
    "googleanalytics": UniversalAnalyticsDestination,
    "mixpanel": MixpanelDestination,
    "segment": SegmentDestination,
    "posthog": PostHogDestination,
    "memory": MemoryDestination,
    "null": NullDestination,
}

__all__ = [
    "REGISTRY",
    "Destination",
    "FootfallDestination",
    "GA4Destination",
    "HTTPDestination",
    "MemoryDestination",
    "MixpanelDestination",
    "NullDestination",
    "PlausibleDestination",
    "PostHogDestination",
    "SegmentDestination",
    "UniversalAnalyticsDestination",
]

"""Which address is the visitor's: the socket peer, or X-Forwarded-For behind trusted proxies.

X-Forwarded-For is believed only when the peer is a trusted proxy, and then read from
the right, skipping further trusted proxies, so a visitor cannot spoof their address
by sending the header themselves.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    if not trusted or not forwarded_for or not _trusted(peer, trusted):
        return peer
    for part in reversed(forwarded_for.split(",")):
        candidate = part.strip()
        if candidate.startswith("[") and "]" in candidate:  # [v6]:port
            candidate = candidate[1 : candidate.index("]")]
        elif candidate.count(":") == 1:  # v4:port
            candidate = candidate.split(":", 1)[0]
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return peer
        if not _trusted(candidate, trusted):
            return candidate
    return peer

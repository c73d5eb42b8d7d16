"""X-Forwarded-For is believed only from trusted proxies, read right to left."""

from __future__ import annotations

import ipaddress

import pytest

from footfall.collector.client_ip import client_ip

PROXY = [ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("peer", "xff", "trusted", "expected"),
    [
        ("1.1.1.1", "9.9.9.9", [], "1.1.1.1"),
        ("1.1.1.1", "9.9.9.9", PROXY, "1.1.1.1"),  # not from a proxy: spoof ignored
        ("10.0.0.2", "9.9.9.9", PROXY, "9.9.9.9"),
        ("10.0.0.2", "6.6.6.6, 9.9.9.9, 10.0.0.7", PROXY, "9.9.9.9"),
        ("10.0.0.2", "9.9.9.9:4431", PROXY, "9.9.9.9"),
        ("10.0.0.2", "[2001:db8::1]:443", PROXY, "2001:db8::1"),
        ("10.0.0.2", "garbage", PROXY, "10.0.0.2"),
        ("10.0.0.2", "10.0.0.3", PROXY, "10.0.0.2"),
    ],
)
def test_client_ip(peer, xff, trusted, expected):
    assert client_ip(peer, xff, trusted) == expected

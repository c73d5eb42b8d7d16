"""Anonymizers: fixed examples and properties over generated input."""

from __future__ import annotations

import ipaddress
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footfall_client import (
    RARE_USER_AGENT,
    anonymize_ip_address,
    anonymize_user_agent,
    generate_client_id,
)

FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    ("given_ip", "expected"),
    [
        ("12.34.56.78", "12.34.0.0"),
        (" 192.168.1.254 ", "192.168.0.0"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
        ("::1", "::"),
        ("::ffff:12.34.56.78", "::ffff:12.34.0.0"),
        ("not an ip", None),
        ("", None),
        (None, None),
    ],
)
def test_anonymize_ip_examples(given_ip, expected):
    assert anonymize_ip_address(given_ip) == expected


@given(st.ip_addresses(v=4))
def test_ipv4_keeps_the_first_two_bytes_only(address):
    result = ipaddress.IPv4Address(anonymize_ip_address(str(address)))
    assert result.packed[:2] == address.packed[:2]
    assert result.packed[2:] == b"\0\0"
    assert anonymize_ip_address(str(result)) == str(result)  # idempotent


@given(st.ip_addresses(v=6).filter(lambda a: a.ipv4_mapped is None))
def test_ipv6_zeroes_the_last_80_bits(address):
    result = ipaddress.IPv6Address(anonymize_ip_address(str(address)))
    assert int(result) >> 80 == int(address) >> 80
    assert int(result) & ((1 << 80) - 1) == 0


@given(st.text(alphabet="xyzqgh-_ ;/()", max_size=40))
def test_garbage_is_never_an_address(text):
    assert anonymize_ip_address(text) is None


@pytest.mark.parametrize("use_ua_parser", [False, True])
def test_common_user_agents_are_kept(use_ua_parser):
    if use_ua_parser:
        pytest.importorskip("ua_parser")
    for agent in (FIREFOX, IPHONE):
        assert anonymize_user_agent(agent, use_ua_parser=use_ua_parser) == agent
    for agent in ("", "   ", None, "MyInternalTool/3.2", "curl/8.4.0"):
        assert anonymize_user_agent(agent, use_ua_parser=use_ua_parser) == RARE_USER_AGENT


@given(st.text(max_size=200))
def test_user_agent_is_kept_or_replaced_never_altered(agent):
    result = anonymize_user_agent(agent, use_ua_parser=False)
    assert result in (agent, RARE_USER_AGENT)
    assert anonymize_user_agent(result, use_ua_parser=False) == result


@given(st.text(alphabet="abdefjkmpquvwz0123456789 .;", max_size=80))
def test_agents_without_browser_or_os_tokens_are_rare(agent):
    assert anonymize_user_agent(agent, use_ua_parser=False) == RARE_USER_AGENT


@given(st.text(max_size=100))
def test_client_id_from_a_secret_is_a_stable_uuid4(secret):
    client_id = generate_client_id(secret)
    parsed = uuid.UUID(client_id)
    assert str(parsed) == client_id and parsed.version == 4
    assert generate_client_id(secret) == client_id
    assert generate_client_id(secret + "!") != client_id


def test_client_id_without_a_secret_is_fresh_each_time():
    ids = {generate_client_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(uuid.UUID(i).version == 4 for i in ids)
    assert generate_client_id("s$1.2.3.4$ua") == generate_client_id("s$1.2.3.4$ua")

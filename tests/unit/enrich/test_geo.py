from __future__ import annotations

import ipaddress
import struct
from pathlib import Path
from typing import Any

import pytest

from footfall.enrich.geo import (
    GeoInfo,
    GeoIP2FastLookup,
    MaxMindLookup,
    geo_from_record,
    make_geo_lookup,
    public_ip,
)
from footfall.errors import SettingsError

NOT_PUBLIC = [
    "", "garbage", "999.1.1.1", "10.0.0.1", "192.168.1.10", "172.16.5.4", "127.0.0.1",
    "169.254.1.1", "100.64.0.1", "192.0.2.1", "203.0.113.5", "224.0.0.1", "0.0.0.0",
    "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "2001:db8::1", "::ffff:10.0.0.1",
]  # fmt: skip


@pytest.fixture(scope="module")
def geoip2fast() -> GeoIP2FastLookup:
    return GeoIP2FastLookup()


@pytest.mark.parametrize(
    ("ip", "country"),
    [
        ("8.8.8.8", "US"),  # Google Public DNS
        ("2001:4860:4860::8888", "US"),  # Google Public DNS, IPv6
        ("::ffff:8.8.8.8", "US"),  # IPv4-mapped
        (" 8.8.8.8 ", "US"),
        ("193.0.6.139", "NL"),  # RIPE NCC, Amsterdam
        ("2001:67c:2e8:22::c100:68b", "NL"),  # RIPE NCC, IPv6
        ("81.2.69.142", "GB"),  # MaxMind's own test address
        ("212.58.244.20", "GB"),  # BBC
        ("200.160.2.3", "BR"),  # NIC.br
        ("133.242.0.3", "JP"),
    ],
)
def test_geoip2fast_country(geoip2fast: GeoIP2FastLookup, ip: str, country: str) -> None:
    assert geoip2fast.lookup(ip) == GeoInfo(country=country)


@pytest.mark.parametrize("ip", NOT_PUBLIC)
def test_geoip2fast_private_and_invalid_are_empty(geoip2fast: GeoIP2FastLookup, ip: str) -> None:
    assert geoip2fast.lookup(ip) == GeoInfo()


@pytest.mark.parametrize("ip", NOT_PUBLIC)
def test_public_ip_rejects(ip: str) -> None:
    assert public_ip(ip) is None


def test_public_ip_normalises() -> None:
    assert public_ip("::ffff:8.8.8.8") == "8.8.8.8"
    assert public_ip("[2001:4860:4860:0::8888]") == "2001:4860:4860::8888"


# --- a tiny MaxMind DB writer (IPv4 tree, 24-bit records), enough to test MaxMindLookup ---


def _control(type_: int, size: int) -> bytes:
    assert size < 29
    if type_ <= 7:
        return bytes([(type_ << 5) | size])
    return bytes([size, type_ - 7])


def _encode(value: Any) -> bytes:
    if isinstance(value, str):
        raw = value.encode()
        return _control(2, len(raw)) + raw
    if isinstance(value, dict):
        return _control(7, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    if isinstance(value, list):
        return _control(11, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, tuple):  # (type, int): uint16=5, uint32=6, uint64=9
        type_, number = value
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        return _control(type_, len(raw)) + raw
    raise TypeError(value)


def write_mmdb(path: Path, networks: dict[str, dict[str, Any]]) -> None:
    data = b""
    leaves: list[tuple[str, int]] = []
    for network, fields in networks.items():
        leaves.append((network, len(data)))
        data += _encode(fields)
    # The tree: nodes[i] = [left, right], each a node index, ("data", offset) or None.
    nodes: list[list[Any]] = [[None, None]]
    for network, offset in leaves:
        net = ipaddress.ip_network(network)
        bits = format(int(net.network_address), "032b")[: net.prefixlen]
        node = 0
        for i, bit in enumerate(bits):
            side = int(bit)
            if i == len(bits) - 1:
                nodes[node][side] = ("data", offset)
            else:
                if nodes[node][side] is None:
                    nodes.append([None, None])
                    nodes[node][side] = len(nodes) - 1
                node = nodes[node][side]
    count = len(nodes)

    def record(value: Any) -> int:
        if value is None:
            return count
        if isinstance(value, tuple):
            return count + 16 + value[1]
        return value

    tree = b"".join(
        struct.pack(">I", record(left))[1:] + struct.pack(">I", record(right))[1:]
        for left, right in nodes
    )
    metadata = {
        "node_count": (6, count),
        "record_size": (5, 24),
        "ip_version": (5, 4),
        "database_type": "GeoLite2-City",
        "languages": ["en"],
        "binary_format_major_version": (5, 2),
        "binary_format_minor_version": (5, 0),
        "build_epoch": (9, 1_700_000_000),
        "description": {"en": "Footfall test database"},
    }
    path.write_bytes(tree + bytes(16) + data + b"\xab\xcd\xefMaxMind.com" + _encode(metadata))


@pytest.fixture(scope="module")
def mmdb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("geo") / "city.mmdb"
    write_mmdb(
        path,
        {
            "8.8.8.0/24": {
                "country": {"iso_code": "US", "names": {"en": "United States"}},
                "subdivisions": [{"iso_code": "CA", "names": {"en": "California"}}],
                "city": {"names": {"en": "Mountain View", "de": "Mountain View"}},
            },
            "81.2.69.0/24": {"country": {"iso_code": "GB"}},
            "2.125.160.0/24": {"registered_country": {"iso_code": "GB"}},
        },
    )
    return path


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("8.8.8.8", GeoInfo("US", "US-CA", "Mountain View")),
        ("::ffff:8.8.8.8", GeoInfo("US", "US-CA", "Mountain View")),
        ("81.2.69.142", GeoInfo("GB")),
        ("2.125.160.216", GeoInfo()),  # no country, only a registered one
        ("1.1.1.1", GeoInfo()),  # not in the file
        ("2001:4860:4860::8888", GeoInfo()),  # IPv6 in an IPv4-only file
        ("10.0.0.1", GeoInfo()),
        ("garbage", GeoInfo()),
    ],
)
def test_maxmind_lookup(mmdb: Path, ip: str, expected: GeoInfo) -> None:
    assert MaxMindLookup(str(mmdb)).lookup(ip) == expected


def test_make_geo_lookup(mmdb: Path) -> None:
    assert isinstance(make_geo_lookup(str(mmdb)), MaxMindLookup)
    assert isinstance(make_geo_lookup(None), GeoIP2FastLookup)
    assert isinstance(make_geo_lookup(""), GeoIP2FastLookup)


def test_maxmind_missing_file_is_a_clear_settings_error(tmp_path: Path) -> None:
    missing = tmp_path / "GeoLite2-City.mmdb"
    with pytest.raises(SettingsError, match="no such file") as caught:
        MaxMindLookup(str(missing))
    assert str(missing) in str(caught.value)


def test_maxmind_garbage_file_is_a_clear_settings_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mmdb"
    bad.write_text("not a database")
    with pytest.raises(SettingsError, match="cannot be read"):
        MaxMindLookup(str(bad))


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (None, GeoInfo()),
        ({}, GeoInfo()),
        ({"country": {"iso_code": "de"}}, GeoInfo("DE")),
        ({"country": {"iso_code": "DE"}, "subdivisions": []}, GeoInfo("DE")),
        ({"country": {"iso_code": "DE"}, "subdivisions": [{"iso_code": "BE"}, {"iso_code": "X"}],
          "city": {"names": {"en": "Berlin"}}}, GeoInfo("DE", "DE-BE", "Berlin")),
        ({"country": {"iso_code": "FR"}, "city": {"names": {"fr": "Paris"}}}, GeoInfo("FR")),
        ({"continent": {"code": "EU"}}, GeoInfo()),
    ],
)  # fmt: skip
def test_geo_from_record(record: dict[str, Any] | None, expected: GeoInfo) -> None:
    assert geo_from_record(record) == expected

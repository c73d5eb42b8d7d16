"""Anonymizers applied before data leaves the application.

* :func:`anonymize_ip_address` keeps only the network part of an address.
* :func:`anonymize_user_agent` replaces an agent whose browser or OS is not recognised
  (and which could therefore single a person out) with ``"Rare user agent"``.
* :func:`generate_client_id` makes the UUID-shaped client id Google Analytics and others accept,
  either stable (derived from a secret) or fresh.
"""

from __future__ import annotations

import hashlib
import ipaddress
import uuid

from .markers import has_any, load_markers

RARE_USER_AGENT = "Rare user agent"

_IPV4_KEEP = 0xFFFF_0000  # first two bytes
_IPV6_KEEP = ((1 << 48) - 1) << 80  # first 48 bits; the last 80 are zeroed


def anonymize_ip_address(ip: str | None) -> str | None:
    """Zero the host part of an IP address.

    IPv4 loses its last two bytes (``12.34.56.78`` → ``12.34.0.0``), IPv6 its last 80 bits
    (``2001:db8:85a3:8d3:1319:8a2e:370:7348`` → ``2001:db8:85a3::``). An IPv4-mapped IPv6 address
    is treated as the IPv4 address it holds. Returns ``None`` for anything that is not an address.
    """
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"::ffff:{_anonymize_v4(address.ipv4_mapped)}"
        return str(ipaddress.IPv6Address(int(address) & _IPV6_KEEP))
    return _anonymize_v4(address)


def _anonymize_v4(address: ipaddress.IPv4Address) -> str:
    return str(ipaddress.IPv4Address(int(address) & _IPV4_KEEP))


def anonymize_user_agent(user_agent: str | None, *, use_ua_parser: bool | None = None) -> str:
    """Return ``user_agent`` unchanged if both its browser and OS family are recognised,
    else ``"Rare user agent"``.

    Families are recognised with the small built-in token list of ``data/markers.json``, or with
    ``ua-parser`` when it is installed (the ``footfall-client[ua]`` extra). ``use_ua_parser``
    forces one or the other; ``None`` picks ua-parser if it can be imported.
    """
    if not user_agent or not user_agent.strip():
        return RARE_USER_AGENT
    if use_ua_parser is None:
        use_ua_parser = _ua_parser_available()
    known = _known_by_ua_parser(user_agent) if use_ua_parser else _known_by_tokens(user_agent)
    return user_agent if known else RARE_USER_AGENT


def _known_by_tokens(user_agent: str) -> bool:
    markers = load_markers()
    return has_any(user_agent, markers.browsers) and has_any(user_agent, markers.operating_systems)


def _ua_parser_available() -> bool:
    try:
        import ua_parser  # noqa: F401
    except ImportError:
        return False
    return True


def _known_by_ua_parser(user_agent: str) -> bool:
    import ua_parser

    browser = ua_parser.parse_user_agent(user_agent)
    system = ua_parser.parse_os(user_agent)
    return (
        browser is not None
        and browser.family != "Other"
        and system is not None
        and system.family != "Other"
    )


def generate_client_id(user_secret: str | None = None) -> str:
    """A client id in the form Google Analytics accepts: a version-4 UUID string.

    With a secret (for example ``f"{secret}${ip}${user_agent}"`` or ``f"{secret}${user.id}"``)
    the id is derived from its SHA-256 digest, so the same secret always gives the same id and the
    secret cannot be read back from it. Without one, a fresh random uuid4 is returned each time.
    """
    if user_secret is None:
        return str(uuid.uuid4())
    digest = hashlib.sha256(user_secret.encode("utf-8", "surrogatepass")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))

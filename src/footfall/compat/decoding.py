"""Body decoding shared by the protocols: gzip by magic bytes, forms, base64 JSON, NDJSON.

Clients disagree on what their headers promise (mixpanel-js base64-encodes unless the host
is Mixpanel's, posthog-js gzips with a query hint), so the bytes decide, never the headers.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qsl

import orjson

from footfall.collector.asgi import Scope
from footfall.collector.batch import BodyError, decode_body

__all__ = ["BodyError", "decode_body", "form_fields", "json_or_base64", "ndjson", "query_params"]


def form_fields(raw: bytes | str) -> dict[str, str]:
    """A urlencoded body or query string; the first value of a repeated key wins."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    fields: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        fields.setdefault(key, value)
    return fields


def query_params(scope: Scope) -> dict[str, str]:
    return form_fields(scope.get("query_string", b""))


def looks_like_json(raw: bytes) -> bool:
    return raw.lstrip()[:1] in (b"{", b"[")


def json_or_base64(text: str | bytes) -> Any:
    """JSON as is, else base64 (standard or URL-safe, padding optional) of JSON."""
    raw = text.encode("utf-8", "replace") if isinstance(text, str) else text
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    compact = raw.strip().replace(b"\n", b"").replace(b" ", b"+")
    compact += b"=" * (-len(compact) % 4)
    try:
        decoded = base64.b64decode(compact.replace(b"-", b"+").replace(b"_", b"/"), validate=True)
        return orjson.loads(decoded)
    except (binascii.Error, ValueError) as exc:
        raise BodyError(400, "the payload is neither JSON nor base64-encoded JSON") from exc


def ndjson(raw: bytes) -> list[Any]:
    """One JSON value per line; a line that does not parse is the whole request's error."""
    values = []
    for number, line in enumerate(raw.splitlines(), 1):
        if line.strip():
            try:
                values.append(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                raise BodyError(400, f"line {number} is not valid JSON") from exc
    return values

"""`POST /api/batch`: Segment-shaped batches from Footfall's own server-side client.

Authenticated by a per-site write key (`Authorization: Bearer ffw_…`, or HTTP Basic with
the key as user name). Partial success: good messages are stored, each bad one is
reported by index, and the reply is 200 so well-behaved clients do not retry them.
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

import orjson

from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.segment import MAX_MESSAGES, parse_message, parse_time


class BodyError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bearer_or_basic_key(authorization: str) -> str:
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[0]
    return ""


def decode_body(raw: bytes, limit: int) -> bytes:
    """Gunzip when the bytes say gzip (whatever the headers claim), never past `limit`."""
    if raw[:2] != b"\x1f\x8b":
        return raw
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise BodyError(400, "the body starts like gzip but does not decompress") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise BodyError(413, f"the decompressed body is larger than {limit} bytes")
    return data


def parse_batch(
    raw: bytes, *, site_id: str, received_at, protocol: str = "footfall"
) -> tuple[list[Hit], list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BodyError(400, "the body is not valid JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("batch"), list):
        raise BodyError(400, 'the body must be an object with a "batch" list')
    messages = body["batch"]
    if len(messages) > MAX_MESSAGES:
        raise BodyError(400, f"at most {MAX_MESSAGES} messages per batch")
    try:
        sent_at = parse_time(body.get("sentAt"), "sentAt")
    except InvalidEvent as error:
        raise BodyError(400, f"{error.field}: {error.message}") from error
    hits: list[Hit] = []
    errors: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        try:
            hits.append(
                parse_message(
                    message,
                    index,
                    site_id=site_id,
                    received_at=received_at,
                    sent_at=sent_at,
                    protocol=protocol,
                )
            )
        except InvalidEvent as error:
            message_id = message.get("messageId") if isinstance(message, dict) else None
            errors.append(
                {
                    "index": index,
                    "messageId": message_id,
                    "field": error.field,
                    "reason": error.message,
                }
            )
    return hits, errors

"""AWS event-stream framing (``application/vnd.amazon.eventstream``), the encoding side.

A message is::

    [total length: u32][headers length: u32][prelude CRC32: u32]
    [headers][payload][message CRC32: u32]

big-endian, where the prelude CRC covers the first 8 bytes and the message CRC covers
everything before it. Each header is ``[name length: u8][name][type: u8][value]``; we only
write strings (type 7: ``[length: u16][utf-8]``). botocore's ``EventStreamBuffer``
decodes exactly this (see ``botocore/eventstream.py``).
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Mapping

__all__ = ["encode_message", "exception_event", "payload_part"]

_STRING = 7


def _header(name: str, value: str) -> bytes:
    raw_name = name.encode("utf-8")
    raw_value = value.encode("utf-8")
    return (
        struct.pack(">B", len(raw_name))
        + raw_name
        + struct.pack(">BH", _STRING, len(raw_value))
        + raw_value
    )


def encode_message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One framed event-stream message."""
    raw_headers = b"".join(_header(name, value) for name, value in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(raw_headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + raw_headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def payload_part(data: bytes) -> bytes:
    """A ``PayloadPart`` event of SageMaker's ``ResponseStream``."""
    return encode_message(
        {
            ":event-type": "PayloadPart",
            ":content-type": "application/octet-stream",
            ":message-type": "event",
        },
        data,
    )


def exception_event(exception_type: str, fields: Mapping[str, object]) -> bytes:
    """A modeled exception event (``ModelStreamError``, ``InternalStreamFailure``)."""
    return encode_message(
        {
            ":exception-type": exception_type,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        json.dumps(dict(fields)).encode(),
    )

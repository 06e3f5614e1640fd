"""HTTP requests and answers as the emulator sees them, and the two error formats."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final

import attrs

from ic_sdk.testing._resources import ServiceFault

__all__ = [
    "JSON_CONTENT_TYPE",
    "WireRequest",
    "WireResponse",
    "json_error",
    "json_headers",
    "request_id",
    "runtime_error",
]

JSON_CONTENT_TYPE: Final = "application/x-amz-json-1.1"


def request_id() -> str:
    return str(uuid.uuid4())


@attrs.frozen
class WireRequest:
    """An HTTP request; header names lower-case. ``size`` is the body's full length when
    the transport kept only its start (an oversized body)."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    size: int | None = None

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        headers: Mapping[str, str] | Any,
        body: bytes,
        size: int | None = None,
    ) -> WireRequest:
        lowered = {k.lower(): v for k, v in headers.items()}
        return cls(method.upper(), path, lowered, body, size)

    @property
    def length(self) -> int:
        return self.size if self.size is not None else len(self.body)


@attrs.frozen
class WireResponse:
    """An HTTP answer (header names spelled as AWS spells them); ``body`` is either all
    bytes or an async stream of chunks."""

    status: int
    headers: Mapping[str, str]
    body: bytes | AsyncIterator[bytes]


def json_headers() -> dict[str, str]:
    """The headers of a JSON 1.1 answer (a fresh request id each time)."""
    return {"Content-Type": JSON_CONTENT_TYPE, "x-amzn-RequestId": request_id()}


def json_error(fault: ServiceFault) -> WireResponse:
    """A JSON 1.1 error answer."""
    headers = json_headers()
    if not fault.code:
        return WireResponse(fault.status, headers, b"")
    body = {"__type": fault.code, "message": fault.message, **fault.fields}
    return WireResponse(fault.status, headers, json.dumps(body).encode())


def runtime_error(fault: ServiceFault) -> WireResponse:
    """A rest-json error answer (the code in ``x-amzn-ErrorType``)."""
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id()}
    if not fault.code:
        return WireResponse(fault.status, headers, b"")
    headers["x-amzn-ErrorType"] = fault.code
    body = {"ErrorCode": fault.code, "Message": fault.message, **fault.fields}
    return WireResponse(fault.status, headers, json.dumps(body).encode())

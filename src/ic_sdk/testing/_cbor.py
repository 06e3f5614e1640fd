"""CBOR bodies for the ``smithy-rpc-v2-cbor`` protocol (CloudWatch in current botocore).

A thin layer over ``cbor2`` (a dependency of ic_sdk for the emulator's sake), imported on
the first CloudWatch request so ``import ic_sdk.testing`` stays cheap. Timestamps travel
as CBOR tag 1 (epoch seconds), which is what botocore's ``RpcV2CBORParser`` reads; in
decoded requests they arrive as aware ``datetime`` objects.
"""

from __future__ import annotations

from typing import Any

__all__ = ["dumps", "loads"]


def loads(body: bytes) -> Any:
    """Decode a request body (empty means an empty map)."""
    if not body:
        return {}
    import cbor2

    return cbor2.loads(body)


def dumps(value: Any) -> bytes:
    """Encode an answer; ``datetime`` values become tag 1 epoch timestamps."""
    import cbor2

    return cbor2.dumps(value, datetime_as_timestamp=True)

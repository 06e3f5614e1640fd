"""CBOR bodies for the ``smithy-rpc-v2-cbor`` protocol (CloudWatch in current botocore).

A thin layer over ``cbor2``, imported on first use: the SDK itself never needs it, only
the emulator answering CloudWatch over CBOR does (``pip install 'ic-sdk[testing]'``).
Timestamps travel as CBOR tag 1 (epoch seconds), which is what botocore's
``RpcV2CBORParser`` reads; in decoded requests they arrive as aware ``datetime`` objects.
"""

from __future__ import annotations

from typing import Any

__all__ = ["dumps", "loads"]

_MISSING = (
    "LocalSageMaker answers CloudWatch's smithy-rpc-v2-cbor protocol with the cbor2 "
    "package, which is not installed: pip install 'ic-sdk[testing]' (or cbor2)"
)


def loads(body: bytes) -> Any:
    """Decode a request body (empty means an empty map)."""
    if not body:
        return {}
    try:
        import cbor2
    except ImportError as exc:  # pragma: no cover - the test environment has it
        raise RuntimeError(_MISSING) from exc
    return cbor2.loads(body)


def dumps(value: Any) -> bytes:
    """Encode an answer; ``datetime`` values become tag 1 epoch timestamps."""
    try:
        import cbor2
    except ImportError as exc:  # pragma: no cover - the test environment has it
        raise RuntimeError(_MISSING) from exc
    return cbor2.dumps(value, datetime_as_timestamp=True)

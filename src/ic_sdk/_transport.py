"""What sits between the client facade and aiobotocore: the botocore configuration
ic_sdk uses, the mapping of foreign exceptions into the error tree, the check that an
answer is readable, and a clock whose sleeps end when the client closes.
"""

from __future__ import annotations

import asyncio
import json
import traceback
from collections.abc import Callable, Mapping
from typing import Any, Literal

from ic_sdk.clock import Clock
from ic_sdk.errors import (
    ClientClosed,
    IcSdkError,
    MalformedResponse,
    TransportError,
    from_client_error,
)

__all__ = ["ClosingClock", "RetryMode", "aio_config", "answer_checker", "map_error"]

RetryMode = Literal["standard", "adaptive", "legacy"]

#: Exceptions botocore's parsers (and ic_sdk's converter) raise on values they cannot read.
_PARSE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, RuntimeError, OverflowError)


def aio_config(retry_mode: RetryMode, user_config: Any) -> Any:
    """The ``AioConfig`` of the clients ic_sdk creates; ``user_config``'s explicit settings win.

    botocore does not retry (``total_max_attempts=1``): :mod:`ic_sdk.retry` does, on the
    injected clock, with a budget per call. ``retry_mode`` still selects botocore's mode,
    so ``"adaptive"`` keeps its client-side rate limiting. botocore's parameter validation
    is off: every request is checked by :func:`ic_sdk.validate` first, which reports all
    that botocore's ``ParamValidator`` does (required members, types, minimums) and more.
    """
    from aiobotocore.config import AioConfig

    config = AioConfig(
        retries={"mode": retry_mode, "total_max_attempts": 1},
        parameter_validation=False,
    )
    return config.merge(user_config) if user_config is not None else config


def _from_parser(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while reading an answer (botocore's parsers)."""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = frame.filename.replace("\\", "/")
        if "botocore/" in path and ("parsers" in path or "utils" in path):
            return True
    return False


def map_error(exc: BaseException, operation: str, *, url: str | None = None) -> IcSdkError | None:
    """The ``IcSdkError`` for a foreign exception, or ``None`` to let it through.

    ``operation`` labels transport errors and malformed answers; service errors carry
    botocore's operation name.
    """
    if isinstance(exc, IcSdkError) or not isinstance(exc, Exception):
        return None
    from botocore import exceptions as bce  # loaded already: a client exists

    if isinstance(exc, bce.ClientError):
        return from_client_error(exc)
    if isinstance(exc, bce.EndpointConnectionError | bce.ConnectTimeoutError):
        return TransportError(f"{operation}: {exc}", connected=False)
    if isinstance(exc, bce.ConnectionError | bce.HTTPClientError | OSError):
        return TransportError(f"{operation}: {exc}")
    module = type(exc).__module__
    if module.startswith(("aiohttp", "httpx", "httpcore")):
        # A transport failure aiobotocore did not translate (e.g. while reading a body).
        return TransportError(f"{operation}: {type(exc).__name__}: {exc}")
    if module.startswith("botocore.parsers") or (
        isinstance(exc, _PARSE_ERRORS) and _from_parser(exc)
    ):
        return MalformedResponse(f"{type(exc).__name__}: {exc}", operation=operation, url=url)
    if isinstance(exc, bce.BotoCoreError):
        # Configuration problems: no credentials, no region, ...
        return IcSdkError(f"{operation}: {exc}")
    return None


def _describe_body(body: bytes, headers: Mapping[str, Any]) -> str:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    first = body.strip().splitlines()[0][:60].decode("utf-8", "replace") if body.strip() else ""
    return (
        f"expected a JSON object, got {len(body)} bytes of "
        f"{content_type or 'unlabelled content'} starting {first!r}"
    )


def answer_checker(url: str | None) -> Callable[..., None]:
    """A ``before-parse`` handler raising :class:`MalformedResponse` for a JSON-protocol
    answer whose body is not a JSON object (an HTML page, truncated JSON...).

    botocore would read such a body as an empty answer: a create "succeeding" without an
    ARN, a describe of nothing.
    """

    def check(*, operation_model: Any, response_dict: Mapping[str, Any], **_: Any) -> None:
        body = response_dict.get("body")
        if not isinstance(body, bytes | bytearray) or not body.strip():
            return
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return
        raise MalformedResponse(
            _describe_body(bytes(body), response_dict.get("headers") or {}),
            operation=operation_model.name,
            http_status=response_dict.get("status_code"),
            url=url,
        )

    return check


class ClosingClock:
    """The client's clock: like ``clock``, but a sleep ends with
    :class:`~ic_sdk.errors.ClientClosed` as soon as ``closed`` is set."""

    def __init__(self, clock: Clock, closed: asyncio.Event) -> None:
        self.clock = clock
        self._closed = closed

    def now(self) -> float:
        return self.clock.now()

    async def sleep(self, seconds: float) -> None:
        if self._closed.is_set():
            raise ClientClosed("the client was closed")
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        closer = asyncio.ensure_future(self._closed.wait())
        try:
            await asyncio.wait({sleeper, closer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            closer.cancel()
        if not sleeper.cancelled() and sleeper.done():
            sleeper.result()
            return
        raise ClientClosed("the client was closed while this call was waiting to retry")

    def __repr__(self) -> str:
        return f"ClosingClock({self.clock!r})"

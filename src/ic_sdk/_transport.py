"""What sits between the client facade and aiobotocore: the botocore configuration
ic_sdk uses, the mapping of foreign exceptions into the error tree, the check that an
answer is readable, and a clock whose sleeps end when the client closes.
"""

from __future__ import annotations

import asyncio
import json
import traceback
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

from ic_sdk.clock import Clock
from ic_sdk.errors import (
    ClientClosed,
    IcSdkError,
    MalformedResponse,
    TransportError,
    from_client_error,
)

__all__ = [
    "PENDING_CHECK",
    "ClosingClock",
    "RetryMode",
    "aio_config",
    "answer_checker",
    "drop_botocore_retries",
    "map_error",
    "settle_answer",
]

RetryMode = Literal["standard", "adaptive", "legacy"]

#: Exceptions botocore's parsers (and ic_sdk's converter) raise on values they cannot read.
_PARSE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, RuntimeError, OverflowError)


def aio_config(retry_mode: RetryMode, user_config: Any) -> Any:
    """The ``AioConfig`` of the clients ic_sdk creates; ``user_config``'s explicit settings win.

    botocore does not retry (``total_max_attempts=1``): :mod:`ic_sdk.retry` does, on the
    injected clock, with a budget per call, and :func:`drop_botocore_retries` removes
    botocore's retry handler, which would only decide "no" on every answer. Only
    ``retry_mode="adaptive"`` changes anything: it keeps botocore's client-side rate
    limiting (and the handlers it needs). "standard" and "legacy" both mean "ic_sdk
    retries"; botocore is configured in its simplest mode ("legacy", one handler, then
    removed). botocore's parameter validation is off: every request is checked by
    :func:`ic_sdk.validate` first, which reports all that botocore's ``ParamValidator``
    does (required members, types, minimums) and more.
    """
    from aiobotocore.config import AioConfig

    mode = "adaptive" if retry_mode == "adaptive" else "legacy"
    config = AioConfig(
        retries={"mode": mode, "total_max_attempts": 1},
        parameter_validation=False,
    )
    return config.merge(user_config) if user_config is not None else config


def drop_botocore_retries(client: Any) -> bool:
    """Unregister botocore's retry handler from ``client`` when botocore would not retry
    anyway (``total_max_attempts`` is 1, mode not ``"adaptive"``): the handler runs on every
    answer only to say "no", and ic_sdk's retry layer is the one that retries.
    Whether it was dropped; a client configured to retry on its own keeps it.

    What that saves is part of the ``describe`` figures of ``benchmarks/bench_client.py``
    (``docs/benchmarks.md``).
    """
    retries = client.meta.config.retries or {}
    if retries.get("mode") == "adaptive" or retries.get("total_max_attempts") != 1:
        return False
    name = client.meta.service_model.service_id.hyphenize()
    # botocore registers it under this id in every mode (botocore/client.py).
    client.meta.events.unregister(f"needs-retry.{name}", unique_id=f"retry-config-{name}")
    return True


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


#: Where :func:`answer_checker` leaves the answers whose verdict botocore's own parse gives
#: (see :func:`settle_answer`); popped from every answer before anyone sees it.
PENDING_CHECK: Final = "ic_sdk:pending-answer-check"


def _not_an_object(
    url: str | None, operation: str, body: bytes | bytearray, headers: Any, status: Any
) -> MalformedResponse | None:
    """The error for a body that is not a JSON object, else ``None``."""
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return None
    # An HTML page with a 2xx status comes from something that is not SageMaker (a proxy,
    # a portal, a web server at the wrong URL): asking again gets the same page. A 5xx
    # page (a load balancer's 502) and truncated JSON stay transient.
    html_page = isinstance(status, int) and 200 <= status < 300 and body.lstrip()[:1] == b"<"
    return MalformedResponse(
        _describe_body(bytes(body), headers or {}),
        operation=operation,
        http_status=status,
        url=url,
        retryable=False if html_page else None,
    )


def answer_checker(url: str | None) -> Callable[..., None]:
    """A ``before-parse`` handler raising :class:`MalformedResponse` for a JSON-protocol
    answer whose body is not a JSON object (an HTML page, truncated JSON...).

    botocore would read such a body as an empty answer: a create "succeeding" without an
    ARN, a describe of nothing.

    The common case costs no second parse: a 2xx ASCII body opening with ``{`` can only
    be a JSON object or broken JSON, and botocore reads broken JSON as ``{"message":
    body}``, which leaves an answer without members. Such a body is handed on in the
    answer (under :data:`PENDING_CHECK`) and :func:`settle_answer` checks it only when
    the parsed answer has no members (or a ``message`` one). Anything else is checked
    here, before botocore's parser sees it.
    """

    def check(
        *,
        operation_model: Any,
        response_dict: Mapping[str, Any],
        customized_response_dict: dict[str, Any] | None = None,
        **_: Any,
    ) -> None:
        body = response_dict.get("body")
        if not isinstance(body, bytes | bytearray):
            return
        status = response_dict.get("status_code")
        if (
            body[:1] == b"{"
            and customized_response_dict is not None
            and isinstance(status, int)
            and 200 <= status < 300
            and body.isascii()
        ):
            customized_response_dict[PENDING_CHECK] = (
                url,
                operation_model.name,
                body,
                response_dict.get("headers"),
                status,
            )
            return
        if not body.strip():
            return
        error = _not_an_object(
            url, operation_model.name, body, response_dict.get("headers"), status
        )
        if error is not None:
            raise error

    return check


def settle_answer(answer: dict[str, Any]) -> None:
    """Finish :func:`answer_checker`'s work on a parsed answer (``ResponseMetadata``
    already removed): drop its note, and raise :class:`MalformedResponse` if the body
    behind an answer without members was not a JSON object."""
    pending = answer.pop(PENDING_CHECK, None)
    if pending is not None and (not answer or "message" in answer):
        error = _not_an_object(*pending)
        if error is not None:
            raise error


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

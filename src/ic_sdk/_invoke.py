"""The runtime path of :class:`~ic_sdk.client.InferenceComponentClient`: finding a
component's endpoint, sending InvokeEndpoint(WithResponseStream) through the client's
retries, and reading an event stream's payload parts."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from ic_sdk import retry
from ic_sdk._core import operation_of, raise_problems
from ic_sdk._transport import map_error
from ic_sdk.errors import IcSdkError, ResourceNotFound, ServiceValidationError
from ic_sdk.models import runtime as rt
from ic_sdk.serde import unstructure_fn

if TYPE_CHECKING:
    from ic_sdk.client import InferenceComponentClient

__all__ = ["Body", "invoke_raw", "payload_chunks"]

#: ``Body`` of an invocation: bytes as they are, text encoded as UTF-8.
Body = bytes | bytearray | memoryview | str


def _body_bytes(body: Body) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)


async def _look_up_endpoint(client: InferenceComponentClient, name: str) -> str:
    """The endpoint hosting ``name``, from a describe; cached for the next invocation."""
    desc = await client.describe(name)
    # Typed as always present, but the service is the authority on its output.
    found: str | None = desc.endpoint_name
    if found is None:
        raise IcSdkError(f"the service did not say which endpoint hosts {name!r}")
    client._endpoints[name] = found
    return found


def _forget_endpoint(client: InferenceComponentClient, name: str, exc: IcSdkError) -> None:
    # A cached endpoint may be stale (component deleted and created elsewhere): the
    # runtime then answers ValidationError. Model errors say nothing about routing.
    if isinstance(exc, ResourceNotFound) or (
        isinstance(exc, ServiceValidationError) and exc.code.startswith("Validation")
    ):
        client._endpoints.pop(name, None)


async def invoke_raw(
    client: InferenceComponentClient,
    shape: type[rt.InvokeEndpointInput] | type[rt.InvokeEndpointWithResponseStreamInput],
    method: str,
    name: str,
    body: Body,
    *,
    endpoint_name: str | None,
    **options: str | None,
) -> dict[str, Any]:
    """Validate and send one runtime invocation of component ``name``; the raw answer.

    Throttling, 5xx answers (``ModelNotReadyException`` included) and connection errors
    are retried as botocore's standard mode would; model errors are not.
    """
    # The endpoint given or cached without a coroutine per call (the common case).
    endpoint = endpoint_name if endpoint_name is not None else client._endpoints.get(name)
    if endpoint is None:
        endpoint = await _look_up_endpoint(client, name)
    request = shape(
        endpoint_name=endpoint,
        inference_component_name=name,
        body=_body_bytes(body),
        **options,
    )
    operation = operation_of(request)
    raise_problems(request, operation)
    wire = unstructure_fn(shape)(request)
    try:
        answer: dict[str, Any] = await retry.run(
            operation,
            client._send,
            method,
            wire,
            None,
            operation,
            True,  # runtime
            policy=client._retry_policy,
            clock=client._clock,
            rng=client._rng,
        )
    except IcSdkError as exc:
        # Only final errors get here, and the ones that say "not there" are final.
        _forget_endpoint(client, name, exc)
        raise
    return answer


async def payload_chunks(stream: Any, operation: str) -> AsyncGenerator[bytes, None]:
    """The bytes of each ``PayloadPart`` of an event stream; error events raise
    ``ServiceError``. The stream is closed when the iteration ends, fails or is closed."""
    events = aiter(stream)
    try:
        while True:
            try:
                event = await anext(events)
            except StopAsyncIteration:
                return
            except Exception as exc:
                mapped = map_error(exc, operation)
                if mapped is None:
                    raise
                raise mapped from exc
            part = event.get("PayloadPart")
            if part is not None and part.get("Bytes"):
                yield part["Bytes"]
    finally:
        await events.aclose()
        stream.close()

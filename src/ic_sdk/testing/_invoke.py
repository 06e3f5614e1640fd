"""The runtime's rest-json protocol: ``POST /endpoints/{name}/invocations`` and
``/invocations-response-stream`` (framed as an AWS event stream); errors carry their code
in ``x-amzn-ErrorType`` (what ``botocore.parsers.RestJSONParser`` reads)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING, Final
from urllib.parse import unquote

from ic_sdk.testing._eventstream import exception_event, payload_part
from ic_sdk.testing._handlers import HandlerRegistry, Invocation, ModelError
from ic_sdk.testing._resources import ServiceFault, stamp
from ic_sdk.testing._runtime import InvocationTarget, invocation_target
from ic_sdk.testing._wire import WireRequest, WireResponse, request_id

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["EVENT_STREAM_CONTENT_TYPE", "NEW_SESSION", "SESSION_LIFETIME", "invoke"]

EVENT_STREAM_CONTENT_TYPE: Final = "application/vnd.amazon.eventstream"
_IC_HEADER: Final = "x-amzn-sagemaker-inference-component"
_SESSION_HEADER: Final = "x-amzn-sagemaker-session-id"
#: ``SessionId`` value asking for a new stateful session.
NEW_SESSION: Final = "NEW_SESSION"
#: How long a session the emulator opens lives (the model sets this; 20 minutes here).
SESSION_LIFETIME: Final = timedelta(minutes=20)


def _model_error(state: EmulatorState, target: InvocationTarget, exc: Exception) -> ServiceFault:
    status = exc.status if isinstance(exc, ModelError) else 500
    message = exc.message if isinstance(exc, ModelError) else f"{type(exc).__name__}: {exc}"
    side = "client" if 400 <= status < 500 else "server"
    log_group = f"/aws/sagemaker/Endpoints/{target.endpoint_name}"
    log_arn = f"arn:{state.partition}:logs:{state.region}:{state.account_id}:log-group:{log_group}"
    return ServiceFault(
        "ModelError",
        f'Received {side} error ({status}) from primary with message "{message}". See '
        f"https://{state.region}.console.aws.amazon.com/cloudwatch/home?region="
        f"{state.region}#logEventViewer:group={log_group} in account "
        f"{state.account_id} for more information.",
        status=424,
        fields={
            "OriginalStatusCode": status,
            "OriginalMessage": message,
            "LogStreamArn": log_arn,
        },
    )


def _new_session(state: EmulatorState) -> str:
    """``<id>; Expires=<UTC time>``, the form a stateful model answers."""
    expires = stamp(state.wall()) + SESSION_LIFETIME
    return f"{uuid.uuid4().hex}; Expires={expires.strftime('%Y-%m-%dT%H:%M:%SZ')}"


async def invoke(
    handlers: HandlerRegistry,
    state: EmulatorState,
    operation: str,
    endpoint_path: str,
    request: WireRequest,
) -> WireResponse:
    """Answer one invocation (raises :class:`ServiceFault` for errors)."""
    headers = request.headers
    target = invocation_target(
        state,
        unquote(endpoint_path),
        headers.get(_IC_HEADER),
        headers.get("x-amzn-sagemaker-target-variant"),
    )
    streaming = operation == "InvokeEndpointWithResponseStream"
    accept_header = "x-amzn-sagemaker-accept" if streaming else "accept"
    session = headers.get(_SESSION_HEADER)
    invocation = Invocation(
        endpoint_name=target.endpoint_name,
        variant_name=target.variant_name,
        inference_component_name=target.component_name,
        base_inference_component_name=target.base_component_name,
        body=request.body,
        content_type=headers.get("content-type"),
        accept=headers.get(accept_header),
        custom_attributes=headers.get("x-amzn-sagemaker-custom-attributes"),
        inference_id=headers.get("x-amzn-sagemaker-inference-id"),
        streaming=streaming,
        session_id=session,
    )
    handler_name = target.component_name or target.endpoint_name
    answer = {
        "x-amzn-RequestId": request_id(),
        "x-Amzn-Invoked-Production-Variant": target.variant_name,
    }
    if session == NEW_SESSION:
        answer["X-Amzn-SageMaker-New-Session-Id"] = _new_session(state)
    if not streaming:
        try:
            reply = await handlers.invoke(handler_name, invocation)
        except Exception as exc:  # a crashing "container" is the model's error
            raise _model_error(state, target, exc) from None
        answer["Content-Type"] = reply.content_type
        if reply.custom_attributes is not None:
            answer["X-Amzn-SageMaker-Custom-Attributes"] = reply.custom_attributes
        return WireResponse(200, answer, reply.body)

    chunks = handlers.stream(handler_name, invocation)
    try:
        first = await anext(chunks, None)
    except Exception as exc:  # failed before the stream began: a plain ModelError
        raise _model_error(state, target, exc) from None
    answer["Content-Type"] = EVENT_STREAM_CONTENT_TYPE
    answer["X-Amzn-SageMaker-Content-Type"] = invocation.accept or "application/json"
    return WireResponse(200, answer, _frames(first, chunks))


async def _frames(first: bytes | None, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """PayloadPart events; a failure mid-stream becomes the modeled exception event.

    ``ModelStreamError`` carries one of its documented codes: ``ModelInvocationTimeExceeded``
    when the model timed out, ``StreamBroken`` when it broke off its answer (a
    :class:`ModelError` raised mid-stream); anything else is an ``InternalStreamFailure``.
    """
    if first is None:
        return
    yield payload_part(first)
    try:
        async for chunk in rest:
            yield payload_part(chunk)
    except TimeoutError as exc:
        yield exception_event(
            "ModelStreamError",
            {
                "Message": str(exc) or "Model invocation time exceeded.",
                "ErrorCode": "ModelInvocationTimeExceeded",
            },
        )
    except ModelError as exc:
        yield exception_event(
            "ModelStreamError", {"Message": exc.message, "ErrorCode": "StreamBroken"}
        )
    except Exception as exc:  # the container crashed mid-stream
        yield exception_event("InternalStreamFailure", {"Message": f"{type(exc).__name__}: {exc}"})

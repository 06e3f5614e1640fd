"""The wire protocols, independent of any HTTP library.

:class:`Service` takes a :class:`WireRequest` (method, path, headers, body) and answers a
:class:`WireResponse`, speaking

- the control plane's JSON 1.1 protocol: ``POST /`` with ``X-Amz-Target: SageMaker.<Op>``,
  answers ``application/x-amz-json-1.1``; errors are ``{"__type": code, "message": ...}``
  with the HTTP status, and every answer carries ``x-amzn-RequestId`` (what
  ``botocore.parsers.JSONParser`` reads);
- the runtime's rest-json protocol: ``POST /endpoints/{name}/invocations`` (and
  ``/invocations-response-stream``, framed as an AWS event stream); errors carry their code
  in ``x-amzn-ErrorType`` (what ``botocore.parsers.RestJSONParser`` reads).

Requests without a SigV4 ``Authorization`` header are refused as AWS refuses them. The
signature itself is not checked: any fake credentials do.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final
from urllib.parse import unquote

import attrs

from ic_sdk.clock import Clock
from ic_sdk.testing import _cloudwatch_wire
from ic_sdk.testing._autoscaling_sim import Simulation
from ic_sdk.testing._eventstream import exception_event, payload_part
from ic_sdk.testing._faults import FaultKind, FaultRule, Faults
from ic_sdk.testing._handlers import HandlerRegistry, Invocation, ModelError
from ic_sdk.testing._state import (
    NO_CAPACITY_MESSAGE,
    EmulatorState,
    InvocationTarget,
    ServiceFault,
)

__all__ = ["DropConnection", "Service", "WireRequest", "WireResponse"]

JSON_CONTENT_TYPE: Final = "application/x-amz-json-1.1"
EVENT_STREAM_CONTENT_TYPE: Final = "application/vnd.amazon.eventstream"
MAX_PAYLOAD_BYTES: Final = 6 * 1024 * 1024  # InvokeEndpoint's documented body limit

_TARGET_PREFIX: Final = "SageMaker."
_RUNTIME_PATH: Final = re.compile(
    r"^/endpoints/(?P<name>[^/]+)/(?P<kind>invocations(?:-response-stream)?)$"
)
_RUNTIME_OPERATIONS: Final = {
    "invocations": "InvokeEndpoint",
    "invocations-response-stream": "InvokeEndpointWithResponseStream",
}
_IC_HEADER: Final = "x-amzn-sagemaker-inference-component"


@attrs.frozen
class WireRequest:
    """An HTTP request; header names lower-case."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes

    @classmethod
    def build(
        cls, method: str, path: str, headers: Mapping[str, str] | Any, body: bytes
    ) -> WireRequest:
        return cls(method.upper(), path, {k.lower(): v for k, v in headers.items()}, body)


@attrs.frozen
class WireResponse:
    """An HTTP answer (header names spelled as AWS spells them); ``body`` is either all
    bytes or an async stream of chunks."""

    status: int
    headers: Mapping[str, str]
    body: bytes | AsyncIterator[bytes]


class DropConnection(Exception):
    """The transport must close the connection without answering."""


def _request_id() -> str:
    return str(uuid.uuid4())


def _auth_fault(headers: Mapping[str, str]) -> ServiceFault | None:
    """AWS's answer to a request that is not SigV4-signed, or ``None`` if it is."""
    authorization = headers.get("authorization")
    if not authorization:
        return ServiceFault(
            "MissingAuthenticationTokenException", "Missing Authentication Token", status=403
        )
    scheme, _, params = authorization.partition(" ")
    problems = []
    if scheme != "AWS4-HMAC-SHA256":
        problems.append(f"Unsupported authorization type {scheme}; use AWS4-HMAC-SHA256.")
    problems.extend(
        f"Authorization header requires '{part}' parameter."
        for part in ("Credential", "SignedHeaders", "Signature")
        if f"{part}=" not in params
    )
    if "x-amz-date" not in headers and "date" not in headers:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if problems:
        return ServiceFault("IncompleteSignatureException", " ".join(problems))
    return None


def _injected_fault(rule: FaultRule) -> ServiceFault:
    if rule.kind is FaultKind.THROTTLE:
        return ServiceFault("ThrottlingException", "Rate exceeded")
    if rule.status == 500:
        return ServiceFault("InternalFailure", "An internal error occurred.", status=500)
    if rule.status == 503:
        return ServiceFault("ServiceUnavailable", "Service is unavailable.", status=503)
    # Other 5xx come from the load balancer: no protocol body at all.
    return ServiceFault("", "", status=rule.status)


class Service:
    """Both protocols over one :class:`EmulatorState`."""

    def __init__(
        self,
        state: EmulatorState,
        *,
        faults: Faults,
        handlers: HandlerRegistry,
        clock: Clock,
    ) -> None:
        self.state = state
        self.faults = faults
        self.handlers = handlers
        self.clock = clock
        #: CloudWatch + Application Auto Scaling, on the same state and clock.
        self.simulation = Simulation(state)

    async def handle(self, request: WireRequest) -> WireResponse:
        """Answer one request (raises :class:`DropConnection` to hang up)."""
        extra = _cloudwatch_wire.route(request.method, request.path, request.headers, request.body)
        if extra is not None:  # Application Auto Scaling or CloudWatch
            return await self._answer_extra(extra, request)
        runtime = _RUNTIME_PATH.match(request.path)
        if runtime is not None:
            operation = _RUNTIME_OPERATIONS[runtime["kind"]]
            error = self._runtime_error
        else:
            operation = request.headers.get("x-amz-target", "").removeprefix(_TARGET_PREFIX)
            error = self._json_error
        if request.method != "POST" or (runtime is None and request.path != "/"):
            return error(ServiceFault("UnknownOperationException", "", status=404))
        fault = _auth_fault(request.headers)
        if fault is not None:
            return error(fault)
        plan = self.faults.plan(operation)
        if plan.latency:
            await self.clock.sleep(plan.latency)
        if plan.outcome is not None:
            if plan.outcome.kind is FaultKind.DROP_CONNECTION:
                raise DropConnection(operation)
            return error(_injected_fault(plan.outcome))
        try:
            if runtime is not None:
                return await self._invoke(operation, unquote(runtime["name"]), request)
            return self._control(operation, request)
        except ServiceFault as exc:
            return error(exc)

    async def _answer_extra(
        self, extra: _cloudwatch_wire.Route, request: WireRequest
    ) -> WireResponse:
        """Auth, faults and errors as for SageMaker, in the other service's protocol."""
        fault = _auth_fault(request.headers)
        if fault is None:
            plan = self.faults.plan(extra.operation)
            if plan.latency:
                await self.clock.sleep(plan.latency)
            if plan.outcome is not None:
                if plan.outcome.kind is FaultKind.DROP_CONNECTION:
                    raise DropConnection(extra.operation)
                fault = _injected_fault(plan.outcome)
        try:
            if fault is not None:
                raise fault
            status, headers, body = extra.run(self.simulation.call)
        except ServiceFault as exc:
            status, headers, body = extra.error(exc)
        return WireResponse(status, headers, body)

    # -- control plane ---------------------------------------------------------------

    def _control(self, operation: str, request: WireRequest) -> WireResponse:
        if not request.headers.get("x-amz-target", "").startswith(_TARGET_PREFIX):
            raise ServiceFault("UnknownOperationException", "")
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise ServiceFault("SerializationException", "Malformed JSON request body.") from None
        if not isinstance(body, dict):
            raise ServiceFault("SerializationException", "The request body must be a JSON object.")
        result = self.state.call(operation, body)
        return WireResponse(
            200,
            {"Content-Type": JSON_CONTENT_TYPE, "x-amzn-RequestId": _request_id()},
            json.dumps(result).encode(),
        )

    @staticmethod
    def _json_error(fault: ServiceFault) -> WireResponse:
        headers = {"Content-Type": JSON_CONTENT_TYPE, "x-amzn-RequestId": _request_id()}
        if not fault.code:
            return WireResponse(fault.status, headers, b"")
        body = {"__type": fault.code, "message": fault.message, **fault.fields}
        return WireResponse(fault.status, headers, json.dumps(body).encode())

    # -- runtime -------------------------------------------------------------------

    @staticmethod
    def _runtime_error(fault: ServiceFault) -> WireResponse:
        headers = {"Content-Type": "application/json", "x-amzn-RequestId": _request_id()}
        if not fault.code:
            return WireResponse(fault.status, headers, b"")
        headers["x-amzn-ErrorType"] = fault.code
        body = {"ErrorCode": fault.code, "Message": fault.message, **fault.fields}
        return WireResponse(fault.status, headers, json.dumps(body).encode())

    def _model_error(self, target: InvocationTarget, exc: Exception) -> ServiceFault:
        status = exc.status if isinstance(exc, ModelError) else 500
        message = exc.message if isinstance(exc, ModelError) else f"{type(exc).__name__}: {exc}"
        side = "client" if 400 <= status < 500 else "server"
        log_group = f"/aws/sagemaker/Endpoints/{target.endpoint_name}"
        log_arn = f"arn:aws:logs:{self.state.region}:{self.state.account_id}:log-group:{log_group}"
        return ServiceFault(
            "ModelError",
            f'Received {side} error ({status}) from primary with message "{message}". See '
            f"https://{self.state.region}.console.aws.amazon.com/cloudwatch/home?region="
            f"{self.state.region}#logEventViewer:group={log_group} in account "
            f"{self.state.account_id} for more information.",
            status=424,
            fields={
                "OriginalStatusCode": status,
                "OriginalMessage": message,
                "LogStreamArn": log_arn,
            },
        )

    async def _invoke(
        self, operation: str, endpoint_name: str, request: WireRequest
    ) -> WireResponse:
        if len(request.body) > MAX_PAYLOAD_BYTES:
            raise ServiceFault(
                "ValidationError",
                f"Request payload of {len(request.body)} bytes exceeds the maximum of "
                f"{MAX_PAYLOAD_BYTES} bytes.",
            )
        headers = request.headers
        try:
            target = self.state.invocation_target(
                endpoint_name,
                headers.get(_IC_HEADER),
                headers.get("x-amzn-sagemaker-target-variant"),
            )
        except ServiceFault as exc:
            if exc.message == NO_CAPACITY_MESSAGE and headers.get(_IC_HEADER):
                self.simulation.no_capacity(self._runner_name(headers[_IC_HEADER]))
            raise
        if target.component_name is None:
            return await self._serve(operation, target, request)
        runner = target.base_component_name or target.component_name
        self.simulation.invocation_started(runner)
        try:
            return await self._serve(operation, target, request)
        finally:
            self.simulation.invocation_finished(runner)

    def _runner_name(self, component: str) -> str:
        """The component whose copies serve ``component`` (its base, for an adapter)."""
        try:
            described = self.state.call(
                "DescribeInferenceComponent", {"InferenceComponentName": component}
            )
        except ServiceFault:
            return component
        base = (described.get("Specification") or {}).get("BaseInferenceComponentName")
        return str(base or described["InferenceComponentName"])

    async def _serve(
        self, operation: str, target: InvocationTarget, request: WireRequest
    ) -> WireResponse:
        headers = request.headers
        streaming = operation == "InvokeEndpointWithResponseStream"
        accept_header = "x-amzn-sagemaker-accept" if streaming else "accept"
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
        )
        handler_name = target.component_name or target.endpoint_name
        answer = {
            "x-amzn-RequestId": _request_id(),
            "x-Amzn-Invoked-Production-Variant": target.variant_name,
        }
        if not streaming:
            try:
                reply = await self.handlers.invoke(handler_name, invocation)
            except Exception as exc:  # a crashing "container" is the model's error
                raise self._model_error(target, exc) from None
            answer["Content-Type"] = reply.content_type
            if reply.custom_attributes is not None:
                answer["X-Amzn-SageMaker-Custom-Attributes"] = reply.custom_attributes
            return WireResponse(200, answer, reply.body)

        chunks = self.handlers.stream(handler_name, invocation)
        try:
            first = await anext(chunks, None)
        except Exception as exc:  # failed before the stream began: a plain ModelError
            raise self._model_error(target, exc) from None
        answer["Content-Type"] = EVENT_STREAM_CONTENT_TYPE
        answer["X-Amzn-SageMaker-Content-Type"] = invocation.accept or "application/json"
        return WireResponse(200, answer, _frames(first, chunks))


async def _frames(first: bytes | None, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """PayloadPart events; a failure mid-stream becomes the modeled exception event."""
    if first is None:
        return
    yield payload_part(first)
    try:
        async for chunk in rest:
            yield payload_part(chunk)
    except ModelError as exc:
        yield exception_event(
            "ModelStreamError", {"Message": exc.message, "ErrorCode": f"ModelStatus{exc.status}"}
        )
    except Exception as exc:  # the container crashed mid-stream
        yield exception_event("InternalStreamFailure", {"Message": f"{type(exc).__name__}: {exc}"})

"""The wire protocols, independent of any HTTP library.

:class:`Service` takes a :class:`WireRequest` (method, path, headers, body) and answers a
:class:`WireResponse`, speaking

- the control plane's JSON 1.1 protocol: ``POST /`` with ``X-Amz-Target: SageMaker.<Op>``,
  answers ``application/x-amz-json-1.1``; errors are ``{"__type": code, "message": ...}``
  with the HTTP status, and every answer carries ``x-amzn-RequestId`` (what
  ``botocore.parsers.JSONParser`` reads). Other JSON 1.1 services register beside
  SageMaker by their target prefix (:meth:`Service.add_json_service`);
- the runtime's rest-json protocol (``_invoke``).

Requests without a SigV4 ``Authorization`` header are refused as AWS refuses them. The
signature itself is not checked (any fake credentials do), but its credential is read:
the access key names the account and the credential scope the region, and each account
and region has resources of its own.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

import attrs

from ic_sdk.clock import Clock
from ic_sdk.testing import _cloudwatch_wire
from ic_sdk.testing._autoscaling_sim import Simulations, jsonable
from ic_sdk.testing._checks import parse_json
from ic_sdk.testing._faults import FaultKind, FaultRule, Faults
from ic_sdk.testing._handlers import HandlerRegistry
from ic_sdk.testing._invoke import invoke
from ic_sdk.testing._resources import ServiceFault, Wire
from ic_sdk.testing._state import Accounts
from ic_sdk.testing._wire import (
    WireRequest,
    WireResponse,
    json_error,
    json_headers,
    runtime_error,
)

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "Caller",
    "DropConnection",
    "JsonService",
    "Service",
    "WireRequest",
    "WireResponse",
]

#: InvokeEndpoint's documented body limit; larger requests are answered 413.
MAX_PAYLOAD_BYTES: Final = 6 * 1024 * 1024

_RUNTIME_PATH: Final = re.compile(
    r"^/endpoints/(?P<name>[^/]+)/(?P<kind>invocations(?:-response-stream)?)$"
)
_RUNTIME_OPERATIONS: Final = {
    "invocations": "InvokeEndpoint",
    "invocations-response-stream": "InvokeEndpointWithResponseStream",
}
_CREDENTIAL: Final = re.compile(r"Credential=([^,\s]*)")

_log = logging.getLogger("ic_sdk.testing")


@attrs.frozen
class Caller:
    """Who sent a request, from its SigV4 credential."""

    access_key: str
    account_id: str
    region: str


#: A JSON 1.1 service: the caller, the operation name and the request dict in, the
#: response dict out (raises :class:`ServiceFault`).
JsonService = Callable[[Caller, str, Wire], Wire]


class DropConnection(Exception):
    """The transport must close the connection without answering."""


@attrs.frozen
class _Target:
    """What a request asks for: its operation (faults are planned by it), how to run it
    for a caller (``None`` when nothing answers there: a 404) and how to write an error
    in its protocol."""

    operation: str
    error: Callable[[ServiceFault], WireResponse]
    run: Callable[[Caller, WireRequest], Awaitable[WireResponse]] | None
    #: The error code of a request larger than :data:`MAX_PAYLOAD_BYTES`.
    too_large: str = "SerializationException"


def _credential(headers: Mapping[str, str]) -> tuple[str, str] | ServiceFault:
    """``(access key, region)`` of a SigV4-signed request, or AWS's refusal."""
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
    found = _CREDENTIAL.search(params)
    scope = found.group(1).split("/") if found else []
    # <access key>/<date>/<region>/<service>/aws4_request. A hand-made header with a
    # shorter scope is taken as the access key alone, in the default region ("").
    region = scope[2] if len(scope) >= 3 else ""
    return (scope[0] if scope else ""), region


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
    """Both protocols over the emulator's :class:`~ic_sdk.testing._state.Accounts`."""

    def __init__(
        self,
        accounts: Accounts,
        *,
        faults: Faults,
        handlers: HandlerRegistry,
        clock: Clock,
    ) -> None:
        self.accounts = accounts
        self.faults = faults
        self.handlers = handlers
        self.clock = clock
        #: The JSON 1.1 services by ``X-Amz-Target`` prefix (``SageMaker.CreateModel``).
        self.json_services: dict[str, JsonService] = {"SageMaker": self._sagemaker}
        #: CloudWatch and Application Auto Scaling per account and region, on the clock;
        #: rolling updates see its alarms.
        self.simulations = Simulations(accounts)
        accounts.alarms.source = self.simulations.alarm_state
        self.add_json_service("AnyScaleFrontendService", self._autoscaling)

    def add_json_service(self, target_prefix: str, service: JsonService) -> None:
        """Answer requests whose ``X-Amz-Target`` is ``<target_prefix>.<Operation>``."""
        self.json_services[target_prefix] = service

    def _sagemaker(self, caller: Caller, operation: str, body: Wire) -> Wire:
        return self.accounts.state(caller.account_id, caller.region).call(operation, body)

    def _autoscaling(self, caller: Caller, operation: str, body: Wire) -> Wire:
        simulation = self.simulations.of(caller.account_id, caller.region)
        answer: Wire = jsonable(simulation.call("autoscaling", operation, body))
        return answer

    def _target(self, request: WireRequest) -> _Target:
        """What ``request`` asks for, in the protocol it speaks."""
        runtime = _RUNTIME_PATH.match(request.path)
        if runtime is not None:
            operation = _RUNTIME_OPERATIONS[runtime["kind"]]
            name = runtime["name"]

            async def invoke_runtime(caller: Caller, request: WireRequest) -> WireResponse:
                state = self.accounts.state(caller.account_id, caller.region)
                return await self.simulations.of(caller.account_id, caller.region).observe(
                    request.headers.get("x-amzn-sagemaker-inference-component"),
                    lambda: invoke(self.handlers, state, operation, name, request),
                )

            return _Target(
                operation,
                runtime_error,
                invoke_runtime if request.method == "POST" else None,
                too_large="ValidationError",
            )
        cloudwatch = _cloudwatch_wire.route(
            request.method, request.path, request.headers, request.body
        )
        if cloudwatch is not None:
            route = cloudwatch

            async def run_cloudwatch(caller: Caller, request: WireRequest) -> WireResponse:
                simulation = self.simulations.of(caller.account_id, caller.region)
                return route.run(lambda op, body: simulation.call("cloudwatch", op, body))

            return _Target(route.operation, route.error, run_cloudwatch)
        target = request.headers.get("x-amz-target", "")
        prefix, _, operation = target.partition(".")
        service = self.json_services.get(prefix)
        if service is None:
            operation = target
        if request.method != "POST" or request.path != "/":
            return _Target(operation, json_error, None)

        async def run_json(caller: Caller, request: WireRequest) -> WireResponse:
            return self._control(caller, service, operation, request)

        return _Target(operation, json_error, run_json)

    async def handle(self, request: WireRequest) -> WireResponse:
        """Answer one request (raises :class:`DropConnection` to hang up)."""
        target = self._target(request)
        try:
            return await self._answer(request, target)
        except (ServiceFault, DropConnection):
            raise
        except Exception as exc:  # an emulator bug: answer as the service would, no traceback
            _log.error(
                "LocalSageMaker failed on %s: %s: %s", target.operation, type(exc).__name__, exc
            )
            return target.error(
                ServiceFault("InternalFailure", "An internal error occurred.", status=500)
            )

    async def _answer(self, request: WireRequest, target: _Target) -> WireResponse:
        error, operation = target.error, target.operation
        if target.run is None:
            return error(ServiceFault("UnknownOperationException", "", status=404))
        credential = _credential(request.headers)
        if isinstance(credential, ServiceFault):
            return error(credential)
        access_key, region = credential
        region = region or self.accounts.default_region
        caller = Caller(access_key, self.accounts.account_of(access_key), region)
        if request.length > MAX_PAYLOAD_BYTES:
            return error(
                ServiceFault(
                    target.too_large,
                    f"Request payload of {request.length} bytes exceeds the maximum of "
                    f"{MAX_PAYLOAD_BYTES} bytes.",
                    status=413,
                )
            )
        plan = self.faults.plan(operation)
        if plan.latency:
            await self.clock.sleep(plan.latency)
        outcome = plan.outcome
        if outcome is not None:
            if outcome.kind is FaultKind.DROP_CONNECTION:
                raise DropConnection(operation)
            if outcome.kind is FaultKind.MALFORMED:
                return WireResponse(outcome.status, json_headers(), outcome.body)
            if outcome.kind is not FaultKind.LOSE_ANSWER:
                return error(_injected_fault(outcome))
        try:
            answer = await target.run(caller, request)
        except ServiceFault as exc:
            answer = error(exc)
        if outcome is not None:  # a lost answer: applied, then the connection goes
            raise DropConnection(operation)
        return answer

    def _control(
        self, caller: Caller, service: JsonService | None, operation: str, request: WireRequest
    ) -> WireResponse:
        if service is None:
            raise ServiceFault("UnknownOperationException", "")
        result = service(caller, operation, parse_json(request.body))
        return WireResponse(
            200,
            json_headers(),
            json.dumps(result).encode(),
        )

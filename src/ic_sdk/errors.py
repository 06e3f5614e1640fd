"""Every error ic_sdk raises.

```
IcSdkError
├── ValidationError          client-side, nothing was sent
├── ServiceError             code, message, request_id, http_status, retryable
│   ├── ResourceLimitExceeded
│   ├── ResourceNotFound     incl. the service's "Could not find inference component"
│   ├── ResourceInUse
│   ├── ThrottlingError
│   ├── ServiceValidationError
│   └── MalformedResponse    a 200 answer that could not be read (HTML, truncated JSON...)
├── WaiterError
│   ├── ComponentFailed      name, status, failure_reason
│   ├── EndpointFailed       name, status, failure_reason, description: an endpoint
│   │                        Failed, or an update of it the service rolled back
│   ├── UpdateRolledBack     name, failure_reason, description: the service undid a change
│   └── WaiterTimeout        name, last status, failure_reason, elapsed
├── ClientClosed             the client was closed while the call was in flight
└── TransportError           connection/timeout problems, original as __cause__
```

Foreign exceptions (botocore's ``ClientError``, connection errors) are wrapped, never
leaked: the original is always available as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ic_sdk.models import DescribeEndpointOutput, DescribeInferenceComponentOutput
    from ic_sdk.validation import Problem

__all__ = [
    "ClientClosed",
    "ComponentFailed",
    "EndpointFailed",
    "IcSdkError",
    "MalformedResponse",
    "ResourceInUse",
    "ResourceLimitExceeded",
    "ResourceNotFound",
    "ServiceError",
    "ServiceValidationError",
    "ThrottlingError",
    "TransportError",
    "UpdateRolledBack",
    "ValidationError",
    "WaiterError",
    "WaiterTimeout",
    "from_client_error",
]

#: Message prefix of the ``ValidationException`` the service answers for a missing IC.
NOT_FOUND_PREFIX = "Could not find inference component"

#: Error codes botocore's standard retry mode treats as throttling.
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)


class IcSdkError(Exception):
    """Root of every error ic_sdk raises."""


class ValidationError(IcSdkError):
    """A request failed client-side validation; nothing was sent.

    ``problems`` holds every problem found, each with its field path and rule.
    """

    def __init__(self, problems: Sequence[Problem], *, operation: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.operation = operation
        super().__init__(self._render())

    def _render(self) -> str:
        what = f"{self.operation} request" if self.operation else "request"
        count = len(self.problems)
        head = f"{what} has {count} problem{'s' if count != 1 else ''}:"
        lines = [head]
        lines.extend(f"  {p.path or '<root>'}: {p.message} [{p.rule}]" for p in self.problems)
        return "\n".join(lines)


class ServiceError(IcSdkError):
    """The service answered with an error."""

    #: Whether retrying the same request later may succeed.
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: str,
        request_id: str | None = None,
        http_status: int | None = None,
        operation: str | None = None,
        retryable: bool | None = None,
        retry_attempts: int = 0,
        url: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.operation = operation
        #: Retries botocore itself made before this answer (0 on ic_sdk's own clients).
        self.retry_attempts = retry_attempts
        #: Where the request went, when known.
        self.url = url
        if retryable is not None:
            self.retryable = retryable
        super().__init__(message)

    def __str__(self) -> str:
        where = f" in {self.operation}" if self.operation else ""
        rid = f" (request id {self.request_id})" if self.request_id else ""
        return f"{self.code}{where}: {self.message}{rid}"


class ResourceLimitExceeded(ServiceError):
    """An account or capacity limit was hit."""


class ResourceNotFound(ServiceError):
    """The resource does not exist (or no longer exists)."""


class ResourceInUse(ServiceError):
    """The resource is in use, or in a state that forbids the operation."""


class ThrottlingError(ServiceError):
    """The service throttled the request."""

    retryable = True


class ServiceValidationError(ServiceError):
    """The service rejected the request as invalid."""


class MalformedResponse(ServiceError):
    """The service (or something in its place) answered, but not in a form ic_sdk can read.

    An HTML page, truncated JSON, a status that is an object, a timestamp that is a
    word... Treated as transient (retried; waiters keep polling) unless the HTTP status
    is 4xx; a mutation answered this way is reconciled. ``operation``, ``http_status`` and ``url`` say where.
    """

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        http_status: int | None = None,
        url: str | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        if retryable is None:
            # A 4xx page (a proxy, a server that is not SageMaker) will not change.
            retryable = http_status is None or not 400 <= http_status < 500
        super().__init__(
            message,
            code="MalformedResponse",
            operation=operation,
            http_status=http_status,
            url=url,
            request_id=request_id,
            retryable=retryable,
        )

    def __str__(self) -> str:
        status = f"HTTP {self.http_status} " if self.http_status is not None else ""
        where = f" from {self.url}" if self.url else ""
        return f"unreadable {status}answer to {self.operation}{where}: {self.message}"


class WaiterError(IcSdkError):
    """A waiter ended without reaching the desired state."""


class ComponentFailed(WaiterError):
    """The inference component reached status ``Failed``."""

    def __init__(self, name: str, *, status: str, failure_reason: str | None) -> None:
        self.name = name
        self.status = status
        self.failure_reason = failure_reason
        reason = failure_reason or "the service gave no reason"
        super().__init__(f"inference component {name!r} is {status}: {reason}")


class EndpointFailed(WaiterError):
    """An endpoint did not reach (or keep) what was asked of it.

    ``status`` is what the service shows: ``Failed`` (the endpoint could not be created,
    updated or re-scaled; only a delete is possible now), ``UpdateRollbackFailed`` (a
    rolling update and its rollback both failed), or ``InService`` when the service rolled
    an update back: the endpoint runs its previous config, and ``failure_reason`` says why
    (:attr:`rolled_back`). ``description`` is the endpoint's last description.

    Not a :class:`ComponentFailed`: an endpoint is not an inference component (both are
    :class:`WaiterError`).
    """

    def __init__(
        self,
        name: str,
        *,
        status: str,
        failure_reason: str | None,
        description: DescribeEndpointOutput | None = None,
    ) -> None:
        self.name = name
        self.status = status
        self.failure_reason = failure_reason
        self.description = description
        reason = failure_reason or "the service gave no reason"
        if self.rolled_back:
            message = f"the update of endpoint {name!r} was rolled back: {reason}"
        else:
            message = f"endpoint {name!r} is {status}: {reason}"
        super().__init__(message)

    @property
    def rolled_back(self) -> bool:
        """Whether the service rolled an update back (the endpoint is ``InService`` on its
        previous config) rather than the endpoint failing."""
        return self.status == "InService"


class UpdateRolledBack(WaiterError):
    """The service rolled an update or scale back: the component is ``InService`` again,
    without the change. ``failure_reason`` says why; ``description`` is what it runs now.
    """

    def __init__(
        self,
        name: str,
        *,
        failure_reason: str | None,
        description: DescribeInferenceComponentOutput | None,
    ) -> None:
        self.name = name
        self.failure_reason = failure_reason
        self.description = description
        reason = failure_reason or "the service gave no reason"
        super().__init__(f"the change to inference component {name!r} was rolled back: {reason}")


class WaiterTimeout(WaiterError):
    """The waiter's deadline passed before the desired state was reached.

    ``failure_reason`` is the last ``FailureReason`` the service showed (it may predate
    the wait: the service keeps the reason of an earlier rollback).
    """

    def __init__(
        self,
        name: str,
        *,
        last_status: str | None,
        elapsed: float,
        waiting_for: str,
        failure_reason: str | None = None,
        resource: str = "inference component",
    ) -> None:
        self.name = name
        #: What was awaited: ``"inference component"`` or ``"endpoint"``.
        self.resource = resource
        self.last_status = last_status
        self.elapsed = elapsed
        self.waiting_for = waiting_for
        self.failure_reason = failure_reason
        reason = f"; last FailureReason: {failure_reason}" if failure_reason else ""
        super().__init__(
            f"gave up waiting for {resource} {name!r} to be {waiting_for} after "
            f"{elapsed:.1f}s (last status: {last_status or 'unknown'}{reason})"
        )


class ClientClosed(IcSdkError):
    """The client was closed while this call was waiting or in flight.

    A mutation interrupted this way may or may not have been applied: describe the
    component with a new client to know.
    """


class TransportError(IcSdkError):
    """The request could not be delivered or its answer not received.

    ``connected`` is false when no connection could be opened at all (refused, DNS,
    connect timeout): then nothing was sent.
    """

    def __init__(self, message: str, *, connected: bool = True) -> None:
        self.connected = connected
        super().__init__(message)


def _error_class(code: str, message: str, http_status: int | None) -> type[ServiceError]:
    if code in THROTTLING_CODES:
        return ThrottlingError
    if code in ("ResourceNotFound", "ResourceNotFoundException"):
        return ResourceNotFound
    if code in ("ResourceLimitExceeded", "ResourceLimitExceededException"):
        return ResourceLimitExceeded
    if code in ("ResourceInUse", "ResourceInUseException", "ConflictException"):
        return ResourceInUse
    if code in ("ValidationException", "ValidationError"):
        if message.startswith(NOT_FOUND_PREFIX) or message.startswith("Could not find "):
            return ResourceNotFound
        return ServiceValidationError
    if http_status == 400:
        return ServiceValidationError
    # Everything else stays a plain ServiceError: the runtime's ModelError (424) is the
    # model's answer, not a malformed request; 5xx are the service's own failures.
    return ServiceError


#: Runtime errors worth retrying although their status is below 500.
_RETRYABLE_CODES = frozenset({"ModelNotReadyException"})


def from_client_error(exc: Any, *, operation: str | None = None) -> ServiceError:
    """Build the matching :class:`ServiceError` from a botocore ``ClientError``.

    The caller raises it ``from exc`` so the original stays as ``__cause__``.
    """
    response: dict[str, Any] = getattr(exc, "response", None) or {}
    error = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or "")
    status = meta.get("HTTPStatusCode")
    http_status = int(status) if status is not None else None
    cls = _error_class(code, message, http_status)
    retryable = None
    if cls is ServiceError:
        retryable = code in _RETRYABLE_CODES or (http_status is not None and http_status >= 500)
    return cls(
        message,
        code=code,
        request_id=meta.get("RequestId"),
        http_status=http_status,
        operation=operation or getattr(exc, "operation_name", None),
        retryable=retryable,
        retry_attempts=int(meta.get("RetryAttempts") or 0),
    )

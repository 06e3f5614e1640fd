"""Every error ic_sdk raises.

```
IcSdkError
├── ValidationError          client-side, nothing was sent
├── ServiceError             code, message, request_id, http_status, retryable
│   ├── ResourceLimitExceeded
│   ├── ResourceNotFound     incl. the service's "Could not find inference component"
│   ├── ResourceInUse
│   ├── ThrottlingError
│   └── ServiceValidationError
├── WaiterError
│   ├── ComponentFailed      name, status, failure_reason
│   └── WaiterTimeout        name, last status, elapsed
└── TransportError           connection/timeout problems, original as __cause__
```

Foreign exceptions (botocore's ``ClientError``, connection errors) are wrapped, never
leaked: the original is always available as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ic_sdk.validation import Problem

__all__ = [
    "ComponentFailed",
    "IcSdkError",
    "ResourceInUse",
    "ResourceLimitExceeded",
    "ResourceNotFound",
    "ServiceError",
    "ServiceValidationError",
    "ThrottlingError",
    "TransportError",
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
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.operation = operation
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


class WaiterTimeout(WaiterError):
    """The waiter's deadline passed before the desired state was reached."""

    def __init__(
        self, name: str, *, last_status: str | None, elapsed: float, waiting_for: str
    ) -> None:
        self.name = name
        self.last_status = last_status
        self.elapsed = elapsed
        self.waiting_for = waiting_for
        super().__init__(
            f"gave up waiting for inference component {name!r} to be {waiting_for} after "
            f"{elapsed:.1f}s (last status: {last_status or 'unknown'})"
        )


class TransportError(IcSdkError):
    """The request could not be delivered or its answer not received."""


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
    )

"""ic_sdk.errors: the hierarchy and the mapping of botocore ClientErrors onto it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ic_sdk import errors
from ic_sdk.errors import (
    NOT_FOUND_PREFIX,
    ComponentFailed,
    IcSdkError,
    ResourceInUse,
    ResourceLimitExceeded,
    ResourceNotFound,
    ServiceError,
    ServiceValidationError,
    ThrottlingError,
    TransportError,
    ValidationError,
    WaiterError,
    WaiterTimeout,
    from_client_error,
)
from ic_sdk.validation import Problem


def client_error(
    code: str,
    message: str = "",
    *,
    status: int | None = 400,
    request_id: str | None = "req-1234",
    operation: str = "CreateInferenceComponent",
) -> ClientError:
    meta: dict[str, Any] = {}
    if status is not None:
        meta["HTTPStatusCode"] = status
    if request_id is not None:
        meta["RequestId"] = request_id
    response: Any = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": meta}
    return ClientError(response, operation)


def test_hierarchy_matches_the_design() -> None:
    assert issubclass(ValidationError, IcSdkError)
    assert issubclass(ServiceError, IcSdkError)
    for cls in (
        ResourceLimitExceeded,
        ResourceNotFound,
        ResourceInUse,
        ThrottlingError,
        ServiceValidationError,
    ):
        assert issubclass(cls, ServiceError)
    assert issubclass(ComponentFailed, WaiterError)
    assert issubclass(WaiterTimeout, WaiterError)
    assert issubclass(WaiterError, IcSdkError)
    assert issubclass(TransportError, IcSdkError)
    assert sorted(errors.__all__) == errors.__all__


@pytest.mark.parametrize(
    ("code", "message", "status", "expected"),
    [
        (
            "ValidationException",
            f"{NOT_FOUND_PREFIX} (arn:aws:sagemaker:us-east-1:1:inference-component/x).",
            400,
            ResourceNotFound,
        ),
        ("ValidationException", "Could not find endpoint 'ep'.", 400, ResourceNotFound),
        ("ValidationException", "1 validation error detected", 400, ServiceValidationError),
        ("ResourceNotFound", "Inference component x does not exist", 400, ResourceNotFound),
        (
            "ResourceLimitExceeded",
            "account-level service limit exceeded",
            400,
            ResourceLimitExceeded,
        ),
        ("ResourceInUse", "Cannot create an already existing IC", 400, ResourceInUse),
        ("ConflictException", "in progress", 409, ResourceInUse),
        ("ThrottlingException", "Rate exceeded", 400, ThrottlingError),
        ("Throttling", "Rate exceeded", 400, ThrottlingError),
        ("RequestLimitExceeded", "slow down", 503, ThrottlingError),
        ("AccessDeniedException", "not authorized", 403, ServiceError),
        (
            "ValidationError",
            "Inference Component Name header is required",
            400,
            ServiceValidationError,
        ),
        ("ModelError", "the model answered 500", 424, ServiceError),
        ("ModelNotReadyException", "not ready", 429, ServiceError),
        ("InternalFailure", "oops", 500, ServiceError),
        ("ServiceUnavailable", "later", 503, ServiceError),
    ],
)
def test_client_errors_map_to_the_matching_class(
    code: str, message: str, status: int, expected: type[ServiceError]
) -> None:
    error = from_client_error(client_error(code, message, status=status))
    assert type(error) is expected
    assert error.code == code
    assert error.message == message
    assert error.http_status == status
    assert error.request_id == "req-1234"
    assert error.operation == "CreateInferenceComponent"


@pytest.mark.parametrize(
    ("code", "status", "retryable"),
    [
        ("ThrottlingException", 400, True),
        ("InternalFailure", 500, True),
        ("ServiceUnavailable", 503, True),
        ("ValidationException", 400, False),
        ("ResourceLimitExceeded", 400, False),
        ("SomethingNew", None, False),
        ("ModelError", 424, False),
        ("ModelNotReadyException", 429, True),
        ("InternalDependencyException", 530, True),
    ],
)
def test_retryable(code: str, status: int | None, retryable: bool) -> None:
    assert from_client_error(client_error(code, status=status)).retryable is retryable


def test_missing_fields_do_not_break_the_mapping() -> None:
    bare = ClientError({}, "DescribeInferenceComponent")
    error = from_client_error(bare)
    assert type(error) is ServiceError
    assert error.code == "Unknown"
    assert error.request_id is None
    assert error.http_status is None
    assert error.operation == "DescribeInferenceComponent"


def test_operation_can_be_overridden_and_the_original_kept_as_cause() -> None:
    original = client_error("ThrottlingException", "Rate exceeded", operation="X")

    def call() -> None:
        try:
            raise original
        except ClientError as exc:
            raise from_client_error(exc, operation="UpdateInferenceComponent") from exc

    with pytest.raises(ThrottlingError) as caught:
        call()
    assert caught.value.__cause__ is original
    assert caught.value.operation == "UpdateInferenceComponent"
    assert str(caught.value) == (
        "ThrottlingException in UpdateInferenceComponent: Rate exceeded (request id req-1234)"
    )


def test_service_error_str_without_operation_or_request_id() -> None:
    error = ServiceError("boom", code="InternalFailure")
    assert str(error) == "InternalFailure: boom"


def test_validation_error_renders_every_problem() -> None:
    problems = [
        Problem("InferenceComponentName", "pattern", "'a b' does not match"),
        Problem("", "ic.update-nothing", "an update needs something"),
    ]
    error = ValidationError(problems, operation="UpdateInferenceComponent")
    assert error.problems == tuple(problems)
    assert str(error).splitlines() == [
        "UpdateInferenceComponent request has 2 problems:",
        "  InferenceComponentName: 'a b' does not match [pattern]",
        "  <root>: an update needs something [ic.update-nothing]",
    ]
    single = ValidationError(problems[:1])
    assert str(single).splitlines()[0] == "request has 1 problem:"


def test_waiter_errors_carry_their_facts() -> None:
    failed = ComponentFailed("ic", status="Failed", failure_reason="CapacityError: no GPUs")
    assert (failed.name, failed.status, failed.failure_reason) == (
        "ic",
        "Failed",
        "CapacityError: no GPUs",
    )
    assert "CapacityError" in str(failed)
    assert "gave no reason" in str(ComponentFailed("ic", status="Failed", failure_reason=None))
    timeout = WaiterTimeout("ic", last_status="Creating", elapsed=1800.0, waiting_for="InService")
    assert (timeout.last_status, timeout.elapsed) == ("Creating", 1800.0)
    assert "1800.0s" in str(timeout)
    assert "last status: Creating" in str(timeout)

"""The wire as the service speaks it: constraint wording and paths, malformed bodies at
any depth, oversized bodies, unknown members, sessions, stream error codes, TargetVariant.
Plain boto3 (sync, in a thread) where boto3 can send the request; raw HTTP where it
refuses to (a timestamp as a word, 100,000-deep JSON)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.eventstream import EventStreamBuffer
from botocore.exceptions import ClientError

from ic_sdk.clock import FakeClock
from ic_sdk.testing import Invocation, LocalSageMaker, ModelError, _state
from tests.testing.emulator_support import (
    IMAGE,
    ROLE_ARN,
    SETTLE,
    VARIANT,
    base_request,
    ic_endpoint_config,
    post,
    signed,
)

SESSION = boto3.session.Session()
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture
def boto(sm: LocalSageMaker) -> tuple[Any, Any]:
    options: dict[str, Any] = {
        "endpoint_url": sm.endpoint_url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "verify": False,
        "config": NO_RETRIES,
    }
    return SESSION.client("sagemaker", **options), SESSION.client("sagemaker-runtime", **options)


@pytest.fixture
async def deployed(boto: tuple[Any, Any], clock: FakeClock) -> None:
    sagemaker, _ = boto
    await call(sagemaker.create_endpoint_config, **ic_endpoint_config("c"))
    await call(sagemaker.create_endpoint, EndpointName="ep", EndpointConfigName="c")
    clock.advance(SETTLE)
    await call(sagemaker.create_inference_component, **base_request("ic", "ep"))
    clock.advance(SETTLE)


async def call(method: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(method, **kwargs)


async def failure(method: Any, **kwargs: Any) -> ClientError:
    with pytest.raises(ClientError) as info:
        await call(method, **kwargs)
    return info.value


async def control(sm: LocalSageMaker, operation: str, body: bytes) -> tuple[int, dict[str, Any]]:
    status, headers, answer = await post(sm.endpoint_url, body, signed(operation))
    assert headers["x-amzn-RequestId"]
    return status, json.loads(answer)


# -- constraint messages ------------------------------------------------------------------


async def test_a_pattern_problem_in_the_service_words(boto: tuple[Any, Any]) -> None:
    error = await failure(boto[0].describe_inference_component, InferenceComponentName="bad_name!")
    assert error.response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'bad_name!' at 'inferenceComponentName' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: "
        r"[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?",
    }


async def test_list_members_are_named_by_position(boto: tuple[Any, Any]) -> None:
    tags = [{"Key": "team", "Value": "ok"}, {"Key": "owner", "Value": "x" * 257}]
    error = await failure(
        boto[0].create_model, ModelName="m", PrimaryContainer={"Image": IMAGE}, Tags=tags
    )
    message = error.response["Error"]["Message"]
    assert message == (
        f"1 validation error detected: Value '{'x' * 257}' at 'tags.2.member.value' failed to "
        "satisfy constraint: Member must have length less than or equal to 256"
    )


async def test_every_problem_is_listed_and_map_entries_hide_their_values(
    boto: tuple[Any, Any], deployed: None
) -> None:
    request = base_request("Bad_Name", "ep")
    request["Specification"]["Container"]["Environment"] = {"1BAD": "super-secret-token"}
    request["Specification"]["StartupParameters"] = {"ModelDataDownloadTimeoutInSeconds": 4000}
    error = await failure(boto[0].create_inference_component, **request)
    message = error.response["Error"]["Message"]
    assert message.startswith("3 validation errors detected: ")
    assert "Value 'Bad_Name' at 'inferenceComponentName' failed to satisfy constraint" in message
    assert (
        "Value at 'specification.container.environment' failed to satisfy constraint: Map keys "
        "must satisfy constraint: [Member must satisfy regular expression pattern: "
    ) in message
    assert (
        "Value '4000' at 'specification.startupParameters.modelDataDownloadTimeoutInSeconds' "
        "failed to satisfy constraint: Member must have value less than or equal to 3600"
    ) in message
    assert "super-secret-token" not in message


# -- malformed bodies -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("ListInferenceComponents", {"CreationTimeAfter": "yesterday"}),
        ("ListInferenceComponents", {"MaxResults": "ten"}),
        ("ListInferenceComponents", {"SortOrder": ["Ascending"]}),
        (
            "CreateInferenceComponent",
            {
                "InferenceComponentName": "ic",
                "EndpointName": "ep",
                "Specification": {"ComputeResourceRequirements": {"MinMemoryRequiredInMb": "lots"}},
            },
        ),
        ("CreateEndpointConfig", {"EndpointConfigName": "c", "ProductionVariants": {"x": 1}}),
        ("AddTags", {"ResourceArn": "arn", "Tags": [{"Key": 1, "Value": True}]}),
    ],
    ids=["timestamp-word", "int-as-string", "list-for-enum", "deep", "map-for-list", "tag-types"],
)
async def test_values_of_the_wrong_type_at_any_depth(
    sm: LocalSageMaker, operation: str, body: dict[str, Any]
) -> None:
    status, answer = await control(sm, operation, json.dumps(body).encode())
    assert status == 400
    assert answer["__type"] == "SerializationException"


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"{not json",
        b"\xff\xfe",
        b"[]",
    ],
    ids=["deep-list", "deep-object", "malformed", "not-utf8", "not-an-object"],
)
async def test_unreadable_bodies(sm: LocalSageMaker, body: bytes) -> None:
    status, answer = await control(sm, "ListInferenceComponents", body)
    assert status == 400
    assert answer["__type"] == "SerializationException"


async def test_iso_timestamps_are_read(sm: LocalSageMaker) -> None:
    body = json.dumps({"CreationTimeAfter": "2020-01-01T00:00:00Z"}).encode()
    status, answer = await control(sm, "ListInferenceComponents", body)
    assert (status, answer) == (200, {"InferenceComponents": []})


async def test_oversized_invocations_get_413_with_a_request_id(
    boto: tuple[Any, Any], deployed: None
) -> None:
    for size in (6 * 1024 * 1024 + 1, 10 * 1024 * 1024):
        error = await failure(
            boto[1].invoke_endpoint,
            EndpointName="ep",
            InferenceComponentName="ic",
            Body=b"x" * size,
        )
        meta = error.response["ResponseMetadata"]
        assert meta["HTTPStatusCode"] == 413
        assert meta["RequestId"]
        assert f"Request payload of {size} bytes" in error.response["Error"]["Message"]


async def test_unknown_members_are_dropped(sm: LocalSageMaker, boto: tuple[Any, Any]) -> None:
    body = {
        "ModelName": "m",
        "PrimaryContainer": {"Image": IMAGE, "Flavour": "vanilla"},
        "Bogus": {"deep": [1, 2, 3]},
    }
    status, _ = await control(sm, "CreateModel", json.dumps(body).encode())
    assert status == 200
    described = await call(boto[0].describe_model, ModelName="m")
    assert "Bogus" not in described
    assert described["PrimaryContainer"] == {"Image": IMAGE}


async def test_no_traceback_in_the_log_for_any_input(
    sm: LocalSageMaker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = [b"[" * 100_000, b'{"CreationTimeAfter": "yesterday"}', b"\x00" * 64, b"null"]
    for operation in ("ListInferenceComponents", "CreateModel", "Nonsense"):
        for body in bodies:
            status, _, _ = await post(sm.endpoint_url, body, signed(operation))
            assert 400 <= status < 500
    status, _, _ = await post(
        sm.endpoint_url + "/endpoints/ep/invocations", b"[" * 100_000, signed()
    )
    assert status == 400
    assert all(record.exc_info is None for record in caplog.records)
    assert not any("Traceback" in record.getMessage() for record in caplog.records)


async def test_an_emulator_bug_is_a_500_without_a_traceback(
    sm: LocalSageMaker, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, operation: str, body: Any) -> Any:
        raise KeyError("oops")

    monkeypatch.setattr(_state.EmulatorState, "call", broken)
    caplog.set_level(logging.DEBUG)
    status, answer = await control(sm, "ListInferenceComponents", b"{}")
    assert (status, answer["__type"]) == (500, "InternalFailure")
    assert [r.getMessage() for r in caplog.records if r.name == "ic_sdk.testing"] == [
        "LocalSageMaker failed on ListInferenceComponents: KeyError: 'oops'"
    ]
    assert all(record.exc_info is None for record in caplog.records)


# -- runtime ------------------------------------------------------------------------------


async def test_new_session_returns_a_session_id(boto: tuple[Any, Any], deployed: None) -> None:
    answer = await call(
        boto[1].invoke_endpoint,
        EndpointName="ep",
        InferenceComponentName="ic",
        Body=b"{}",
        SessionId="NEW_SESSION",
    )
    assert re.fullmatch(
        r"[0-9a-f]{32}; Expires=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", answer["NewSessionId"]
    )
    plain = await call(
        boto[1].invoke_endpoint, EndpointName="ep", InferenceComponentName="ic", Body=b"{}"
    )
    assert "NewSessionId" not in plain


async def _stream_events(sm: LocalSageMaker) -> list[tuple[str, bytes]]:
    headers = signed()
    headers["X-Amzn-SageMaker-Inference-Component"] = "ic"
    status, _, body = await post(
        sm.endpoint_url + "/endpoints/ep/invocations-response-stream", b"{}", headers
    )
    assert status == 200
    buffer = EventStreamBuffer()
    buffer.add_data(body)
    return [
        (str(m.headers.get(":event-type") or m.headers.get(":exception-type")), m.payload)
        for m in buffer
    ]


@pytest.mark.parametrize(
    ("raised", "code"),
    [
        (ModelError("connection reset"), "StreamBroken"),
        (TimeoutError(), "ModelInvocationTimeExceeded"),
    ],
)
async def test_model_stream_error_codes(
    sm: LocalSageMaker, deployed: None, raised: Exception, code: str
) -> None:
    async def stream(invocation: Invocation) -> AsyncIterator[bytes]:
        yield b"first"
        raise raised

    sm.set_handler("ic", stream=stream)
    events = await _stream_events(sm)
    assert (
        events[0] == ("PayloadPart", json.dumps({"Bytes": "Zmlyc3Q="}).encode())
        or events[0][0] == "PayloadPart"
    )
    kind, payload = events[-1]
    assert kind == "ModelStreamError"
    assert json.loads(payload)["ErrorCode"] == code


async def test_target_variant_on_an_ic_endpoint(boto: tuple[Any, Any], clock: FakeClock) -> None:
    sagemaker, runtime = boto
    variants = [
        {"VariantName": name, "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1}
        for name in (VARIANT, "Canary")
    ]
    await call(
        sagemaker.create_endpoint_config,
        EndpointConfigName="c",
        ExecutionRoleArn=ROLE_ARN,
        ProductionVariants=variants,
    )
    await call(sagemaker.create_endpoint, EndpointName="ep", EndpointConfigName="c")
    clock.advance(SETTLE)
    await call(sagemaker.create_inference_component, **base_request("ic", "ep"))
    clock.advance(SETTLE)
    answer = await call(
        runtime.invoke_endpoint,
        EndpointName="ep",
        InferenceComponentName="ic",
        TargetVariant=VARIANT,
        Body=b"{}",
    )
    assert answer["InvokedProductionVariant"] == VARIANT
    for variant, message in (
        ("Canary", "Inference Component ic not found for variant Canary of endpoint ep."),
        ("Nope", "Variant Nope not found for endpoint ep."),
    ):
        error = await failure(
            runtime.invoke_endpoint,
            EndpointName="ep",
            InferenceComponentName="ic",
            TargetVariant=variant,
            Body=b"{}",
        )
        assert error.response["Error"] == {"Code": "ValidationError", "Message": message}

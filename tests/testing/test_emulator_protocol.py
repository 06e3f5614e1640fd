"""The wire: JSON 1.1 and rest-json as botocore parses them, auth refusals, event streams."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from aiobotocore.config import AioConfig
from botocore import UNSIGNED
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

from ic_sdk.testing import LocalSageMaker
from ic_sdk.testing._eventstream import encode_message, exception_event, payload_part
from tests.testing.conftest import SESSION
from tests.testing.emulator_support import expect_error

JSON_11 = "application/x-amz-json-1.1"
SIGNED = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sagemaker/"
    "aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc",
    "X-Amz-Date": "20260101T000000Z",
    "Content-Type": JSON_11,
}


async def post(
    sm: LocalSageMaker, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, list[str], dict[str, str], bytes]:
    """Status, header names as sent, headers, body."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(sm.endpoint_url + path, data=body, headers=headers) as response,
    ):
        names = [name.decode() for name, _ in response.raw_headers]
        return response.status, names, dict(response.headers), await response.read()


async def test_unsigned_requests_are_refused(sm: LocalSageMaker) -> None:
    config = AioConfig(signature_version=UNSIGNED, retries={"total_max_attempts": 1})
    async with SESSION.create_client(
        "sagemaker", config=config, **sm.client_kwargs("sagemaker")
    ) as sagemaker:
        await expect_error(
            sagemaker.list_inference_components(),
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
            status=403,
        )
    async with SESSION.create_client(
        "sagemaker-runtime", config=config, **sm.client_kwargs("sagemaker-runtime")
    ) as runtime:
        await expect_error(
            runtime.invoke_endpoint(EndpointName="ep", Body=b"{}"),
            "MissingAuthenticationTokenException",
            status=403,
        )


async def test_error_body_is_what_the_json_parser_reads(sm: LocalSageMaker) -> None:
    headers = {**SIGNED, "X-Amz-Target": "SageMaker.DescribeInferenceComponent"}
    status, names, answer_headers, body = await post(
        sm, "/", json.dumps({"InferenceComponentName": "nope"}).encode(), headers
    )
    assert status == 400
    assert "x-amzn-RequestId" in names
    assert answer_headers["Content-Type"] == JSON_11
    assert json.loads(body) == {
        "__type": "ValidationException",
        "message": 'Could not find inference component "arn:aws:sagemaker:us-east-1:'
        '123456789012:inference-component/nope".',
    }


@pytest.mark.parametrize(
    ("authorization", "expected"),
    [
        ("Basic dXNlcjpwYXNz", "Unsupported authorization type Basic"),
        ("AWS4-HMAC-SHA256 Credential=x/y", "requires 'SignedHeaders' parameter."),
    ],
)
async def test_malformed_signatures(sm: LocalSageMaker, authorization: str, expected: str) -> None:
    headers = {**SIGNED, "Authorization": authorization, "X-Amz-Target": "SageMaker.ListTags"}
    status, _, _, body = await post(sm, "/", b"{}", headers)
    assert status == 400
    error = json.loads(body)
    assert error["__type"] == "IncompleteSignatureException"
    assert expected in error["message"]


@pytest.mark.parametrize(
    ("path", "target", "body", "status", "code"),
    [
        ("/", "SageMaker.CreateTrainingJob", b"{}", 400, "UnknownOperationException"),
        ("/", "Other.ListTags", b"{}", 400, "UnknownOperationException"),
        ("/", "SageMaker.ListInferenceComponents", b"{not json", 400, "SerializationException"),
        ("/", "SageMaker.ListInferenceComponents", b"[1]", 400, "SerializationException"),
        (
            "/elsewhere",
            "SageMaker.ListInferenceComponents",
            b"{}",
            404,
            "UnknownOperationException",
        ),
    ],
)
async def test_requests_the_service_cannot_understand(
    sm: LocalSageMaker, path: str, target: str, body: bytes, status: int, code: str
) -> None:
    answer_status, _, _, answer = await post(sm, path, body, {**SIGNED, "X-Amz-Target": target})
    assert answer_status == status
    assert json.loads(answer)["__type"] == code


async def test_runtime_errors_carry_the_error_type_header(sm: LocalSageMaker) -> None:
    status, names, headers, body = await post(sm, "/endpoints/nope/invocations", b"{}", SIGNED)
    assert status == 400
    assert "x-amzn-ErrorType" in names
    assert headers["x-amzn-ErrorType"] == "ValidationError"
    assert json.loads(body)["Message"] == "Endpoint nope of account 123456789012 not found."


# -- event-stream framing --------------------------------------------------------------


def decode(data: bytes) -> list[Any]:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return list(buffer)


def test_payload_parts_decode_with_botocore() -> None:
    data = payload_part(b"hello") + payload_part(b"") + payload_part("ünï".encode())
    messages = decode(data)
    assert [m.payload for m in messages] == [b"hello", b"", "ünï".encode()]
    assert messages[0].headers == {
        ":event-type": "PayloadPart",
        ":content-type": "application/octet-stream",
        ":message-type": "event",
    }
    assert messages[0].to_response_dict()["status_code"] == 200


def test_exception_events_decode_with_botocore() -> None:
    (message,) = decode(exception_event("ModelStreamError", {"Message": "m", "ErrorCode": "e"}))
    assert message.headers[":message-type"] == "exception"
    assert message.headers[":exception-type"] == "ModelStreamError"
    assert json.loads(message.payload) == {"Message": "m", "ErrorCode": "e"}
    assert message.to_response_dict()["status_code"] == 400


def test_both_checksums_are_checked() -> None:
    good = encode_message({":message-type": "event"}, b"payload")
    for index in (9, len(good) - 5):  # inside the prelude CRC, inside the payload
        corrupt = bytearray(good)
        corrupt[index] ^= 0xFF
        with pytest.raises(ChecksumMismatch):
            decode(bytes(corrupt))


def test_messages_split_across_chunks() -> None:
    data = payload_part(b"a" * 100) + payload_part(b"b")
    buffer = EventStreamBuffer()
    payloads: list[bytes] = []
    for start in range(0, len(data), 7):
        buffer.add_data(data[start : start + 7])
        payloads.extend(m.payload for m in buffer)
    assert payloads == [b"a" * 100, b"b"]

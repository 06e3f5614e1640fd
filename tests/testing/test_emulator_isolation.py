"""Isolation by region (the SigV4 credential scope) and account (the access key), with
plain boto3 clients (sync, in a thread) against a LocalSageMaker on a FakeClock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from tests.testing.emulator_support import SETTLE, base_request, ic_endpoint_config, post, signed

SESSION = boto3.session.Session()
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
Make = Callable[..., Any]


@pytest.fixture
async def mapped(clock: FakeClock) -> AsyncIterator[LocalSageMaker]:
    async with LocalSageMaker(clock=clock, access_keys={"AKIAOTHERTEAM": "210987654321"}) as sm:
        yield sm


@pytest.fixture
def boto(mapped: LocalSageMaker) -> Make:
    def make(service: str, *, region: str = "us-east-1", key: str = "testing") -> Any:
        return SESSION.client(
            service,
            endpoint_url=mapped.endpoint_url,
            region_name=region,
            aws_access_key_id=key,
            aws_secret_access_key="secret",
            verify=False,
            config=NO_RETRIES,
        )

    return make


async def call(method: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(method, **kwargs)


async def error_of(method: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        await call(method, **kwargs)
    error: dict[str, Any] = info.value.response["Error"]
    return error


async def deploy(sagemaker: Any, clock: FakeClock) -> None:
    await call(sagemaker.create_endpoint_config, **ic_endpoint_config("c"))
    await call(sagemaker.create_endpoint, EndpointName="ep", EndpointConfigName="c")
    clock.advance(SETTLE)
    await call(sagemaker.create_inference_component, **base_request("ic", "ep"))
    clock.advance(SETTLE)


@pytest.mark.parametrize(
    ("region", "partition"),
    [("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
async def test_regions_are_apart(boto: Make, clock: FakeClock, region: str, partition: str) -> None:
    await deploy(boto("sagemaker"), clock)
    elsewhere = boto("sagemaker", region=region)
    error = await error_of(elsewhere.describe_inference_component, InferenceComponentName="ic")
    arn = f"arn:{partition}:sagemaker:{region}:123456789012:inference-component/ic"
    assert error == {
        "Code": "ValidationException",
        "Message": f'Could not find inference component "{arn}".',
    }
    listed = await call(elsewhere.list_inference_components)
    assert listed["InferenceComponents"] == []
    error = await error_of(
        boto("sagemaker-runtime", region=region).invoke_endpoint,
        EndpointName="ep",
        InferenceComponentName="ic",
        Body=b"{}",
    )
    assert error["Message"] == "Endpoint ep of account 123456789012 not found."
    # The same names are free there, and ARNs say where they live.
    created = await call(elsewhere.create_endpoint_config, **ic_endpoint_config("c"))
    assert created["EndpointConfigArn"] == (
        f"arn:{partition}:sagemaker:{region}:123456789012:endpoint-config/c"
    )


async def test_each_access_key_is_an_account(boto: Make, clock: FakeClock) -> None:
    await deploy(boto("sagemaker"), clock)
    for key, account in (("AKIAOTHERTEAM", "210987654321"), ("AKIASOMEONEELSE", None)):
        other = boto("sagemaker", key=key)
        error = await error_of(other.describe_inference_component, InferenceComponentName="ic")
        assert error["Code"] == "ValidationException"
        assert "Could not find inference component" in error["Message"]
        created = await call(other.create_endpoint_config, **ic_endpoint_config("c"))
        arn_account = created["EndpointConfigArn"].split(":")[4]
        assert arn_account != "123456789012"
        assert len(arn_account) == 12
        assert arn_account.isdigit()
        if account is not None:  # the configured mapping
            assert arn_account == account
        runtime = boto("sagemaker-runtime", key=key)
        error = await error_of(
            runtime.invoke_endpoint, EndpointName="ep", InferenceComponentName="ic", Body=b"{}"
        )
        assert error["Message"] == f"Endpoint ep of account {arn_account} not found."


async def test_an_unknown_key_gets_the_same_account_every_time(boto: Make) -> None:
    first = await call(
        boto("sagemaker", key="AKIAREPEAT").create_model,
        ModelName="m",
        PrimaryContainer={"Image": "i"},
    )
    again = boto("sagemaker", key="AKIAREPEAT")
    described = await call(again.describe_model, ModelName="m")
    assert described["ModelArn"] == first["ModelArn"]


async def test_a_credential_without_a_scope_is_the_default_region(
    mapped: LocalSageMaker,
) -> None:
    headers = signed("CreateModel")
    headers["Authorization"] = (
        "AWS4-HMAC-SHA256 Credential=testing, SignedHeaders=host, Signature=abc"
    )
    body = json.dumps({"ModelName": "m", "PrimaryContainer": {"Image": "i"}}).encode()
    status, answer, created = await post(mapped.endpoint_url, body, headers)
    assert status == 200
    assert answer["x-amzn-RequestId"]
    assert json.loads(created)["ModelArn"] == "arn:aws:sagemaker:us-east-1:123456789012:model/m"

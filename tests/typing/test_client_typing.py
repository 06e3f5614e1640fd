"""A user-style script against the client, checked by ``mypy --strict`` (nox -s typecheck)
with ``assert_type``; it also runs as a plain test against LocalSageMaker."""

from __future__ import annotations

from typing import assert_type

import ic_sdk
from ic_sdk import models
from ic_sdk.clock import FakeClock
from ic_sdk.models import runtime
from ic_sdk.testing import LocalSageMaker

IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"


async def deploy(client: ic_sdk.InferenceComponentClient) -> None:
    spec = ic_sdk.base_component(
        name="llama",
        endpoint_name="ep",
        variant_name="AllTraffic",
        image=IMAGE,
        memory_mb=16_384,
        accelerators=1,
        copies=1,
    )
    problems = await client.preflight(spec)
    assert_type(problems, list[ic_sdk.Problem])
    assert problems == []

    created = await client.create(spec)
    assert_type(created, models.CreateInferenceComponentOutput)
    assert_type(created.inference_component_arn, str)

    async for event in client.watch("llama"):
        assert_type(event, ic_sdk.WaiterEvent)
        assert_type(event.status, str | None)
        assert_type(event.elapsed, float)

    ready = await client.wait_until_in_service("llama", timeout_s=600)
    assert_type(ready, models.DescribeInferenceComponentOutput)
    assert_type(ready.inference_component_status, models.InferenceComponentStatus | str | None)

    adapters = [
        ic_sdk.adapter_component(
            name=f"lora-{i}",
            endpoint_name="ep",
            base_component_name="llama",
            artifact_url=f"s3://adapters/lora-{i}/",
        )
        for i in range(3)
    ]
    results = await client.create_many(adapters, concurrency=2, wait=True)
    assert_type(results, list[ic_sdk.CreateResult])
    for result in results:
        assert_type(result.error, Exception | None)
        assert_type(result.description, models.DescribeInferenceComponentOutput | None)
        assert result.ok

    answer = await client.invoke("lora-1", b'{"inputs": "hi"}', content_type="application/json")
    assert_type(answer, runtime.InvokeEndpointOutput)
    assert_type(answer.body, bytes)
    async for chunk in client.invoke_stream("lora-1", "hi"):
        assert_type(chunk, bytes)

    scaled = await client.scale_and_wait("llama", 2, policy=ic_sdk.WaitPolicy(timeout=900))
    assert_type(scaled, models.DescribeInferenceComponentOutput)

    async for summary in client.list(endpoint_name_equals="ep", sort_by="Name"):
        assert_type(summary, models.InferenceComponentSummary)

    for result in results:
        assert_type(await client.delete_and_wait(result.name), None)
    assert_type(await client.delete("llama", missing_ok=True), None)

    try:
        await client.describe("nope")
    except ic_sdk.ResourceNotFound as exc:
        assert_type(exc.code, str)
        assert_type(exc.request_id, str | None)


async def test_user_script_runs() -> None:
    from aiobotocore.session import AioSession

    clock = FakeClock()
    async with LocalSageMaker(clock=clock) as sm:
        async with AioSession().create_client(
            "sagemaker", **sm.client_kwargs("sagemaker")
        ) as sagemaker:
            await sagemaker.create_endpoint_config(
                EndpointConfigName="ep-config",
                ExecutionRoleArn="arn:aws:iam::123456789012:role/SageMaker",
                ProductionVariants=[
                    {
                        "VariantName": "AllTraffic",
                        "InstanceType": "ml.g5.12xlarge",
                        "InitialInstanceCount": 1,
                    }
                ],
            )
            await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="ep-config")
        clock.advance(5)
        async with ic_sdk.InferenceComponentClient(
            region="us-east-1",
            endpoint_url=sm.endpoint_url,
            runtime_endpoint_url=sm.runtime_endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            clock=clock,
            max_attempts=1,
        ) as client:
            await deploy(client)

"""Shared by the examples: a LocalSageMaker with an endpoint ready for inference components.

Not part of ic_sdk: in real code the endpoint usually comes from infrastructure as code,
and the client from ``InferenceComponentClient(region=...)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiobotocore.session import AioSession

import ic_sdk
from ic_sdk.clock import Clock, SystemClock
from ic_sdk.testing import LocalSageMaker

ROLE_ARN = "arn:aws:iam::123456789012:role/SageMakerExecution"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"

#: The emulator changes state in a fifth of a second: poll faster than the default policy
#: (~2 s, ~8 s, then about every 20 s, made for the minutes a real deployment takes).
FAST = ic_sdk.WaitPolicy(backoff=ic_sdk.Backoff(initial=0.1, max_delay=0.5, min_delay=0.05))


async def create_endpoint(
    sm: LocalSageMaker,
    name: str,
    *,
    instance_type: str = "ml.g5.12xlarge",
    instances: int = 1,
    clock: Clock | None = None,
) -> None:
    """An endpoint that can host inference components, InService.

    Its config has an execution role and a production variant without ``ModelName``:
    that is what makes an endpoint accept inference components.
    """
    clock = clock or SystemClock()
    async with AioSession().create_client("sagemaker", **sm.client_kwargs("sagemaker")) as raw:
        await raw.create_endpoint_config(
            EndpointConfigName=f"{name}-config",
            ExecutionRoleArn=ROLE_ARN,
            ProductionVariants=[
                {
                    "VariantName": "AllTraffic",
                    "InstanceType": instance_type,
                    "InitialInstanceCount": instances,
                }
            ],
        )
        await raw.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
        while (await raw.describe_endpoint(EndpointName=name))["EndpointStatus"] != "InService":
            await clock.sleep(0.1)


@asynccontextmanager
async def local_client(
    sm: LocalSageMaker,
    *,
    clock: Clock | None = None,
    wait_policy: ic_sdk.WaitPolicy = FAST,
    max_attempts: int | None = None,
) -> AsyncIterator[ic_sdk.InferenceComponentClient]:
    """An ``InferenceComponentClient`` talking to ``sm`` (any credentials work there)."""
    async with ic_sdk.InferenceComponentClient(
        endpoint_url=sm.endpoint_url,
        runtime_endpoint_url=sm.runtime_endpoint_url,
        region=sm.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        wait_policy=wait_policy,
        max_attempts=max_attempts,
        clock=clock,
    ) as client:
        yield client

"""Shared request builders and assertions for the LocalSageMaker tests."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE_ARN = "arn:aws:iam::123456789012:role/SageMakerRole"
#: 48 vCPU, 192 GiB memory, 4 x NVIDIA A10G per instance.
INSTANCE_TYPE = "ml.g5.12xlarge"
VARIANT = "AllTraffic"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
#: Longer than any default state change (each is at most 0.5 s).
SETTLE = 1.0


def runtime_config(desired: int, current: int) -> dict[str, Any]:
    """A component's described RuntimeConfig on the default endpoint's instance type."""
    return {
        "DesiredCopyCount": desired,
        "CurrentCopyCount": current,
        "PlacementStatus": [{"InstanceType": INSTANCE_TYPE, "CurrentCopyCount": current}],
    }


def ic_endpoint_config(
    name: str,
    *,
    instance_type: str = INSTANCE_TYPE,
    count: int = 1,
    scaling: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """CreateEndpointConfig for an endpoint that hosts inference components.

    ``scaling``: (min, max) instances for managed instance scaling.
    """
    variant: dict[str, Any] = {
        "VariantName": VARIANT,
        "InstanceType": instance_type,
        "InitialInstanceCount": count,
        "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
    }
    if scaling is not None:
        variant["ManagedInstanceScaling"] = {
            "Status": "ENABLED",
            "MinInstanceCount": scaling[0],
            "MaxInstanceCount": scaling[1],
        }
    return {
        "EndpointConfigName": name,
        "ExecutionRoleArn": ROLE_ARN,
        "ProductionVariants": [variant],
    }


def base_request(
    name: str,
    endpoint: str,
    *,
    copies: int = 1,
    accelerators: float | None = 1,
    cpus: float = 4,
    memory: int = 8192,
    image: str = IMAGE,
) -> dict[str, Any]:
    """CreateInferenceComponent for a base component running ``image``."""
    return {
        "InferenceComponentName": name,
        "EndpointName": endpoint,
        "VariantName": VARIANT,
        "Specification": {
            "Container": {
                "Image": image,
                "Environment": {"HF_MODEL_ID": "meta-llama/Llama-3.1-8B", "HF_TOKEN": "hf_secret"},
            },
            "ComputeResourceRequirements": {
                "NumberOfCpuCoresRequired": cpus,
                "MinMemoryRequiredInMb": memory,
                **(
                    {}
                    if accelerators is None
                    else {"NumberOfAcceleratorDevicesRequired": accelerators}
                ),
            },
            "StartupParameters": {"ModelDataDownloadTimeoutInSeconds": 600},
        },
        "RuntimeConfig": {"CopyCount": copies},
    }


def adapter_request(name: str, endpoint: str, base: str) -> dict[str, Any]:
    """CreateInferenceComponent for an adapter of ``base``."""
    return {
        "InferenceComponentName": name,
        "EndpointName": endpoint,
        "Specification": {
            "BaseInferenceComponentName": base,
            "Container": {"ArtifactUrl": f"s3://adapters/{name}/"},
        },
    }


async def expect_error(
    call: Awaitable[Any], code: str, message: str = "", *, status: int = 400
) -> ClientError:
    """Await ``call``; it must fail with ``code`` (and a message containing ``message``)."""
    with pytest.raises(ClientError) as info:
        await call
    error = info.value.response["Error"]
    meta = info.value.response["ResponseMetadata"]
    assert error["Code"] == code, error
    assert message in error["Message"], error
    assert meta["HTTPStatusCode"] == status
    if not code.isdigit():  # botocore keeps no metadata of a bare (body-less) 5xx
        assert meta["RequestId"]
    return info.value


def signed(
    target: str | None = None, *, access_key: str = "testing", region: str = "us-east-1"
) -> dict[str, str]:
    """Headers of a request signed (in form: the emulator checks no signature) with
    ``access_key`` for ``region``; ``target`` is the JSON 1.1 operation."""
    headers = {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/{region}/sagemaker/"
        "aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc",
        "X-Amz-Date": "20260101T000000Z",
        "Content-Type": "application/x-amz-json-1.1",
    }
    if target is not None:
        headers["X-Amz-Target"] = f"SageMaker.{target}"
    return headers


async def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a raw POST."""
    import aiohttp

    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        return r.status, dict(r.headers), await r.read()

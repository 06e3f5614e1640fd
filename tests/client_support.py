"""Helpers shared by the client tests that run against LocalSageMaker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from ic_sdk import models
from ic_sdk.builders import adapter_component, base_component
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker, ServiceName

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
VARIANT = "AllTraffic"
SECRET = "hf_TOPSECRET_VALUE_42"

#: Injects a fault for operation ``op`` (the ``fault`` fixture of ``tests/conftest.py``
#: takes each in turn): every one a mutation must survive, its outcome still told right.
Inject = Callable[[LocalSageMaker, str], object]

FAULTS: dict[str, Inject] = {
    "throttled": lambda sm, op: sm.faults.throttle(times=2, operations=op),
    "503": lambda sm, op: sm.faults.server_error(status=503, times=2, operations=op),
    "dropped": lambda sm, op: sm.faults.drop_connection(times=2, operations=op),
    "lost answer": lambda sm, op: sm.faults.lose_answers(op, times=1),
    "lost, then throttled": lambda sm, op: (
        sm.faults.lose_answers(op, times=1),
        sm.faults.throttle(times=1, operations=op),
    ),
}

# One session for all: it caches botocore's service models between clients.
SESSION = AioSession()


def facade(sm: LocalSageMaker, clock: FakeClock, **kwargs: Any) -> InferenceComponentClient:
    """A client for ``sm`` on ``clock``: every retry (ic_sdk's own) sleeps on the FakeClock.

    ``kwargs`` go to the client, and may replace the test credentials.
    """
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return InferenceComponentClient(
        region="us-east-1",
        endpoint_url=sm.endpoint_url,
        runtime_endpoint_url=sm.runtime_endpoint_url,
        session=SESSION,
        clock=clock,
        **{**credentials, **kwargs},
    )


def raw_client(
    sm: LocalSageMaker, service: ServiceName = "sagemaker", *, config: AioConfig | None = None
) -> Any:
    """A plain aiobotocore client of ``service`` (an async context manager) for ``sm``."""
    return SESSION.create_client(service, config=config, **sm.client_kwargs(service))


async def make_endpoint(
    raw: Any,
    clock: FakeClock,
    name: str = "ep",
    *,
    instance_type: str = "ml.g5.12xlarge",
    count: int = 1,
    model_variant: bool = False,
) -> str:
    """An InService endpoint; for inference components unless ``model_variant``."""
    variant: dict[str, Any] = {
        "VariantName": VARIANT,
        "InstanceType": instance_type,
        "InitialInstanceCount": count,
    }
    config: dict[str, Any] = {
        "EndpointConfigName": f"{name}-config",
        "ProductionVariants": [variant],
    }
    if model_variant:
        await raw.create_model(
            ModelName=f"{name}-model",
            ExecutionRoleArn=ROLE,
            PrimaryContainer={"Image": IMAGE},
        )
        variant["ModelName"] = f"{name}-model"
    else:
        config["ExecutionRoleArn"] = ROLE
    await raw.create_endpoint_config(**config)
    await raw.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    clock.advance(5.0)
    return name


def base(
    name: str = "base", *, copies: int = 1, accelerators: float = 1, **kw: Any
) -> models.CreateInferenceComponentInput:
    """A base component on ``ep``: 1 accelerator, 4 CPU cores, 8 GiB per copy."""
    return base_component(
        name=name,
        endpoint_name=kw.pop("endpoint_name", "ep"),
        variant_name=kw.pop("variant_name", VARIANT),
        copies=copies,
        memory_mb=kw.pop("memory_mb", 8192),
        cpu_cores=kw.pop("cpu_cores", 4),
        accelerators=accelerators,
        image=IMAGE,
        environment={"HF_MODEL_ID": "meta-llama/Llama-3.1-8B", "HF_TOKEN": SECRET},
        **kw,
    )


def adapter(name: str, base_name: str = "base") -> models.CreateInferenceComponentInput:
    return adapter_component(
        name=name,
        endpoint_name="ep",
        base_component_name=base_name,
        artifact_url=f"s3://adapters/{name}/",
    )

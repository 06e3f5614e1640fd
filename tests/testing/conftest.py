"""Fixtures: raw aiobotocore clients pointed at the shared LocalSageMaker (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from tests.testing.emulator_support import SETTLE, ic_endpoint_config

# One attempt: every error the emulator answers reaches the test as botocore raises it.
NO_RETRIES = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
# One session for the whole run: it caches the parsed service models (slow to load).
SESSION = get_session()


def raw_client(sm: LocalSageMaker, service: str) -> Any:
    """A plain aiobotocore client of ``service`` for ``sm``, without retries (a context)."""
    return SESSION.create_client(service, config=NO_RETRIES, **sm.client_kwargs(service))


@pytest.fixture
async def sagemaker(sm: LocalSageMaker) -> AsyncIterator[Any]:
    async with raw_client(sm, "sagemaker") as client:
        yield client


@pytest.fixture
async def runtime(sm: LocalSageMaker) -> AsyncIterator[Any]:
    async with raw_client(sm, "sagemaker-runtime") as client:
        yield client


@pytest.fixture
async def aas(sm: LocalSageMaker) -> AsyncIterator[Any]:
    async with raw_client(sm, "application-autoscaling") as client:
        yield client


@pytest.fixture
async def cloudwatch(sm: LocalSageMaker) -> AsyncIterator[Any]:
    async with raw_client(sm, "cloudwatch") as client:
        yield client


@pytest.fixture
async def endpoint(sagemaker: Any, clock: FakeClock) -> str:
    """An InService endpoint for inference components: one ml.g5.12xlarge."""
    await sagemaker.create_endpoint_config(**ic_endpoint_config("ic-config"))
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="ic-config")
    clock.advance(SETTLE)
    return "ep"

"""Fixtures shared by every test that runs against LocalSageMaker on a FakeClock.

The emulator and the clients share one FakeClock: a waiter's backoff sleep moves the
emulator's time on, so state changes happen "during" the wait, in no real time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiobotocore.config import AioConfig

from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from tests.client_support import FAULTS, Inject, facade, make_endpoint, raw_client

#: The CLI tests' fixtures (``aws_env``, ``emu``: an emulator on a thread).
pytest_plugins = ("tests.cli_support",)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def sm(clock: FakeClock) -> AsyncIterator[LocalSageMaker]:
    async with LocalSageMaker(clock=clock) as emulator:
        yield emulator


@pytest.fixture
async def client(sm: LocalSageMaker, clock: FakeClock) -> AsyncIterator[InferenceComponentClient]:
    async with facade(sm, clock) as c:
        yield c


@pytest.fixture
def raw_config() -> AioConfig | None:
    """The plain clients' config: botocore's default (tests/testing: no retries)."""
    return None


@pytest.fixture
async def raw(sm: LocalSageMaker, raw_config: AioConfig | None) -> AsyncIterator[Any]:
    """A plain aiobotocore SageMaker client, for what the facade does not cover."""
    async with raw_client(sm, config=raw_config) as c:
        yield c


@pytest.fixture
async def runtime(sm: LocalSageMaker, raw_config: AioConfig | None) -> AsyncIterator[Any]:
    """A plain aiobotocore SageMaker runtime client."""
    async with raw_client(sm, "sagemaker-runtime", config=raw_config) as c:
        yield c


@pytest.fixture
async def aas(sm: LocalSageMaker, raw_config: AioConfig | None) -> AsyncIterator[Any]:
    """A plain aiobotocore application-autoscaling client."""
    async with raw_client(sm, "application-autoscaling", config=raw_config) as c:
        yield c


@pytest.fixture
async def cloudwatch(sm: LocalSageMaker, raw_config: AioConfig | None) -> AsyncIterator[Any]:
    """A plain aiobotocore cloudwatch client."""
    async with raw_client(sm, "cloudwatch", config=raw_config) as c:
        yield c


@pytest.fixture
async def endpoint(raw: Any, clock: FakeClock) -> str:
    """An InService endpoint for inference components: one ml.g5.12xlarge (4 x A10G)."""
    return await make_endpoint(raw, clock)


@pytest.fixture(params=sorted(FAULTS))
def fault(request: pytest.FixtureRequest) -> Inject:
    """Each of :data:`tests.client_support.FAULTS` in turn."""
    return FAULTS[request.param]

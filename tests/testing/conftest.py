"""Fixtures: raw aiobotocore clients pointed at the shared LocalSageMaker (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from ic_sdk.clock import FakeClock
from tests.testing.emulator_support import SETTLE, ic_endpoint_config

# One attempt: every error the emulator answers reaches the test as botocore raises it.
NO_RETRIES = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
# One session for the whole run: it caches the parsed service models (slow to load).
SESSION = get_session()


@pytest.fixture
def raw_config() -> AioConfig:
    """The plain clients here make one attempt (tests/conftest.py's fixtures use it)."""
    return NO_RETRIES


@pytest.fixture
def sagemaker(raw: Any) -> Any:
    """tests/conftest.py's plain SageMaker client, without retries."""
    return raw


@pytest.fixture
async def endpoint(sagemaker: Any, clock: FakeClock) -> str:
    """An InService endpoint for inference components: one ml.g5.12xlarge."""
    await sagemaker.create_endpoint_config(**ic_endpoint_config("ic-config"))
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="ic-config")
    clock.advance(SETTLE)
    return "ep"

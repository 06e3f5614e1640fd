"""Injected faults produce exactly what botocore raises for the real service (or network)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from botocore.retries.standard import ExponentialBackoff

from ic_sdk.clock import FakeClock
from ic_sdk.errors import ThrottlingError, from_client_error
from ic_sdk.testing import Delays, Faults, LocalSageMaker
from tests.testing.conftest import SESSION
from tests.testing.emulator_support import SETTLE, base_request, expect_error

RETRYING = AioConfig(retries={"mode": "standard", "max_attempts": 4})


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries without their real sleeps (it backs off for up to seconds)."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
async def retrying(sm: LocalSageMaker) -> AsyncIterator[Any]:
    async with SESSION.create_client(
        "sagemaker", config=RETRYING, **sm.client_kwargs("sagemaker")
    ) as client:
        yield client


async def test_throttle_next_calls(sm: LocalSageMaker, sagemaker: Any) -> None:
    sm.faults.throttle(times=2)
    for _ in range(2):
        error = await expect_error(
            sagemaker.list_inference_components(), "ThrottlingException", "Rate exceeded"
        )
        assert isinstance(from_client_error(error), ThrottlingError)
    listed = await sagemaker.list_inference_components()
    assert listed["InferenceComponents"] == []
    assert sm.faults.rules == ()


async def test_botocore_retries_throttling(
    sm: LocalSageMaker, retrying: Any, no_backoff: None
) -> None:
    sm.faults.throttle(times=3)
    listed = await retrying.list_inference_components()
    assert listed["ResponseMetadata"]["RetryAttempts"] == 3


async def test_throttle_rate_hits_only_named_operations(
    sm: LocalSageMaker, sagemaker: Any, endpoint: str
) -> None:
    rule = sm.faults.throttle(times=None, rate=0.5, operations="DescribeEndpoint")
    outcomes = []
    for _ in range(40):
        await sagemaker.list_inference_components()  # never throttled
        try:
            await sagemaker.describe_endpoint(EndpointName=endpoint)
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])
        else:
            outcomes.append("ok")
    assert set(outcomes) == {"ok", "ThrottlingException"}
    throttled = outcomes.count("ThrottlingException")
    assert 10 < throttled < 30
    assert rule.fired == throttled
    rule.remove()
    await sagemaker.describe_endpoint(EndpointName=endpoint)


def test_rate_draws_repeat_with_the_seed() -> None:
    def draws(seed: int) -> list[bool]:
        faults = Faults(seed=seed)
        faults.throttle(times=None, rate=0.3)
        return [faults.plan("ListTags").outcome is not None for _ in range(50)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (500, "InternalFailure", "An internal error occurred."),
        (503, "ServiceUnavailable", "Service is unavailable."),
        # A bare 5xx (from a load balancer): botocore names the error by its status.
        (502, "502", "Bad Gateway"),
        (504, "504", "Gateway Timeout"),
    ],
)
async def test_server_errors(
    sm: LocalSageMaker, sagemaker: Any, status: int, code: str, message: str
) -> None:
    sm.faults.server_error(status=status, operations=["ListInferenceComponents"])
    await expect_error(sagemaker.list_inference_components(), code, message, status=status)
    await sagemaker.list_inference_components()


async def test_botocore_retries_server_errors(
    sm: LocalSageMaker, retrying: Any, no_backoff: None
) -> None:
    sm.faults.server_error(status=503, times=2)
    listed = await retrying.list_inference_components()
    assert listed["ResponseMetadata"]["RetryAttempts"] == 2


async def test_dropped_connection(
    sm: LocalSageMaker, sagemaker: Any, retrying: Any, no_backoff: None
) -> None:
    sm.faults.drop_connection()
    with pytest.raises(ConnectionClosedError):
        await sagemaker.list_inference_components()
    sm.faults.drop_connection(times=2)
    listed = await retrying.list_inference_components()
    assert listed["ResponseMetadata"]["RetryAttempts"] == 2


async def test_latency_moves_the_fake_clock(
    sm: LocalSageMaker, sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.create_inference_component(**base_request("ic", endpoint))
    before = clock.now()
    sm.faults.latency(30.0, times=1, operations="DescribeInferenceComponent")
    described = await sagemaker.describe_inference_component(InferenceComponentName="ic")
    # The answer comes 30 s later, when creation has long finished.
    assert clock.now() == before + 30.0
    assert 30.0 in clock.sleeps
    assert described["InferenceComponentStatus"] == "InService"


async def test_latency_beyond_the_read_timeout() -> None:
    async with LocalSageMaker(delays=Delays.uniform(0)) as sm:
        sm.faults.latency(0.15, times=1)
        config = AioConfig(read_timeout=0.03, retries={"mode": "standard", "total_max_attempts": 1})
        async with SESSION.create_client(
            "sagemaker", config=config, **sm.client_kwargs("sagemaker")
        ) as client:
            with pytest.raises(ReadTimeoutError):
                await client.list_inference_components()


async def test_runtime_faults(
    sm: LocalSageMaker, sagemaker: Any, runtime: Any, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.create_inference_component(**base_request("ic", endpoint))
    clock.advance(SETTLE)

    def invoke() -> Any:
        return runtime.invoke_endpoint(
            EndpointName=endpoint, InferenceComponentName="ic", Body=b"{}"
        )

    sm.faults.throttle(operations="InvokeEndpoint")
    await expect_error(invoke(), "ThrottlingException", "Rate exceeded")
    sm.faults.server_error(status=500, operations="InvokeEndpoint")
    await expect_error(invoke(), "InternalFailure", status=500)
    sm.faults.server_error(status=503, operations="InvokeEndpointWithResponseStream")
    await expect_error(
        runtime.invoke_endpoint_with_response_stream(
            EndpointName=endpoint, InferenceComponentName="ic", Body=b"{}"
        ),
        "ServiceUnavailable",
        status=503,
    )
    sm.faults.drop_connection(operations="InvokeEndpoint")
    with pytest.raises(ConnectionClosedError):
        await invoke()
    response = await invoke()
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


async def test_clear_and_argument_checks(sm: LocalSageMaker, sagemaker: Any) -> None:
    sm.faults.throttle(times=None)
    sm.faults.fail_next_create("x", reason="r")
    sm.faults.clear()
    await sagemaker.list_inference_components()
    assert sm.faults.take_create_failure("x") is None
    with pytest.raises(ValueError, match="times"):
        sm.faults.throttle(times=0)
    with pytest.raises(ValueError, match="rate"):
        sm.faults.drop_connection(rate=0)
    with pytest.raises(ValueError, match="5xx"):
        sm.faults.server_error(status=429)
    with pytest.raises(ValueError, match="negative"):
        sm.faults.latency(-1)

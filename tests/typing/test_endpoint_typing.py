"""Endpoint updates and the generic waiter, as a user types them; checked by
``mypy --strict`` with ``assert_type`` and run as a plain test against LocalSageMaker."""

from __future__ import annotations

from typing import Literal, assert_type

import ic_sdk
from ic_sdk import models, waiters
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker

ROLE = "arn:aws:iam::123456789012:role/SageMaker"


async def converge(client: ic_sdk.InferenceComponentClient, clock: FakeClock) -> None:
    plan = ic_sdk.ic_endpoint("ep", instance_type="ml.g5.12xlarge", execution_role_arn=ROLE)
    change = await client.apply_endpoint(plan)
    assert_type(change, ic_sdk.EndpointChange)
    assert_type(change.action, Literal["create", "update", "unchanged"])
    assert_type(change.changes, tuple[str, ...])
    assert_type(change.description, models.DescribeEndpointOutput | None)

    bigger = ic_sdk.ic_endpoint(
        "ep", instance_type="ml.g5.12xlarge", instance_count=2, execution_role_arn=ROLE
    )
    assert_type(await client.diff_endpoint(bigger), ic_sdk.EndpointChange)
    assert_type(await client.update_endpoint(bigger), ic_sdk.EndpointChange)
    try:
        desc = await client.update_endpoint_and_wait(bigger, timeout_s=600)
    except ic_sdk.EndpointFailed as exc:
        assert_type(exc.status, str)
        assert_type(exc.failure_reason, str | None)
        assert_type(exc.rolled_back, bool)
        assert_type(exc.description, models.DescribeEndpointOutput | None)
        raise
    assert_type(desc, models.DescribeEndpointOutput)

    events: list[ic_sdk.WaiterEvent[models.DescribeEndpointOutput]] = []

    async def describe() -> models.DescribeEndpointOutput:
        return await client.describe_endpoint("ep")

    last = await waiters.wait(
        "ep", describe, reader=waiters.ENDPOINT, clock=clock, on_event=events.append
    )
    assert_type(last, models.DescribeEndpointOutput | None)
    async for event in waiters.watch("ep", describe, reader=waiters.ENDPOINT, clock=clock):
        assert_type(event, ic_sdk.WaiterEvent[models.DescribeEndpointOutput])
        assert_type(event.description, models.DescribeEndpointOutput | None)
    assert_type(waiters.ENDPOINT.read(desc), waiters.Reading)


async def test_endpoint_script_runs() -> None:
    clock = FakeClock()
    async with (
        LocalSageMaker(clock=clock) as sm,
        ic_sdk.InferenceComponentClient(
            region="us-east-1",
            endpoint_url=sm.endpoint_url,
            runtime_endpoint_url=sm.runtime_endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            clock=clock,
        ) as client,
    ):
        await converge(client, clock)
        assert (await client.describe_endpoint("ep")).endpoint_status == "InService"

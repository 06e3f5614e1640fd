"""Autoscaling as a user writes it, checked by ``mypy --strict`` with ``assert_type``;
it also runs as a plain test against LocalSageMaker."""

from __future__ import annotations

from datetime import datetime
from typing import assert_type

import ic_sdk
from ic_sdk.autoscaling import Alarm, Autoscaling, ScalingActivity, ScalingPolicy
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker, SimulatedTraffic
from tests.client_support import base, facade
from tests.test_autoscaling import scalable_endpoint


async def scale(client: ic_sdk.InferenceComponentClient, sm: LocalSageMaker) -> None:
    view = await client.autoscale(
        "base", min_copies=0, max_copies=2, target=5, metric="concurrent_requests_per_copy"
    )
    assert_type(view, Autoscaling)
    assert_type(view.min_copies, int)
    assert_type(view.scales_to_zero, bool)
    assert_type(view.policies, tuple[ScalingPolicy, ...])
    assert_type(view.alarm, Alarm | None)
    assert_type(view.target_tracking, ScalingPolicy | None)
    traffic = sm.traffic("base", 10)
    assert_type(traffic, SimulatedTraffic)
    assert traffic.served == 10
    shown = await client.autoscaling("base")
    assert_type(shown, Autoscaling | None)
    assert shown is not None
    for activity in shown.activities:
        assert_type(activity, ScalingActivity)
        assert_type(activity.started, datetime)
    assert_type(await client.remove_autoscaling("base"), bool)


async def test_autoscaling_types() -> None:
    clock = FakeClock()
    async with LocalSageMaker(clock=clock) as sm:
        scalable_endpoint(sm, clock)
        async with facade(sm, clock) as client:
            await client.create_and_wait(base("base"))
            await scale(client, sm)

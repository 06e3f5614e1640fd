"""The waiter engine with a StatusReader: endpoints (waiters.ENDPOINT) and a reader of
one's own, on a FakeClock with scripted descriptions (no reshaping into components)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from ic_sdk import models, waiters
from ic_sdk.clock import FakeClock
from ic_sdk.errors import EndpointFailed, WaiterError, WaiterTimeout
from ic_sdk.serde import converter
from ic_sdk.waiters import EventKind, Reading, StatusReader, WaiterEvent, WaitPolicy

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def endpoint(status: str, *, config: str = "c1", reason: str | None = None) -> Any:
    wire: dict[str, Any] = {
        "EndpointName": "ep",
        "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep",
        "EndpointConfigName": config,
        "EndpointStatus": status,
        "CreationTime": T0,
        "LastModifiedTime": T0,
    }
    if reason is not None:
        wire["FailureReason"] = reason
    return converter.structure(wire, models.DescribeEndpointOutput)


def script(clock: FakeClock, answers: list[tuple[float, Any]]) -> Any:
    async def describe() -> Any:
        return next(a for start, a in reversed(answers) if start <= clock.now())

    return describe


POLICY = WaitPolicy(timeout=300)


async def test_rolling_back_is_transitional_then_in_service_succeeds() -> None:
    clock = FakeClock()
    describe = script(clock, [(0, endpoint("RollingBack")), (10, endpoint("InService"))])
    events: list[WaiterEvent[models.DescribeEndpointOutput]] = []
    last = await waiters.wait(
        "ep", describe, reader=waiters.ENDPOINT, clock=clock, policy=POLICY, on_event=events.append
    )
    assert last is not None
    assert last.endpoint_status == "InService"
    assert [e.status for e in events if e.kind is EventKind.STATUS_CHANGED] == [
        "RollingBack",
        "InService",
    ]
    assert events[-1].description is last  # the endpoint's own description, not reshaped


@pytest.mark.parametrize("status", ["Failed", "UpdateRollbackFailed"])
async def test_failed_endpoints_raise_endpoint_failed(status: str) -> None:
    clock = FakeClock()
    describe = script(clock, [(0, endpoint("Updating")), (5, endpoint(status, reason="boom"))])
    with pytest.raises(EndpointFailed, match="boom") as info:
        await waiters.wait("ep", describe, reader=waiters.ENDPOINT, clock=clock, policy=POLICY)
    assert (info.value.status, info.value.rolled_back) == (status, False)
    assert info.value.description is not None


async def test_a_rolled_back_endpoint_update_raises_at_once() -> None:
    clock = FakeClock()
    describe = script(
        clock,
        [
            (0, endpoint("Updating")),
            (5, endpoint("InService", config="c1", reason="Request to service failed")),
        ],
    )
    with pytest.raises(EndpointFailed, match="was rolled back") as info:
        await waiters.wait(
            "ep",
            describe,
            reader=waiters.ENDPOINT,
            clock=clock,
            policy=POLICY,
            changed_since=T0,
            expect=lambda d: d.endpoint_config_name == "c2",
        )
    assert info.value.rolled_back
    assert clock.now() < 30


async def test_deleting_and_timeouts_name_the_endpoint() -> None:
    clock = FakeClock()
    with pytest.raises(WaiterError, match="endpoint 'ep' is being deleted"):
        await waiters.wait(
            "ep", script(clock, [(0, endpoint("Deleting"))]), reader=waiters.ENDPOINT, clock=clock
        )
    with pytest.raises(WaiterTimeout, match="endpoint 'ep'") as info:
        await waiters.wait(
            "ep",
            script(clock, [(0, endpoint("Creating"))]),
            reader=waiters.ENDPOINT,
            clock=clock,
            policy=WaitPolicy(timeout=60),
        )
    assert info.value.resource == "endpoint"


@attrs.frozen
class Job:
    state: str


class JobFailed(WaiterError):
    pass


async def test_a_reader_of_ones_own() -> None:
    reader: StatusReader[Job] = StatusReader(
        noun="job",
        read=lambda job: Reading(
            status={"DONE": "InService"}.get(job.state, job.state), failed=job.state == "ERROR"
        ),
        failure=lambda name, reading, job, rolled_back: JobFailed(f"{name} failed"),
    )
    clock = FakeClock()
    done = await waiters.wait(
        "j", script(clock, [(0, Job("RUNNING")), (7, Job("DONE"))]), reader=reader, clock=clock
    )
    assert done == Job("DONE")
    with pytest.raises(JobFailed, match="j failed"):
        await waiters.wait("j", script(clock, [(0, Job("ERROR"))]), reader=reader, clock=clock)

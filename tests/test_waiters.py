"""The waiter engine, on a FakeClock: minutes of simulated polling in milliseconds."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from datetime import UTC, datetime
from typing import Any

import pytest

from ic_sdk import models
from ic_sdk.clock import FakeClock
from ic_sdk.errors import (
    ComponentFailed,
    ResourceNotFound,
    ServiceError,
    ServiceValidationError,
    ThrottlingError,
    TransportError,
    UpdateRolledBack,
    WaiterError,
    WaiterTimeout,
)
from ic_sdk.serde import converter
from ic_sdk.waiters import Backoff, EventKind, WaiterEvent, WaitPolicy, is_transient, wait, watch

Describe = Callable[[], Awaitable[models.DescribeInferenceComponentOutput]]

FIXED_5S = WaitPolicy(backoff=Backoff(initial=5.0, multiplier=1.0, jitter=0.0, min_delay=5.0))


def described(
    status: str | None,
    *,
    desired: int | None = None,
    current: int | None = None,
    reason: str | None = None,
    modified: datetime | None = None,
) -> models.DescribeInferenceComponentOutput:
    wire: dict[str, Any] = {"InferenceComponentName": "ic", "EndpointName": "ep"}
    if modified is not None:
        wire["LastModifiedTime"] = modified
    if status is not None:
        wire["InferenceComponentStatus"] = status
    if reason is not None:
        wire["FailureReason"] = reason
    if desired is not None or current is not None:
        wire["RuntimeConfig"] = {"DesiredCopyCount": desired, "CurrentCopyCount": current}
    return converter.structure(wire, models.DescribeInferenceComponentOutput)


def not_found() -> ResourceNotFound:
    return ResourceNotFound(
        "Could not find inference component ic", code="ValidationException", http_status=400
    )


class Script:
    """A describe function that answers from a timeline on the clock."""

    def __init__(
        self,
        clock: FakeClock,
        timeline: list[tuple[float, models.DescribeInferenceComponentOutput | Exception]],
    ) -> None:
        self.clock = clock
        self.timeline = timeline
        self.calls: list[float] = []

    async def __call__(self) -> models.DescribeInferenceComponentOutput:
        now = self.clock.now()
        self.calls.append(now)
        answer = next(a for start, a in reversed(self.timeline) if start <= now)
        if isinstance(answer, Exception):
            raise answer
        return answer


def creation(clock: FakeClock, ready_at: float = 600.0) -> Script:
    return Script(clock, [(0.0, described("Creating")), (ready_at, described("InService"))])


# -- backoff -----------------------------------------------------------------------------


def test_backoff_ceiling_doubles_up_to_the_cap() -> None:
    b = Backoff(initial=2.0, multiplier=2.0, max_delay=40.0)
    assert [b.ceiling(n) for n in range(7)] == [2.0, 4.0, 8.0, 16.0, 32.0, 40.0, 40.0]
    assert b.ceiling(10_000) == 40.0  # no overflow on long waits


def test_full_jitter_spans_zero_to_ceiling_above_the_floor() -> None:
    b = Backoff(initial=8.0, multiplier=2.0, max_delay=40.0, min_delay=1.0, jitter=1.0)
    assert b.delay(0, 0.0) == 8.0
    assert b.delay(0, 0.5) == 4.0
    assert b.delay(0, 0.99) == 1.0  # floor
    assert b.delay(3, 0.25) == 30.0


def test_no_jitter_is_deterministic() -> None:
    b = Backoff(initial=5.0, multiplier=1.0, jitter=0.0, min_delay=0.0)
    assert {b.delay(n, r) for n in range(5) for r in (0.0, 0.3, 0.999)} == {5.0}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial": 0.0},
        {"multiplier": -1.0},
        {"max_delay": 0.0},
        {"min_delay": -1.0},
        {"jitter": 1.5},
    ],
)
def test_backoff_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Backoff(**kwargs)


def test_policy_rejects_nonpositive_timeout() -> None:
    with pytest.raises(ValueError, match="timeout"):
        WaitPolicy(timeout=0)


# -- reaching the state ------------------------------------------------------------------


async def test_ten_minute_creation_takes_far_fewer_describes_than_a_fixed_5s_poll() -> None:
    counts = []
    for seed in range(20):
        clock = FakeClock()
        script = creation(clock)
        desc = await wait("ic", script, clock=clock, rng=random.Random(seed).random)
        assert desc is not None
        assert desc.inference_component_status == "InService"
        assert clock.now() >= 600.0
        counts.append(len(script.calls))
    fixed_clock = FakeClock()
    fixed = creation(fixed_clock)
    await wait("ic", fixed, policy=FIXED_5S, clock=fixed_clock)
    # The fixed poll describes at t=0, 5, ..., 600: 120 polls after the first look.
    assert len(fixed.calls) == 121
    assert max(counts) <= 45
    assert sum(counts) / len(counts) <= 40  # typically ~30: a quarter of the fixed poll


async def test_first_describe_is_immediate_and_sleeps_follow_the_policy() -> None:
    clock = FakeClock()
    script = creation(clock, ready_at=100.0)
    policy = WaitPolicy(backoff=Backoff(initial=2.0, multiplier=2.0, max_delay=40.0, jitter=0.0))
    await wait("ic", script, policy=policy, clock=clock)
    assert script.calls[0] == 0.0
    assert clock.sleeps == [2.0, 4.0, 8.0, 16.0, 32.0, 40.0]
    assert script.calls[-1] == 102.0


async def test_failed_raises_component_failed_with_the_reason() -> None:
    clock = FakeClock()
    script = Script(
        clock,
        [
            (0.0, described("Creating")),
            (30.0, described("Failed", reason="CapacityError: no GPUs")),
        ],
    )
    events: list[WaiterEvent] = []
    with pytest.raises(ComponentFailed) as info:
        await wait("ic", script, clock=clock, on_event=events.append)
    assert info.value.name == "ic"
    assert info.value.status == "Failed"
    assert info.value.failure_reason == "CapacityError: no GPUs"
    assert [e.kind for e in events][-2:] == [EventKind.STATUS_CHANGED, EventKind.FAILED]
    assert events[-1].failure_reason == "CapacityError: no GPUs"


async def test_in_service_with_a_leftover_failure_reason_is_success() -> None:
    clock = FakeClock()
    leftover = described("InService", reason="update rolled back: alarm fired")
    desc = await wait("ic", Script(clock, [(0.0, leftover)]), clock=clock)
    assert desc is leftover


async def test_updating_then_in_service() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("Updating")), (50.0, described("InService"))])
    events: list[WaiterEvent] = []
    await wait("ic", script, clock=clock, on_event=events.append)
    changes = [(e.previous_status, e.status) for e in events if e.kind is EventKind.STATUS_CHANGED]
    assert changes == [(None, "Updating"), ("Updating", "InService")]


async def test_waiting_in_service_for_a_component_being_deleted_fails_at_once() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("Deleting"))])
    with pytest.raises(WaiterError, match="being deleted") as info:
        await wait("ic", script, clock=clock)
    assert not isinstance(info.value, WaiterTimeout | ComponentFailed)
    assert len(script.calls) == 1


# -- not found ---------------------------------------------------------------------------


async def test_not_found_right_after_create_is_tolerated_within_the_grace() -> None:
    clock = FakeClock()
    script = Script(
        clock, [(0.0, not_found()), (5.0, described("Creating")), (20.0, described("InService"))]
    )
    events: list[WaiterEvent] = []
    await wait("ic", script, clock=clock, on_event=events.append)
    retries = [e for e in events if e.kind is EventKind.RETRYING]
    assert retries
    assert all(isinstance(e.error, ResourceNotFound) for e in retries)
    assert events[-1].kind is EventKind.SUCCEEDED


async def test_not_found_beyond_the_grace_raises() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, not_found())])
    with pytest.raises(ResourceNotFound):
        await wait("ic", script, clock=clock, policy=WaitPolicy(not_found_grace=10.0))
    assert script.calls[-1] >= 10.0
    assert clock.now() < 60.0


async def test_not_found_after_the_component_was_seen_raises_at_once() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("Creating")), (3.0, not_found())])
    with pytest.raises(ResourceNotFound):
        await wait("ic", script, clock=clock, policy=FIXED_5S)
    assert len(script.calls) == 2


async def test_deleted_means_not_found() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("Deleting")), (45.0, not_found())])
    events: list[WaiterEvent] = []
    assert await wait("ic", script, until="deleted", clock=clock, on_event=events.append) is None
    assert events[-1].kind is EventKind.SUCCEEDED
    assert events[-1].status is None
    assert events[-1].description is None


async def test_deleted_keeps_waiting_while_the_component_is_in_service() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("InService")), (100.0, not_found())])
    assert await wait("ic", script, until="deleted", clock=clock) is None
    assert script.calls[-1] >= 100.0


async def test_deleted_when_already_gone() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, not_found())])
    assert await wait("ic", script, until="deleted", clock=clock) is None
    assert len(script.calls) == 1


# -- transient errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        ThrottlingError("Rate exceeded", code="ThrottlingException", http_status=400),
        ServiceError("boom", code="InternalFailure", http_status=500, retryable=True),
        TransportError("connection reset"),
    ],
    ids=["throttling", "5xx", "transport"],
)
async def test_transient_errors_are_retried(error: Exception) -> None:
    clock = FakeClock()
    script = Script(
        clock, [(0.0, described("Creating")), (10.0, error), (400.0, described("InService"))]
    )
    events: list[WaiterEvent] = []
    await wait("ic", script, clock=clock, on_event=events.append)
    retrying = [e for e in events if e.kind is EventKind.RETRYING]
    assert retrying
    assert all(e.error is error for e in retrying)
    assert all(e.status == "Creating" for e in retrying)  # last seen status is kept


@pytest.mark.parametrize(
    "error",
    [
        ServiceValidationError("bad", code="ValidationException", http_status=400),
        ServiceError("denied", code="AccessDeniedException", http_status=400),
    ],
)
async def test_other_errors_raise_at_once(error: Exception) -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("Creating")), (5.0, error)])
    with pytest.raises(type(error)):
        await wait("ic", script, clock=clock, policy=FIXED_5S)
    assert len(script.calls) == 2


def test_is_transient() -> None:
    assert is_transient(TransportError("x"))
    assert is_transient(ThrottlingError("x", code="ThrottlingException"))
    assert not is_transient(ServiceValidationError("x", code="ValidationException"))
    assert not is_transient(ValueError("x"))


async def test_errors_until_the_deadline_time_out() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, TransportError("down"))])
    with pytest.raises(WaiterTimeout):
        await wait("ic", script, clock=clock, policy=WaitPolicy(timeout=120.0))
    assert clock.now() == pytest.approx(120.0)


# -- deadline ----------------------------------------------------------------------------


async def test_deadline_gives_waiter_timeout_after_a_last_look() -> None:
    clock = FakeClock()
    script = creation(clock, ready_at=10_000.0)
    events: list[WaiterEvent] = []
    with pytest.raises(WaiterTimeout) as info:
        await wait(
            "ic", script, clock=clock, policy=WaitPolicy(timeout=300.0), on_event=events.append
        )
    assert info.value.name == "ic"
    assert info.value.last_status == "Creating"
    assert info.value.elapsed == pytest.approx(300.0)
    assert info.value.waiting_for == "InService"
    assert script.calls[-1] == pytest.approx(300.0)  # a describe at the deadline itself
    assert clock.now() == pytest.approx(300.0)  # and no sleep past it
    assert events[-1].kind is EventKind.TIMED_OUT


async def test_state_reached_exactly_at_the_deadline_is_success() -> None:
    clock = FakeClock()
    script = creation(clock, ready_at=300.0)
    await wait("ic", script, clock=clock, policy=WaitPolicy(timeout=300.0))


# -- scaling -----------------------------------------------------------------------------


async def test_scaled_waits_for_current_to_equal_desired() -> None:
    clock = FakeClock()
    script = Script(
        clock,
        [
            (0.0, described("Updating", desired=4, current=1)),
            (20.0, described("Updating", desired=4, current=2)),
            (40.0, described("InService", desired=4, current=3)),
            (60.0, described("InService", desired=4, current=4)),
        ],
    )
    events: list[WaiterEvent] = []
    desc = await wait(
        "ic", script, until="scaled", copies=4, policy=FIXED_5S, clock=clock, on_event=events.append
    )
    assert desc is not None
    assert desc.runtime_config is not None
    assert desc.runtime_config.current_copy_count == 4
    kinds = [e.kind for e in events if e.kind is not EventKind.POLLED]
    assert kinds == [
        EventKind.STATUS_CHANGED,
        EventKind.COPIES_CHANGED,
        EventKind.STATUS_CHANGED,
        EventKind.COPIES_CHANGED,
        EventKind.SUCCEEDED,
    ]
    assert [(e.current_copies, e.desired_copies) for e in events if e.kind is not EventKind.POLLED][
        :4
    ] == [(1, 4), (2, 4), (3, 4), (4, 4)]


async def test_scaled_requires_the_requested_desired_count() -> None:
    clock = FakeClock()
    script = Script(
        clock,
        [
            (0.0, described("InService", desired=2, current=2)),
            (9.0, described("InService", desired=5, current=5)),
        ],
    )
    await wait("ic", script, until="scaled", copies=5, clock=clock)
    assert script.calls[-1] >= 9.0


async def test_scaled_adapter_without_runtime_config() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("InService"))])
    assert await wait("ic", script, until="scaled", clock=clock) is not None


# -- events, watch, logging --------------------------------------------------------------


async def test_events_carry_elapsed_time_and_the_next_delay() -> None:
    clock = FakeClock()
    script = creation(clock, ready_at=60.0)
    events: list[WaiterEvent] = []

    async def on_event(event: WaiterEvent) -> None:
        events.append(event)

    await wait("ic", script, clock=clock, on_event=on_event, rng=random.Random(7).random)
    polls = [e for e in events if e.kind is not EventKind.SUCCEEDED]
    assert [e.describes for e in polls] == list(range(1, len(script.calls) + 1))
    assert [e.elapsed for e in polls] == script.calls
    assert [e.next_delay for e in polls[:-1]] == clock.sleeps
    assert polls[-1].next_delay is None
    assert events[-1].kind is EventKind.SUCCEEDED
    assert events[-1].description is not None
    assert "description" not in repr(events[-1])


async def test_watch_yields_the_same_events_as_on_event() -> None:
    clock_a, clock_b = FakeClock(), FakeClock()
    seen: list[WaiterEvent] = []
    await wait("ic", creation(clock_a, 120.0), clock=clock_a, rng=lambda: 0.5, on_event=seen.append)
    watched = [
        e async for e in watch("ic", creation(clock_b, 120.0), clock=clock_b, rng=lambda: 0.5)
    ]
    assert [(e.kind, e.status, e.elapsed) for e in watched] == [
        (e.kind, e.status, e.elapsed) for e in seen
    ]


async def test_breaking_out_of_watch_stops_polling() -> None:
    clock = FakeClock()
    script = creation(clock)
    async with aclosing(watch("ic", script, clock=clock)) as events:
        async for event in events:
            if event.describes == 3:
                break
    calls = len(script.calls)
    await asyncio.sleep(0)
    assert calls == 3
    assert len(script.calls) == 3


async def test_logs_under_ic_sdk_without_handlers(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    with caplog.at_level(logging.DEBUG, logger="ic_sdk"):
        await wait("ic", creation(clock, 30.0), clock=clock)
    assert caplog.records
    assert {r.name for r in caplog.records} == {"ic_sdk.waiters"}
    assert any("is InService" in r.getMessage() for r in caplog.records)
    assert logging.getLogger("ic_sdk").handlers == []
    assert logging.getLogger("ic_sdk.waiters").handlers == []


# -- cancellation ------------------------------------------------------------------------


async def test_cancel_during_a_describe_leaves_nothing_running() -> None:
    clock = FakeClock()
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def hanging() -> models.DescribeInferenceComponentOutput:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("unreachable")

    task = asyncio.create_task(wait("ic", hanging, clock=clock))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_cancel_during_a_backoff_sleep_leaves_nothing_running() -> None:
    clock = FakeClock(auto_advance=False)
    script = creation(clock)
    task = asyncio.create_task(wait("ic", script, clock=clock))
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(script.calls) == 1  # first look done, now sleeping on the clock
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    clock.advance(3600)
    await asyncio.sleep(0)
    assert len(script.calls) == 1
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_manual_clock_drives_the_waiter() -> None:
    clock = FakeClock(auto_advance=False)
    script = creation(clock, ready_at=10.0)
    policy = WaitPolicy(backoff=Backoff(initial=4.0, multiplier=1.0, jitter=0.0))
    task = asyncio.create_task(wait("ic", script, clock=clock, policy=policy))
    for expected_calls in (1, 2, 3):
        for _ in range(5):
            await asyncio.sleep(0)
        assert len(script.calls) == expected_calls
        assert not task.done()
        clock.advance(4.0)
    desc = await task
    assert desc is not None
    assert script.calls == [0.0, 4.0, 8.0, 12.0]


# -- waiting out a change (update_and_wait) --------------------------------------------

BEFORE = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 24, 12, 5, tzinfo=UTC)


async def test_changed_since_ignores_an_in_service_answer_that_predates_the_change() -> None:
    clock = FakeClock()
    script = Script(
        clock,
        [
            (0.0, described("InService", modified=BEFORE)),  # the service lags its own update
            (3.0, described("Updating", modified=AFTER)),
            (60.0, described("InService", modified=AFTER)),
        ],
    )
    policy = WaitPolicy(backoff=Backoff(initial=2.0, jitter=0.0))
    desc = await wait("ic", script, policy=policy, clock=clock, changed_since=BEFORE)
    assert desc is not None
    assert desc.inference_component_status == "InService"
    assert clock.now() >= 60.0
    # without changed_since the stale answer ends the wait at once
    clock2 = FakeClock()
    stale = Script(clock2, script.timeline)
    await wait("ic", stale, policy=policy, clock=clock2)
    assert stale.calls == [0.0]


async def test_changed_since_accepts_a_newer_last_modified_time_without_a_transition() -> None:
    clock = FakeClock()
    script = Script(
        clock,
        [
            (0.0, described("InService", modified=BEFORE)),
            (5.0, described("InService", modified=AFTER)),
        ],
    )
    policy = WaitPolicy(backoff=Backoff(initial=2.0, jitter=0.0))
    await wait("ic", script, policy=policy, clock=clock, changed_since=BEFORE)
    assert 5.0 <= clock.now() < 30.0


async def test_changed_since_gives_up_on_seeing_the_change_after_the_grace_period() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("InService", modified=BEFORE))])
    policy = WaitPolicy(backoff=Backoff(initial=2.0, jitter=0.0), not_found_grace=30.0)
    await wait("ic", script, policy=policy, clock=clock, changed_since=BEFORE)
    assert 30.0 <= clock.now() < 80.0


# -- rollbacks (expect / previous_failure) -----------------------------------------------


def three_copies(desc: models.DescribeInferenceComponentOutput) -> bool:
    return desc.runtime_config is not None and desc.runtime_config.desired_copy_count == 3


async def test_a_rollback_raises_on_the_first_describe_that_shows_it() -> None:
    clock = FakeClock()
    script = Script(
        clock,
        [
            (0.0, described("Updating", desired=3, current=1)),
            (100.0, described("InService", desired=1, current=1, reason="alarm fired")),
        ],
    )
    with pytest.raises(UpdateRolledBack) as info:
        await wait("ic", script, until="scaled", copies=3, clock=clock, expect=three_copies)
    assert info.value.failure_reason == "alarm fired"
    assert info.value.description is not None
    assert len([t for t in script.calls if t >= 100.0]) == 1


async def test_a_new_reason_is_a_rollback_even_unseen_in_transit() -> None:
    clock = FakeClock()
    before = datetime(2026, 1, 1, tzinfo=UTC)
    rolled = described("InService", desired=1, current=1, reason="new", modified=before)
    script = Script(clock, [(0.0, rolled)])
    with pytest.raises(UpdateRolledBack, match="new"):
        await wait(
            "ic",
            script,
            until="scaled",
            copies=3,
            clock=clock,
            changed_since=before,
            expect=three_copies,
            previous_failure="old",
        )
    assert len(script.calls) == 1


async def test_a_stale_reason_does_not_fail_a_change_that_shows() -> None:
    clock = FakeClock()
    script = Script(
        clock,
        [
            (0.0, described("Updating", desired=3, current=1, reason="old")),
            (50.0, described("InService", desired=3, current=3, reason="old")),
        ],
    )
    done = await wait(
        "ic",
        script,
        until="scaled",
        copies=3,
        clock=clock,
        expect=three_copies,
        previous_failure="old",
    )
    assert done is not None
    assert done.failure_reason == "old"


async def test_without_a_reason_a_mismatch_is_not_a_rollback() -> None:
    clock = FakeClock()
    script = Script(
        clock,
        [(0.0, described("Updating")), (30.0, described("InService"))],
    )
    done = await wait("ic", script, clock=clock, expect=lambda d: False)
    assert done is not None
    assert done.inference_component_status == "InService"


async def test_a_timeout_carries_the_last_failure_reason() -> None:
    clock = FakeClock()
    script = Script(clock, [(0.0, described("Updating", reason="from before"))])
    with pytest.raises(WaiterTimeout) as info:
        await wait("ic", script, clock=clock, policy=WaitPolicy(timeout=60))
    assert info.value.failure_reason == "from before"
    assert "from before" in str(info.value)

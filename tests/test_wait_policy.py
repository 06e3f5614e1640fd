"""The default wait policy and the named ones: calls made and how late a change is seen.

The same scenario as ``benchmarks/bench_waiter.py`` (a creation of 600 s + a random
0-30 s, simulated on a FakeClock), with fewer seeds and bounds loose enough for any seed
set, tight enough to fail on the previous default (2 s doubling to 40 s, full jitter),
which was up to 40 s late.
"""

from __future__ import annotations

import random
import statistics
from typing import Any

import pytest

from ic_sdk import models
from ic_sdk.clock import FakeClock
from ic_sdk.errors import ComponentFailed
from ic_sdk.serde import converter
from ic_sdk.waiters import Backoff, WaitPolicy, wait


def _described(status: str) -> models.DescribeInferenceComponentOutput:
    wire: dict[str, Any] = {
        "InferenceComponentName": "ic",
        "EndpointName": "ep",
        "InferenceComponentStatus": status,
    }
    return converter.structure(wire, models.DescribeInferenceComponentOutput)


CREATING, IN_SERVICE = _described("Creating"), _described("InService")


async def _creation(policy: WaitPolicy, seed: int) -> tuple[int, float]:
    """Describes made and notice delay of one wait for a 600-630 s creation."""
    clock = FakeClock()
    ready = 600.0 + random.Random(-seed - 1).uniform(0.0, 30.0)
    calls = 0

    async def describe() -> models.DescribeInferenceComponentOutput:
        nonlocal calls
        calls += 1
        return IN_SERVICE if clock.now() >= ready else CREATING

    await wait("ic", describe, policy=policy, clock=clock, rng=random.Random(seed).random)
    return calls, clock.now() - ready


async def _many(policy: WaitPolicy, seeds: int = 60) -> tuple[list[int], list[float]]:
    runs = [await _creation(policy, seed) for seed in range(seeds)]
    return [c for c, _ in runs], [d for _, d in runs]


def test_cap_jitter_applies_after_one_full_jitter_delay_at_the_cap() -> None:
    b = Backoff(initial=2.0, multiplier=4.0, max_delay=21.0, min_delay=1.0, cap_jitter=0.1)
    assert [b.ceiling(n) for n in range(4)] == [2.0, 8.0, 21.0, 21.0]
    assert b.delay(1, 0.5) == 4.0  # growing: full jitter
    assert b.delay(2, 0.5) == 10.5  # first at the cap: full jitter (a random phase)
    assert b.delay(2, 0.99) == 1.0  # ... above the floor
    assert b.delay(3, 0.0) == 21.0  # then within the top 10 % of the cap
    assert b.delay(3, 0.999) == pytest.approx(21.0 * (1 - 0.0999))
    assert b.delay(50, 0.5) == pytest.approx(19.95)


def test_without_cap_jitter_the_cap_keeps_full_jitter() -> None:
    b = Backoff(initial=2.0, multiplier=4.0, max_delay=21.0, min_delay=0.0)
    assert b.delay(5, 0.5) == 10.5


@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_cap_jitter_outside_0_1_is_rejected(value: float) -> None:
    with pytest.raises(ValueError, match="cap_jitter must be within"):
        Backoff(cap_jitter=value)


def test_named_default_is_the_default() -> None:
    assert WaitPolicy.default() == WaitPolicy()
    assert WaitPolicy.default(timeout=60).timeout == 60
    assert WaitPolicy.eager(timeout=60).timeout == 60


async def test_default_notices_in_service_within_a_period_and_polls_no_more() -> None:
    counts, delays = await _many(WaitPolicy())
    assert statistics.median(counts) <= 36
    assert statistics.median(delays) <= 11.0
    assert max(delays) <= 21.0  # never later than one capped period
    previous = WaitPolicy(backoff=Backoff(initial=2.0, multiplier=2.0, max_delay=40.0))
    old_counts, old_delays = await _many(previous)
    assert statistics.median(delays) < statistics.median(old_delays)
    assert max(old_delays) > 21.0
    assert statistics.median(counts) <= statistics.median(old_counts) + 1


async def test_named_policies_trade_calls_for_lateness() -> None:
    eager_counts, eager_delays = await _many(WaitPolicy.eager(), seeds=20)
    counts, delays = await _many(WaitPolicy.default(), seeds=20)
    patient_counts, patient_delays = await _many(WaitPolicy.patient(), seeds=20)
    assert max(eager_delays) <= 5.0
    assert max(patient_delays) <= 60.0
    assert statistics.median(eager_delays) < statistics.median(delays)
    assert statistics.median(delays) < statistics.median(patient_delays)
    assert min(eager_counts) > max(counts) > min(counts) > max(patient_counts)


async def test_a_fast_failure_is_seen_within_seconds() -> None:
    clock = FakeClock()
    failed_at = 3.0

    async def describe() -> models.DescribeInferenceComponentOutput:
        return _described("Failed") if clock.now() >= failed_at else CREATING

    late = []
    for seed in range(40):
        clock = FakeClock()
        with pytest.raises(ComponentFailed):
            await wait("ic", describe, clock=clock, rng=random.Random(seed).random)
        late.append(clock.now() - failed_at)
    # Polls near 1-2 s and 2-10 s; a failure the ramp just missed waits for the phase poll.
    assert statistics.median(late) <= 8.0
    assert max(late) <= 2.0 + 8.0 + 21.0 - failed_at

"""One simulated day of diurnal load for 20 autoscaled components, on LocalSageMaker.

Each component is autoscaled with ``client.autoscale(min_copies=0, max_copies=4,
target=5)`` (target tracking on invocations per copy, plus scale from zero), then gets a
day of sinusoidal load (its own phase; quiet nights go to zero copies) in 10-second steps
through ``LocalSageMaker.traffic`` on a ``FakeClock``: 8,640 steps, every CloudWatch
evaluation and scaling activity of the day simulated.

Baseline: the goal, 10 s of real time for the day. The ratio is real time over that
budget (goal: below 1.00x); the speed-up is simulated seconds per real second.
"""

from __future__ import annotations

import asyncio
import math
import random
import time

from _util import record

from ic_sdk import InferenceComponentClient, base_component
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker

COMPONENTS = 20
DAY = 86_400
STEP = 10
BUDGET_S = 10.0
TARGET = 5.0
PEAK_PER_MINUTE = 16.0  # at the peak, 3.2 copies' worth of the target
BENCH = "autoscaling"
ROLE = "arn:aws:iam::123456789012:role/SageMaker"


def load_per_minute(t: float, phase: float) -> float:
    """Diurnal load: a sine over the day, zero through the night."""
    return max(0.0, PEAK_PER_MINUTE * math.sin(2 * math.pi * (t / DAY + phase)))


async def setup(sm: LocalSageMaker, clock: FakeClock, client: InferenceComponentClient) -> None:
    sm.add_endpoint("fleet", execution_role_arn=ROLE, min_instances=0, max_instances=COMPONENTS)
    clock.advance(5)
    for i in range(COMPONENTS):
        await client.create_and_wait(
            base_component(
                name=f"model-{i:02d}",
                endpoint_name="fleet",
                image="example.com/model:1",
                memory_mb=8192,
                cpu_cores=2,
                accelerators=1,
            )
        )
        await client.autoscale(f"model-{i:02d}", min_copies=0, max_copies=4, target=TARGET)


def simulate_day(sm: LocalSageMaker, clock: FakeClock) -> tuple[int, int]:
    """Drive the day; (requests served, requests refused for want of a copy)."""
    rng = random.Random(7)
    phases = [rng.random() for _ in range(COMPONENTS)]
    names = [f"model-{i:02d}" for i in range(COMPONENTS)]
    owed = [0.0] * COMPONENTS
    served = refused = 0
    clock.advance(60 - clock.now() % 60)  # the day starts on a minute
    start = clock.now()
    for step in range(DAY // STEP):
        t = step * STEP
        for i, name in enumerate(names):
            owed[i] += load_per_minute(t, phases[i]) * STEP / 60
            requests = int(owed[i])
            if requests:
                owed[i] -= requests
                outcome = sm.traffic(name, requests)
                served += outcome.served
                refused += outcome.refused
        clock.advance(start + t + STEP - clock.now())
    return served, refused


async def main() -> None:
    clock = FakeClock()
    async with (
        LocalSageMaker(clock=clock) as sm,
        InferenceComponentClient(
            region=sm.region,
            endpoint_url=sm.endpoint_url,
            clock=clock,
            rng=lambda: 0.5,  # waits without jitter: the same day on every run
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ) as client,
    ):
        await setup(sm, clock, client)
        began = time.perf_counter()
        served, refused = simulate_day(sm, clock)
        elapsed = time.perf_counter() - began
        activities = 0
        for i in range(COMPONENTS):
            view = await client.autoscaling(f"model-{i:02d}")
            assert view is not None
            activities += len(view.activities)
    print(
        f"== bench_autoscaling: {COMPONENTS} components, one day in {STEP}-second steps "
        f"(baseline: the {BUDGET_S:.0f} s budget) =="
    )
    record(
        BENCH,
        "day_real_time",
        f"real time for one simulated day ({COMPONENTS} autoscaled components)",
        elapsed,
        "s",
        baseline=BUDGET_S,
        baseline_label="the goal: a day in 10 s",
        target="ratio <= 1.00",
        note=f"{DAY // STEP:,} steps of {STEP} s on a FakeClock, wall clock",
    )
    record(BENCH, "speedup", "simulated seconds per real second", DAY / elapsed, "×")
    record(BENCH, "requests_served", "requests served", served, "requests")
    record(BENCH, "requests_refused", "requests refused (cold starts)", refused, "requests")
    record(
        BENCH,
        "scaling_activities",
        f"scaling activities (last 20 per component, {COMPONENTS} components)",
        activities,
        "activities",
    )


if __name__ == "__main__":
    asyncio.run(main())

"""The waiter's default policy: describes made, how late it notices, how it spreads polls.

A component becomes ``InService`` 600 s + a random 0-30 s after the wait starts (one
draw per seed). The real :func:`ic_sdk.waiters.wait` runs on a simulated clock against a
describe that answers ``Creating`` until then, so a ten-minute wait takes milliseconds.

1. Over many seeds: describes per wait (median) and the *notice delay*, the time from
   the component turning ``InService`` to the describe that sees it (median, p90, max),
   for the default policy beside a fixed 5 s poll (the baseline, measured here too), the
   previous default (2 s doubling to 40 s, full jitter) and the named policies.
2. 1,000 waiters started together (``create_many(..., wait=True)``): the most polls in
   any 1 s window after the first minute, against the same number spread uniformly
   (``burst`` = peak / uniform; a fixed poll has every waiter in the same second). The
   peak over the whole wait, ramp included, is reported too.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import statistics
from collections.abc import Callable, Coroutine
from typing import Any

from _util import record

from ic_sdk.models import DescribeInferenceComponentOutput
from ic_sdk.serde import converter
from ic_sdk.waiters import Backoff, WaitPolicy, wait

BENCH = "waiter"
SEEDS = 1000
CREATION = 600.0
EXTRA = 30.0
CROWD = 1_000
STEADY_AFTER = 60.0


class SimClock:
    """A virtual clock for many concurrent sleepers: time jumps to the next wake-up
    once every task is asleep (``FakeClock(auto_advance=True)`` serves one waiter)."""

    def __init__(self) -> None:
        self._now = 0.0
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._running = 0
        self._idle: asyncio.Event

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        fut = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (self._now + max(0.0, seconds), next(self._seq), fut))
        self._park()
        await fut

    def _park(self, _: object = None) -> None:
        self._running -= 1
        if self._running == 0:
            self._idle.set()

    async def run(self, coros: list[Coroutine[Any, Any, Any]]) -> None:
        self._idle = asyncio.Event()
        tasks = [asyncio.ensure_future(c) for c in coros]
        self._running = len(tasks)
        for task in tasks:
            task.add_done_callback(self._park)
        while True:
            await self._idle.wait()
            self._idle.clear()
            if not self._heap:
                break
            self._now, _, fut = heapq.heappop(self._heap)
            self._running += 1
            fut.set_result(None)
        for task in tasks:
            task.result()


def _describe(status: str) -> DescribeInferenceComponentOutput:
    return converter.structure(
        {
            "InferenceComponentName": "bench",
            "InferenceComponentArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-component/bench",
            "EndpointName": "ep",
            "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep",
            "InferenceComponentStatus": status,
        },
        DescribeInferenceComponentOutput,
    )


CREATING, IN_SERVICE = _describe("Creating"), _describe("InService")


class Waiter:
    def __init__(self, clock: SimClock, ready: float, policy: WaitPolicy, seed: int) -> None:
        self.clock, self.ready, self.policy = clock, ready, policy
        self.rng: Callable[[], float] = random.Random(seed).random
        self.polls: list[float] = []
        self.noticed = float("nan")

    async def describe(self) -> DescribeInferenceComponentOutput:
        now = self.clock.now()
        self.polls.append(now)
        return IN_SERVICE if now >= self.ready else CREATING

    async def run(self) -> None:
        await wait("bench", self.describe, policy=self.policy, clock=self.clock, rng=self.rng)
        self.noticed = self.clock.now() - self.ready


def one_each(policy: WaitPolicy) -> tuple[list[int], list[float]]:
    """Describes and notice delays of single waits over ``SEEDS`` seeds."""
    counts: list[int] = []
    delays: list[float] = []
    for seed in range(SEEDS):
        clock = SimClock()
        ready = CREATION + random.Random(-seed - 1).uniform(0.0, EXTRA)
        waiter = Waiter(clock, ready, policy, seed)
        asyncio.run(clock.run([waiter.run()]))
        counts.append(len(waiter.polls))
        delays.append(waiter.noticed)
    return counts, delays


def crowd(policy: WaitPolicy) -> tuple[int, int, float]:
    """Peak polls in 1 s after the first minute, peak over the whole wait, uniform rate."""
    clock = SimClock()
    waiters = [Waiter(clock, CREATION, policy, seed) for seed in range(CROWD)]
    asyncio.run(clock.run([w.run() for w in waiters]))
    polls = sorted(t for w in waiters for t in w.polls[1:])  # [0]: the callers' own burst
    end = max(polls)
    steady = [t for t in polls if t >= STEADY_AFTER]
    uniform = len(steady) / (end - STEADY_AFTER)
    return _peak(steady), _peak(polls), uniform


def _peak(times: list[float]) -> int:
    best = lo = 0
    for hi, t in enumerate(times):
        while times[lo] <= t - 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


FIXED_5S = WaitPolicy(backoff=Backoff(initial=5.0, multiplier=1.0, jitter=0.0, min_delay=5.0))
PREVIOUS = WaitPolicy(
    backoff=Backoff(initial=2.0, multiplier=2.0, max_delay=40.0, min_delay=1.0, jitter=1.0)
)


def named_policies() -> dict[str, WaitPolicy]:
    found = {"WaitPolicy() (default)": WaitPolicy()}
    for name in ("eager", "patient"):
        factory = getattr(WaitPolicy, name, None)
        if factory is not None:
            found[f"WaitPolicy.{name}()"] = factory()
    return found


def main() -> None:
    print(f"== bench_waiter ({SEEDS} seeds, creation {CREATION:.0f} s + U(0, {EXTRA:.0f}) s) ==")
    base_counts, base_delays = one_each(FIXED_5S)
    b_calls = statistics.median(base_counts)
    b_delay = statistics.median(base_delays)
    b_p90 = _p90(base_delays)
    fixed = "fixed 5 s poll"
    record(BENCH, "fixed_describes", f"{fixed}: describes (median)", b_calls, "calls")
    record(BENCH, "fixed_notice_median", f"{fixed}: notice delay, median", b_delay, "s")
    record(BENCH, "fixed_notice_p90", f"{fixed}: notice delay, p90", b_p90, "s")
    runs = {"previous default (2 s doubling to 40 s, full jitter)": PREVIOUS, **named_policies()}
    for label, policy in runs.items():
        counts, delays = one_each(policy)
        default = label.endswith("(default)")
        key = "default" if default else label.split()[0].lower().strip("().")
        calls, median, p90 = statistics.median(counts), statistics.median(delays), _p90(delays)
        record(
            BENCH,
            f"{key}_describes",
            f"{label}: describes (median; range {min(counts)}-{max(counts)})",
            calls,
            "calls",
            baseline=b_calls,
            baseline_label=fixed,
            target="value <= 35" if default else None,
            readme="describes while waiting out a 10-minute creation" if default else None,
        )
        record(
            BENCH,
            f"{key}_notice_median",
            f"{label}: notice delay, median",
            median,
            "s",
            baseline=b_delay,
            baseline_label=fixed,
            target="value <= 10" if default else None,
            readme="…and how late it notices `InService` (median)" if default else None,
        )
        record(
            BENCH,
            f"{key}_notice_p90",
            f"{label}: notice delay, p90 (max {max(delays):.1f} s)",
            p90,
            "s",
            baseline=b_p90,
            baseline_label=fixed,
            target="value <= 20" if default else None,
            readme="…notice delay, p90" if default else None,
        )
    print(f"{CROWD} waiters started together")
    base_steady, _, base_uniform = crowd(FIXED_5S)
    record(
        BENCH,
        "fixed_burst",
        f"{fixed}, {CROWD} waiters: peak polls in 1 s / uniform",
        base_steady / base_uniform,
        "× uniform",
        note=f"peak {base_steady} polls/s vs {base_uniform:.0f} uniform",
    )
    for label, policy in {"previous default": PREVIOUS, **named_policies()}.items():
        steady, peak, uniform = crowd(policy)
        default = label.endswith("(default)")
        key = "default" if default else label.split()[0].lower().strip("().")
        record(
            BENCH,
            f"{key}_burst",
            f"{label}, {CROWD} waiters: peak polls in 1 s / uniform, after {STEADY_AFTER:.0f} s",
            steady / uniform,
            "× uniform",
            baseline=base_steady / base_uniform,
            baseline_label=fixed,
            target="value <= 2" if default else None,
            readme=f"{CROWD:,} concurrent waiters: busiest second / uniform" if default else None,
            note=f"peak {steady} polls/s vs {uniform:.0f} uniform; "
            f"whole wait incl. ramp: {peak} in 1 s",
        )


if __name__ == "__main__":
    main()

"""Test code that waits, without waiting: LocalSageMaker and the client on one FakeClock.

A real inference component takes minutes to create. Give the emulator and the client the
same :class:`~ic_sdk.clock.FakeClock` and every backoff sleep of a waiter moves the
emulator's time forward instead: a ten-minute creation finishes in milliseconds, with
the same sequence of polls a real one would see. Faults (throttling, 5xx, failed
deployments) are injected through ``sm.faults``. ``python examples/fake_clock.py``
"""

from __future__ import annotations

import asyncio
import time

from _local import IMAGE, create_endpoint, local_client

import ic_sdk
from ic_sdk.clock import FakeClock
from ic_sdk.testing import Delays, LocalSageMaker

TEN_MINUTES = 600.0


async def main() -> None:
    clock = FakeClock()
    delays = Delays(component_create=TEN_MINUTES)
    async with LocalSageMaker(clock=clock, delays=delays) as sm:
        # The default wait policy (~2 s, ~8 s, then about every 20 s) and no botocore
        # retries: those sleep in real time; the waiter's retries run on the fake clock.
        policy = ic_sdk.WaitPolicy()
        async with local_client(sm, clock=clock, wait_policy=policy, max_attempts=1) as client:
            await create_endpoint(client, "shared-gpu")
            request = ic_sdk.base_component(
                name="slow-model", endpoint_name="shared-gpu", image=IMAGE, memory_mb=4096
            )
            await client.create(request)
            # The first describe calls are throttled; the waiter retries within its deadline.
            sm.faults.throttle(times=3, operations="DescribeInferenceComponent")

            events: list[ic_sdk.WaiterEvent] = []
            started, wall = clock.now(), time.perf_counter()
            await client.wait_until_in_service("slow-model", timeout_s=3600, on_event=events.append)
            simulated, real = clock.now() - started, time.perf_counter() - wall
            print(
                f"InService after {simulated / 60:.1f} simulated minutes, {real:.2f} s of real time"
            )
            print(f"{events[-1].describes} describe calls, {len(clock.sleeps)} sleeps")
            retried = [e for e in events if e.kind == "retrying"]
            print(f"retried {len(retried)} times after {type(retried[0].error).__name__}")
            assert len(retried) == 3
            assert simulated >= TEN_MINUTES

            # A create that fails: the waiter raises ComponentFailed with the reason.
            sm.faults.fail_next_create("doomed", reason="CapacityError: not enough ml.g5 capacity")
            await client.create(
                ic_sdk.base_component(
                    name="doomed", endpoint_name="shared-gpu", image=IMAGE, memory_mb=4096
                )
            )
            try:
                await client.wait_until_in_service("doomed")
            except ic_sdk.ComponentFailed as exc:
                print(f"failed as expected: {exc.failure_reason}")


if __name__ == "__main__":
    asyncio.run(main())

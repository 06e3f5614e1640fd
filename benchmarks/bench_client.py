"""The client facade against raw aiobotocore, both talking to LocalSageMaker on 127.0.0.1.

1. Sequential ``describe``: ``InferenceComponentClient.describe`` (validate, serialize,
   call, structure into a model) vs ``describe_inference_component`` on a plain
   aiobotocore client with the same session and config. Goal: ratio <= 1.15.
2. 1,000 concurrent describes through one client (three bursts each, interleaved): errors
   over all bursts (goal 0) and best throughput, as a ratio to the raw client doing the
   same. Both use botocore's default pool of 10 connections.
3. Describe calls ``wait_until_in_service`` makes over a simulated 10-minute creation
   (FakeClock, default wait policy, many seeds) vs a fixed 5 s poll (120 calls).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from typing import Any

from _util import row
from aiobotocore.session import AioSession

from ic_sdk import InferenceComponentClient, base_component
from ic_sdk.clock import FakeClock
from ic_sdk.testing import Delays, LocalSageMaker
from ic_sdk.waiters import EventKind, WaiterEvent

ROLE = "arn:aws:iam::123456789012:role/SageMaker"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
SEQUENTIAL = 200
ROUNDS = 30
CONCURRENT = 1_000


async def setup(sm: LocalSageMaker, session: AioSession, clock: FakeClock) -> None:
    async with session.create_client("sagemaker", **sm.client_kwargs("sagemaker")) as raw:
        await raw.create_endpoint_config(
            EndpointConfigName="ep-config",
            ExecutionRoleArn=ROLE,
            ProductionVariants=[
                {
                    "VariantName": "AllTraffic",
                    "InstanceType": "ml.g5.12xlarge",
                    "InitialInstanceCount": 1,
                }
            ],
        )
        await raw.create_endpoint(EndpointName="ep", EndpointConfigName="ep-config")
        clock.advance(5)


def spec(name: str) -> Any:
    return base_component(
        name=name,
        endpoint_name="ep",
        variant_name="AllTraffic",
        image=IMAGE,
        memory_mb=8192,
        accelerators=1,
        environment={"HF_MODEL_ID": "meta-llama/Llama-3.1-8B"},
    )


async def describes(sm: LocalSageMaker, session: AioSession, clock: FakeClock) -> None:
    kwargs = sm.client_kwargs("sagemaker")
    client = InferenceComponentClient(
        region=kwargs["region_name"],
        endpoint_url=kwargs["endpoint_url"],
        aws_access_key_id=kwargs["aws_access_key_id"],
        aws_secret_access_key=kwargs["aws_secret_access_key"],
        session=session,
        clock=clock,
    )
    async with client, session.create_client("sagemaker", **kwargs) as raw:
        await client.create(spec("bench"))
        clock.advance(5)

        async def facade_once() -> None:
            await client.describe("bench")

        async def raw_once() -> None:
            await raw.describe_inference_component(InferenceComponentName="bench")

        for warm in (facade_once, raw_once):
            for _ in range(100):
                await warm()
        facade_times: list[float] = []
        raw_times: list[float] = []
        pair = ((raw_once, raw_times), (facade_once, facade_times))
        for i in range(ROUNDS):  # short interleaved rounds, order alternating: both sides
            for fn, out in pair if i % 2 else pair[::-1]:  # see the same machine load
                start = time.perf_counter()
                for _ in range(SEQUENTIAL):
                    await fn()
                out.append((time.perf_counter() - start) / SEQUENTIAL)
        f, r = min(facade_times), min(raw_times)  # best round: least disturbed by noise
        row("raw aiobotocore describe_inference_component (baseline)", f"{r * 1e6:.0f} µs/op")
        row("InferenceComponentClient.describe", f"{f * 1e6:.0f} µs/op", f"{f / r:.3f}x")

        async def burst(fn: Any) -> tuple[float, int]:
            start = time.perf_counter()
            results = await asyncio.gather(
                *(fn() for _ in range(CONCURRENT)), return_exceptions=True
            )
            elapsed = time.perf_counter() - start
            return CONCURRENT / elapsed, sum(isinstance(x, BaseException) for x in results)

        raw_rate = facade_rate = 0.0
        raw_errors = facade_errors = 0
        for _ in range(3):  # interleaved; best of three for each
            rate, errors = await burst(raw_once)
            raw_rate, raw_errors = max(raw_rate, rate), raw_errors + errors
            rate, errors = await burst(facade_once)
            facade_rate, facade_errors = max(facade_rate, rate), facade_errors + errors
        row(
            f"{CONCURRENT} concurrent raw describes (baseline)",
            f"{raw_rate:.0f} /s",
            f"errors={raw_errors}",
        )
        row(
            f"{CONCURRENT} concurrent facade describes, one client",
            f"{facade_rate:.0f} /s",
            f"errors={facade_errors}",
        )
        row("  throughput ratio facade/raw", f"{facade_rate / raw_rate:.3f}x")


async def waiter_calls(session: AioSession) -> None:
    counts: list[int] = []
    lags: list[float] = []
    seeds = 50
    for seed in range(seeds):
        clock = FakeClock()
        async with LocalSageMaker(clock=clock, delays=Delays(component_create=600.0)) as sm:
            await setup(sm, session, clock)
            async with InferenceComponentClient(
                region=sm.region,
                endpoint_url=sm.endpoint_url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                session=session,
                clock=clock,
                rng=random.Random(seed).random,
            ) as client:
                await client.create(spec("slow"))
                start = clock.now()
                last: list[WaiterEvent] = []
                await client.wait_until_in_service("slow", on_event=last.append)
                assert last[-1].kind is EventKind.SUCCEEDED
                counts.append(last[-1].describes)
                lags.append(clock.now() - start - 600.0)
    fixed = 600 // 5
    mean = statistics.mean(counts)
    row("fixed 5 s poll over a 10-minute creation (baseline)", f"{fixed} calls")
    row(
        f"wait_until_in_service, default policy ({seeds} seeds)",
        f"{mean:.1f} calls",
        f"{mean / fixed:.3f}x",
    )
    row("  min / max calls", f"{min(counts)} / {max(counts)}")
    row("  mean time from InService to noticing it", f"{statistics.mean(lags):.1f} s")


async def main() -> None:
    print("== bench_client ==")
    session = AioSession()
    clock = FakeClock()
    async with LocalSageMaker(clock=clock) as sm:
        await setup(sm, session, clock)
        await describes(sm, session, clock)
    await waiter_calls(session)


if __name__ == "__main__":
    asyncio.run(main())

"""The client facade against raw aiobotocore, both talking to LocalSageMaker on 127.0.0.1.

1. Sequential ``describe`` and ``invoke``: ``InferenceComponentClient.describe`` /
   ``.invoke`` (validate, serialize, call, structure into a model) against
   ``describe_inference_component`` / ``invoke_endpoint`` (+ reading the body) on plain
   aiobotocore clients from the same session. Short rounds alternate between the two so
   both see the same machine load; the figure is the ratio of the median calls.
   Targets: <= 1.02x. The same comparison of two identical raw clients (A/A) shows the
   harness's own noise on this machine.

Client and emulator share this process's event loop, so every call is CPU work of this
process: times are CPU seconds of the process (``time.process_time``), which leave out
what a loaded machine gives to other processes; wall-clock figures are in the notes.
2. 10,000 concurrent describes through one client: errors (goal 0) and throughput, as a
   ratio to the raw client doing the same (bursts interleaved; the median ratio of
   adjacent pairs, since a 10-s burst window is noisy on a shared machine). Both use
   botocore's default pool of 10 connections. Target: >= 0.97x.
3. What skipping botocore's second check of every request saves: the client's default
   (``parameter_validation=False``, ``ic_sdk.validate`` has already checked the
   request) against the same client with ``AioConfig(parameter_validation=True)``.
4. The facade's own cost, without what its botocore configuration saves: ``describe``
   against a raw client configured the way ic_sdk configures its own (no parameter
   validation, botocore's retry handler dropped).

The waiter's figures are in ``bench_waiter.py``.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _util import per_op, record
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from ic_sdk import InferenceComponentClient, base_component, models
from ic_sdk._transport import aio_config, drop_botocore_retries
from ic_sdk.clock import FakeClock
from ic_sdk.serde import converter
from ic_sdk.testing import LocalSageMaker
from ic_sdk.validation import validate

BENCH = "client"
ROLE = "arn:aws:iam::123456789012:role/SageMaker"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
CALLS = 4_000
CONCURRENT = 10_000
BURSTS = 9
RAW = "raw aiobotocore"

Call = Callable[[], Awaitable[Any]]


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
        clock.advance(3600)


def facade(
    sm: LocalSageMaker,
    session: AioSession,
    clock: FakeClock,
    cls: type[InferenceComponentClient] = InferenceComponentClient,
    **kw: Any,
) -> Any:
    kwargs = sm.client_kwargs("sagemaker")
    return cls(
        region=kwargs["region_name"],
        endpoint_url=kwargs["endpoint_url"],
        runtime_endpoint_url=sm.client_kwargs("sagemaker-runtime")["endpoint_url"],
        aws_access_key_id=kwargs["aws_access_key_id"],
        aws_secret_access_key=kwargs["aws_secret_access_key"],
        session=session,
        clock=clock,
        **kw,
    )


async def interleaved(ours: Call, baseline: Call) -> tuple[float, float, float, str]:
    """Median CPU seconds per call of each (calls alternating one by one), their ratio,
    and a note with the wall-clock medians."""
    for fn in (ours, baseline):
        for _ in range(50):
            await fn()
    cpu: dict[int, list[float]] = {0: [], 1: []}
    wall: dict[int, list[float]] = {0: [], 1: []}
    pair = ((ours, 0), (baseline, 1))
    clock, perf = time.process_time, time.perf_counter
    gc.collect()
    for i in range(CALLS):
        for fn, side in pair if i % 2 else pair[::-1]:
            start, started = clock(), perf()
            await fn()
            cpu[side].append(clock() - start)
            wall[side].append(perf() - started)
    mine, theirs = statistics.median(cpu[0]), statistics.median(cpu[1])
    w0, w1 = statistics.median(wall[0]), statistics.median(wall[1])
    note = (
        f"median CPU time of {CALLS:,} calls each, alternating call by call; "
        f"wall medians {w0 * 1e6:.0f} vs {w1 * 1e6:.0f} µs ({w0 / w1:.3f}×)"
    )
    return mine, theirs, mine / theirs, note


async def burst(fn: Call) -> tuple[float, float, int]:
    """CPU-time and wall-clock throughput of ``CONCURRENT`` calls at once, and errors."""
    gc.collect()
    start, wall = time.process_time(), time.perf_counter()
    results = await asyncio.gather(*(fn() for _ in range(CONCURRENT)), return_exceptions=True)
    cpu, elapsed = time.process_time() - start, time.perf_counter() - wall
    errors = sum(isinstance(x, BaseException) for x in results)
    return CONCURRENT / cpu, CONCURRENT / elapsed, errors


async def main() -> None:
    print(f"== bench_client (python {sys.version.split()[0]}) ==")
    session = AioSession()
    clock = FakeClock()
    async with LocalSageMaker(clock=clock) as sm:
        await setup(sm, session, clock)
        client = facade(sm, session, clock)
        checked = facade(sm, session, clock, config=AioConfig(parameter_validation=True))
        async with (
            client,
            checked,
            session.create_client("sagemaker", **sm.client_kwargs("sagemaker")) as raw,
            session.create_client("sagemaker", **sm.client_kwargs("sagemaker")) as raw2,
            session.create_client(
                "sagemaker",
                **sm.client_kwargs("sagemaker"),
                config=aio_config("standard", None),
            ) as raw_like,
            session.create_client(
                "sagemaker-runtime", **sm.client_kwargs("sagemaker-runtime")
            ) as raw_rt,
        ):
            await client.create(
                base_component(
                    name="bench",
                    endpoint_name="ep",
                    variant_name="AllTraffic",
                    image=IMAGE,
                    memory_mb=8192,
                    accelerators=1,
                    environment={"HF_MODEL_ID": "meta-llama/Llama-3.1-8B"},
                )
            )
            clock.advance(3600)
            await client.wait_until_in_service("bench")

            async def facade_describe() -> None:
                await client.describe("bench")

            async def checked_describe() -> None:
                await checked.describe("bench")

            async def raw_describe() -> None:
                await raw.describe_inference_component(InferenceComponentName="bench")

            body = b'{"inputs": "What is an inference component?"}'

            async def facade_invoke() -> None:
                await client.invoke("bench", body, content_type="application/json")

            async def raw_invoke() -> None:
                answer = await raw_rt.invoke_endpoint(
                    EndpointName="ep",
                    InferenceComponentName="bench",
                    Body=body,
                    ContentType="application/json",
                )
                async with answer["Body"] as stream:
                    await stream.read()

            ours, theirs, ratio, how = await interleaved(facade_describe, raw_describe)
            raw_describe_cpu = theirs
            record(
                BENCH,
                "describe",
                "InferenceComponentClient.describe",
                ours * 1e6,
                "µs",
                baseline=theirs * 1e6,
                baseline_label=f"{RAW} describe_inference_component",
                ratio=ratio,
                target="ratio <= 1.02",
                readme="a `describe` call",
                note=how,
            )

            async def raw2_describe() -> None:
                await raw2.describe_inference_component(InferenceComponentName="bench")

            ours, theirs, ratio, how = await interleaved(raw2_describe, raw_describe)
            record(
                BENCH,
                "describe_aa",
                "A/A: a second raw client's describe (the harness's noise)",
                ours * 1e6,
                "µs",
                baseline=theirs * 1e6,
                baseline_label=f"{RAW} describe_inference_component",
                note=how,
            )
            drop_botocore_retries(raw_like)

            async def raw_like_describe() -> None:
                await raw_like.describe_inference_component(InferenceComponentName="bench")

            ours, theirs, ratio, how = await interleaved(facade_describe, raw_like_describe)
            record(
                BENCH,
                "describe_own_overhead",
                "describe, the facade's own cost",
                ours * 1e6,
                "µs",
                baseline=theirs * 1e6,
                baseline_label=f"{RAW} configured as ic_sdk configures its clients",
                ratio=ratio,
                note="no parameter validation and no botocore retry handler on either side: "
                "what validating, serializing, retrying and structuring add; " + how,
            )
            ours, theirs, ratio, how = await interleaved(facade_invoke, raw_invoke)
            record(
                BENCH,
                "invoke",
                "InferenceComponentClient.invoke",
                ours * 1e6,
                "µs",
                baseline=theirs * 1e6,
                baseline_label=f"{RAW} invoke_endpoint + read",
                ratio=ratio,
                target="ratio <= 1.02",
                readme="an `invoke` call",
                note=how,
            )
            answer = await raw.describe_inference_component(InferenceComponentName="bench")
            answer.pop("ResponseMetadata")
            describe_out = models.DescribeInferenceComponentOutput

            def own_work() -> None:  # what describe() adds to the aiobotocore call
                request = models.DescribeInferenceComponentInput(inference_component_name="bench")
                validate(request)
                converter.unstructure(request)
                converter.structure(answer, describe_out)

            record(
                BENCH,
                "describe_own_work",
                "describe's own work: build + validate + unstructure + structure",
                per_op(own_work) * 1e6,
                "µs",
                baseline=raw_describe_cpu * 1e6,
                baseline_label=f"{RAW} describe_inference_component",
                note="best of 7, no I/O: the share of a describe call ic_sdk itself adds",
            )

            class Unparsed(InferenceComponentClient):
                """Attribution only: the facade minus structuring the answer into models."""

                def _structure(self, raw: Any, out: Any, operation: str) -> Any:
                    return raw

            async with facade(sm, session, clock, cls=Unparsed) as unparsed:

                async def unparsed_describe() -> None:
                    await unparsed.describe("bench")

                ours, theirs, ratio, how = await interleaved(facade_describe, unparsed_describe)
            record(
                BENCH,
                "describe_structure_share",
                "describe, in place: the facade against itself minus structuring",
                ours * 1e6,
                "µs",
                baseline=theirs * 1e6,
                baseline_label="the same client returning the answer dict unparsed",
                ratio=ratio,
                note="where describe's remaining overhead goes: building the typed result; " + how,
            )
            ours, theirs, ratio, how = await interleaved(facade_describe, checked_describe)
            record(
                BENCH,
                "describe_without_botocore_validation",
                "describe, default client (botocore's parameter validation off)",
                ours * 1e6,
                "µs",
                baseline=theirs * 1e6,
                baseline_label="same client with AioConfig(parameter_validation=True)",
                ratio=ratio,
                note=how,
            )

            # Bursts of 10,000 take ~10 s each, and on a shared machine one 10-s window runs
            # up to ~20% faster than the next: each facade burst is compared with the raw
            # burst beside it (order alternating), and the figure is the median of those
            # paired ratios.
            rates: dict[str, list[float]] = {"raw": [], "facade": []}
            walls: dict[str, list[float]] = {"raw": [], "facade": []}
            errors = dict.fromkeys(rates, 0)
            for i in range(BURSTS):
                sides = (("raw", raw_describe), ("facade", facade_describe))
                for side, fn in sides if i % 2 == 0 else sides[::-1]:
                    rate, wall, failed = await burst(fn)
                    rates[side].append(rate)
                    walls[side].append(wall)
                    errors[side] += failed
            paired = sorted(f / r for f, r in zip(rates["facade"], rates["raw"], strict=True))
            quartiles = statistics.quantiles(paired, n=4)
            raw_wall = statistics.median(walls["raw"])
            facade_wall = statistics.median(walls["facade"])
            record(
                BENCH,
                "concurrent_describe",
                f"{CONCURRENT:,} concurrent describes, one client: throughput",
                statistics.median(rates["facade"]),
                "calls/s",
                baseline=statistics.median(rates["raw"]),
                baseline_label=f"{RAW}, same",
                ratio=statistics.median(paired),
                target="ratio >= 0.97",
                readme=f"{CONCURRENT:,} concurrent describes, one client (throughput)",
                note=f"calls per CPU second; ratio: median over {BURSTS} pairs of adjacent "
                f"bursts (order alternating) of facade / raw, interquartile range "
                f"{quartiles[0]:.3f}-{quartiles[2]:.3f}; single bursts range "
                f"{min(rates['facade']):.0f}-{max(rates['facade']):.0f} vs "
                f"{min(rates['raw']):.0f}-{max(rates['raw']):.0f} calls/s; wall: "
                f"{facade_wall:.0f} vs {raw_wall:.0f} calls/s",
            )
            record(
                BENCH,
                "concurrent_errors",
                f"{CONCURRENT:,} concurrent describes: errors over {BURSTS} bursts",
                errors["facade"],
                "errors",
                baseline=errors["raw"],
                baseline_label=RAW,
                ratio=None,
                target="value <= 0",
                readme=f"…errors over {BURSTS} bursts of {CONCURRENT:,}",
            )


if __name__ == "__main__":
    asyncio.run(main())

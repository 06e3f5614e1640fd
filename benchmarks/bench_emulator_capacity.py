"""LocalSageMaker placing many copies: five creates of 2,000 copies each on a
300-instance endpoint (goal: under 1 s in all, through a real aiobotocore client).

Baseline ("copy by copy"): the same five creates with the emulator's placement replaced by
the algorithm it used before issue 12 — first-fit decreasing one copy at a time, every copy
scanning the instances — in the same run. ``ic_sdk.capacity.place`` places each fleet
whole over runs of identical instances, so its cost does not grow with copies or
instances.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from _util import row
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from ic_sdk.capacity import Fleet, Placement, Requirement
from ic_sdk.clock import FakeClock
from ic_sdk.instance_types import InstanceSpec
from ic_sdk.testing import LocalSageMaker, _placement

INSTANCES = 300
CREATES = 5
COPIES = 2_000
ROLE = "arn:aws:iam::123456789012:role/SageMaker"
NO_RETRIES = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})


def copy_by_copy(
    instance: InstanceSpec,
    instance_count: int,
    placed: Sequence[Fleet],
    requirement: Requirement,
    copies: int,
) -> Placement:
    """The placement before issue 12: each copy scans the instances for room."""
    free = [[float(instance.vcpus), float(instance.memory_mib), float(instance.accelerators)]]
    free = [list(free[0]) for _ in range(instance_count)]

    def put(req: Requirement) -> bool:
        for slot in free:
            if (
                req.cpus <= slot[0] + 1e-9
                and req.memory_mib <= slot[1] + 1e-9
                and req.accelerators <= slot[2] + 1e-9
            ):
                slot[0] -= req.cpus
                slot[1] -= req.memory_mib
                slot[2] -= req.accelerators
                return True
        return False

    for req in sorted(
        (f.requirement for f in placed for _ in range(f.copies)),
        key=lambda r: (r.accelerators, r.cpus, r.memory_mib),
        reverse=True,
    ):
        put(req)
    fitted = 0
    while fitted < copies and put(requirement):
        fitted += 1
    return Placement(
        fitted=fitted, fits_one=requirement.fits_on(instance), beside=sum(f.copies for f in placed)
    )


@contextmanager
def placement(algorithm: Any) -> Iterator[None]:
    original = _placement.place
    _placement.place = algorithm
    try:
        yield
    finally:
        _placement.place = original


async def five_creates(
    *, creates: int = CREATES, copies: int = COPIES, instances: int = INSTANCES
) -> float:
    """Seconds for ``creates`` creates of ``copies`` copies on ``instances`` instances, on
    a fresh emulator and endpoint."""
    clock = FakeClock()
    async with LocalSageMaker(clock=clock) as sm:
        session = AioSession()
        async with session.create_client(
            "sagemaker", config=NO_RETRIES, **sm.client_kwargs("sagemaker")
        ) as sagemaker:
            await sagemaker.create_endpoint_config(
                EndpointConfigName="c",
                ExecutionRoleArn=ROLE,
                ProductionVariants=[
                    {
                        "VariantName": "AllTraffic",
                        "InstanceType": "ml.g5.12xlarge",  # 48 vCPU: 48 copies each
                        "InitialInstanceCount": instances,
                    }
                ],
            )
            await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
            clock.advance(1)
            await sagemaker.list_inference_components()  # warm the client
            start = time.perf_counter()
            for i in range(creates):
                await sagemaker.create_inference_component(
                    InferenceComponentName=f"ic-{i}",
                    EndpointName="ep",
                    VariantName="AllTraffic",
                    Specification={
                        "Container": {"Image": "123.dkr.ecr.us-east-1.amazonaws.com/m:1"},
                        "ComputeResourceRequirements": {
                            "NumberOfCpuCoresRequired": 1,
                            "MinMemoryRequiredInMb": 1024,
                        },
                    },
                    RuntimeConfig={"CopyCount": copies},
                )
            return time.perf_counter() - start


def publish(value: float, baseline: float) -> None:
    path = os.environ.get("IC_BENCH_RESULTS")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        record = {
            "bench": "emulator_capacity",
            "key": "five_creates_2000_copies_300_instances",
            "label": f"{CREATES} creates of {COPIES:,} copies on a {INSTANCES}-instance endpoint",
            "value": value,
            "unit": "s",
            "baseline": baseline,
            "baseline_label": "the same creates, placing copy by copy (before issue 12)",
            "target": "value <= 1.0",
        }
        out.write(json.dumps(record) + "\n")


async def main() -> None:
    fast = min([await five_creates() for _ in range(3)])
    with placement(copy_by_copy):
        slow = await five_creates()
    print(f"{CREATES} creates of {COPIES:,} copies each on {INSTANCES} x ml.g5.12xlarge")
    row("ic_sdk.capacity.place (goal: < 1 s in all)", f"{fast:.3f} s")
    row(
        "baseline: copy by copy (the placement before issue 12)",
        f"{slow:.3f} s",
        f"{slow / fast:.0f}x",
    )
    # The case: one create of 190,000 copies blocked the event loop for 4.4 s.
    big = await five_creates(creates=1, copies=190_000, instances=4_000)
    row("side figure: one create of 190,000 copies on 4,000 instances", f"{big:.3f} s")
    publish(fast, slow)


if __name__ == "__main__":
    asyncio.run(main())

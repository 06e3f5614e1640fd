"""One capacity model: pre-flight and the emulator give the same answer on every case.

Each case builds the same situation in LocalSageMaker (components InService, Creating,
Deleting, Failed, scaling, mid rolling update...), then asks both whether the new
component's copies fit: ``client.preflight`` (through Describe, as against the real
service) and the emulator itself (``CreateInferenceComponent`` succeeds or answers
``ResourceLimitExceeded``). Both must give the expected answer.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from botocore.exceptions import ClientError

from ic_sdk import models
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.serde import converter
from tests.testing.emulator_support import IMAGE, ROLE_ARN, SETTLE

G5_12X = "ml.g5.12xlarge"  # 48 vCPU, 192 GiB, 4 GPUs
G5_X = "ml.g5.xlarge"  # 4 vCPU, 16 GiB, 1 GPU
M5_4X = "ml.m5.4xlarge"  # 16 vCPU, 64 GiB
M5_L = "ml.m5.large"  # 2 vCPU, 8 GiB
A, B = "VariantA", "VariantB"


@attrs.frozen
class Need:
    gpus: float = 0
    cpus: float = 0
    memory: int = 1024

    def wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"MinMemoryRequiredInMb": self.memory}
        if self.gpus:
            out["NumberOfAcceleratorDevicesRequired"] = self.gpus
        if self.cpus:
            out["NumberOfCpuCoresRequired"] = self.cpus
        return out


GPU = Need(gpus=1)


@attrs.frozen
class Existing:
    name: str
    need: Need
    copies: int
    #: InService | Creating | Deleting | Failed | ScaleTo:<n> |
    #: Rolling:<batch>[:<new copy count>] | BlueGreen | WithAdapter
    state: str = "InService"
    variant: str = A
    #: Per instance type requirements (``Specifications``) instead of one ``Specification``.
    per_type: tuple[tuple[str, Need], ...] = ()


@attrs.frozen
class Case:
    id: str
    need: Need
    copies: int
    fits: bool
    instance_type: str = G5_12X
    instances: int = 1
    managed_max: int | None = None
    existing: tuple[Existing, ...] = ()
    per_type: tuple[tuple[str, Need], ...] = ()
    two_variants: bool = False


CASES = [
    Case("empty", GPU, 4, True),
    Case("empty-one-too-many", GPU, 5, False),
    Case("copy-larger-than-instance", Need(gpus=5), 1, False),
    Case("cpu-bound-fits", Need(cpus=4), 4, True, instance_type=M5_4X),
    Case("cpu-bound-over", Need(cpus=4), 5, False, instance_type=M5_4X),
    Case("memory-bound-fits", Need(memory=20_000), 3, True, instance_type=M5_4X),
    Case("memory-bound-over", Need(memory=20_000), 4, False, instance_type=M5_4X),
    Case("fractional-cpu-fits", Need(cpus=0.25, memory=512), 8, True, instance_type=M5_L),
    Case("fractional-cpu-over", Need(cpus=0.25, memory=512), 9, False, instance_type=M5_L),
    Case("beside-in-service", GPU, 2, True, existing=(Existing("old", GPU, 2),)),
    Case("beside-in-service-over", GPU, 3, False, existing=(Existing("old", GPU, 2),)),
    Case(
        "fragmented-no-room-for-a-big-copy",
        Need(gpus=2),
        1,
        False,
        instances=2,
        existing=(Existing("old", Need(gpus=3), 2),),
    ),
    Case(
        "fragmented-room-for-small-copies",
        GPU,
        2,
        True,
        instances=2,
        existing=(Existing("old", Need(gpus=3), 2),),
    ),
    Case("managed-scaling-to-max", GPU, 8, True, managed_max=2),
    Case("managed-scaling-over-max", GPU, 9, False, managed_max=2),
    Case(
        "managed-scaling-beside",
        GPU,
        4,
        True,
        managed_max=2,
        existing=(Existing("old", GPU, 4),),
    ),
    Case(
        "managed-scaling-beside-over",
        GPU,
        5,
        False,
        managed_max=2,
        existing=(Existing("old", GPU, 4),),
    ),
    Case("creating-holds", GPU, 2, False, existing=(Existing("old", GPU, 3, "Creating"),)),
    Case("creating-leaves-room", GPU, 1, True, existing=(Existing("old", GPU, 3, "Creating"),)),
    Case("deleting-still-holds", GPU, 2, False, existing=(Existing("old", GPU, 3, "Deleting"),)),
    Case("failed-holds-nothing", GPU, 4, True, existing=(Existing("old", GPU, 4, "Failed"),)),
    Case(
        "scale-out-holds-desired", GPU, 2, False, existing=(Existing("old", GPU, 1, "ScaleTo:3"),)
    ),
    Case("scale-out-leaves-room", GPU, 1, True, existing=(Existing("old", GPU, 1, "ScaleTo:3"),)),
    Case("scale-in-holds-current", GPU, 2, False, existing=(Existing("old", GPU, 3, "ScaleTo:1"),)),
    Case(
        "rolling-step-both-fleets", GPU, 2, False, existing=(Existing("old", GPU, 2, "Rolling:1"),)
    ),
    Case(
        "rolling-step-leaves-room", GPU, 1, True, existing=(Existing("old", GPU, 2, "Rolling:1"),)
    ),
    # A deployment from 2 to 4 copies holds its 4 wanted copies, as a scale-out does
    # (at its first step 3 run: 2 old beside the first new one).
    Case(
        "rolling-to-more-copies-holds-them",
        GPU,
        1,
        False,
        existing=(Existing("old", GPU, 2, "Rolling:1:4"),),
    ),
    Case(
        "rolling-to-more-copies-leaves-room",
        GPU,
        1,
        True,
        instances=2,
        existing=(Existing("old", GPU, 2, "Rolling:1:4"), Existing("other", GPU, 3)),
    ),
    Case("blue-green-both-fleets", GPU, 1, False, existing=(Existing("old", GPU, 2, "BlueGreen"),)),
    Case("adapters-hold-nothing", GPU, 2, True, existing=(Existing("old", GPU, 2, "WithAdapter"),)),
    Case(
        "other-variant-does-not-count",
        GPU,
        4,
        True,
        two_variants=True,
        existing=(Existing("old", GPU, 4, variant=B),),
    ),
    Case(
        "multi-spec-request-fits",
        GPU,
        2,
        True,
        per_type=((G5_X, Need(gpus=1, memory=8192)), (G5_12X, Need(gpus=2))),
    ),
    Case(
        "multi-spec-request-over",
        GPU,
        3,
        False,
        per_type=((G5_X, Need(gpus=1, memory=8192)), (G5_12X, Need(gpus=2))),
    ),
    Case(
        "multi-spec-existing",
        GPU,
        3,
        False,
        existing=(Existing("old", GPU, 1, per_type=((G5_12X, Need(gpus=2)), (G5_X, GPU))),),
    ),
    Case(
        "cpu-and-gpu-exactly-full",
        Need(gpus=1, cpus=4),
        2,
        True,
        existing=(Existing("old", Need(cpus=40), 1),),
    ),
    Case(
        "cpu-and-gpu-over",
        Need(gpus=1, cpus=4),
        3,
        False,
        existing=(Existing("old", Need(cpus=40), 1),),
    ),
    Case("unknown-instance-type-not-refused", GPU, 100, True, instance_type="ml.g7e.2xlarge"),
]


def _spec(need: Need, per_type: tuple[tuple[str, Need], ...], image: str) -> dict[str, Any]:
    if per_type:
        return {
            "Specifications": [
                {
                    "InstanceType": instance_type,
                    "Container": {"Image": image},
                    "ComputeResourceRequirements": n.wire(),
                }
                for instance_type, n in per_type
            ]
        }
    return {
        "Specification": {"Container": {"Image": image}, "ComputeResourceRequirements": need.wire()}
    }


def _request(
    name: str, variant: str, need: Need, copies: int, per_type: tuple[tuple[str, Need], ...]
) -> dict[str, Any]:
    return {
        "InferenceComponentName": name,
        "EndpointName": "ep",
        "VariantName": variant,
        **_spec(need, per_type, IMAGE),
        "RuntimeConfig": {"CopyCount": copies},
    }


async def _endpoint(raw: Any, clock: FakeClock, case: Case) -> None:
    variant: dict[str, Any] = {
        "VariantName": A,
        "InstanceType": case.instance_type,
        "InitialInstanceCount": case.instances,
    }
    if case.managed_max is not None:
        variant["ManagedInstanceScaling"] = {
            "Status": "ENABLED",
            "MinInstanceCount": 1,
            "MaxInstanceCount": case.managed_max,
        }
    variants = [variant]
    if case.two_variants:
        variants.append({**variant, "VariantName": B})
    await raw.create_endpoint_config(
        EndpointConfigName="c", ExecutionRoleArn=ROLE_ARN, ProductionVariants=variants
    )
    await raw.create_endpoint(EndpointName="ep", EndpointConfigName="c")
    clock.advance(SETTLE)


async def _arrange(sm: Any, raw: Any, clock: FakeClock, case: Case) -> None:
    await _endpoint(raw, clock, case)
    settled = [e for e in case.existing if e.state != "Creating"]
    for e in settled:
        if e.state == "Failed":
            sm.faults.fail_next_create(e.name, reason="CapacityError")
        await raw.create_inference_component(
            **_request(e.name, e.variant, e.need, e.copies, e.per_type)
        )
    clock.advance(SETTLE)
    for e in case.existing:
        kind, _, arg = e.state.partition(":")
        if kind == "Creating":
            await raw.create_inference_component(
                **_request(e.name, e.variant, e.need, e.copies, e.per_type)
            )
        elif kind == "Deleting":
            await raw.delete_inference_component(InferenceComponentName=e.name)
        elif kind == "ScaleTo":
            await raw.update_inference_component_runtime_config(
                InferenceComponentName=e.name, DesiredRuntimeConfig={"CopyCount": int(arg)}
            )
        elif kind in ("Rolling", "BlueGreen"):
            update: dict[str, Any] = {
                "InferenceComponentName": e.name,
                **_spec(e.need, e.per_type, f"{IMAGE}-v2"),
            }
            if kind == "Rolling":
                batch, _, copies = arg.partition(":")
                update["DeploymentConfig"] = {
                    "RollingUpdatePolicy": {
                        "MaximumBatchSize": {"Type": "COPY_COUNT", "Value": int(batch)},
                        "WaitIntervalInSeconds": 600,
                    }
                }
                if copies:
                    update["RuntimeConfig"] = {"CopyCount": int(copies)}
            await raw.update_inference_component(**update)
        elif kind == "WithAdapter":
            await raw.create_inference_component(
                InferenceComponentName=f"{e.name}-adapter",
                EndpointName="ep",
                Specification={
                    "BaseInferenceComponentName": e.name,
                    "Container": {"ArtifactUrl": "s3://adapters/a/"},
                },
            )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_preflight_and_emulator_agree(
    case: Case, sm: Any, raw: Any, client: InferenceComponentClient, clock: FakeClock
) -> None:
    await _arrange(sm, raw, clock, case)
    request = _request("new", A, case.need, case.copies, case.per_type)

    spec = converter.structure(request, models.CreateInferenceComponentInput)
    problems = await client.preflight(spec)
    assert {p.rule for p in problems} <= {
        "remote.capacity-exceeded",
        "remote.capacity-not-checked",
    }, problems
    preflight_fits = all(p.rule != "remote.capacity-exceeded" for p in problems)

    refusal = None
    try:
        await raw.create_inference_component(**request)
    except ClientError as error:
        refusal = error.response["Error"]["Code"]
    assert refusal in (None, "ResourceLimitExceeded")
    emulator_fits = refusal is None

    assert (preflight_fits, emulator_fits) == (case.fits, case.fits)


def test_the_table_covers_what_the_issue_asks() -> None:
    states = {e.state.partition(":")[0] for c in CASES for e in c.existing}
    assert {"Creating", "Deleting", "Failed", "ScaleTo", "Rolling", "BlueGreen"} <= states
    assert any(c.managed_max for c in CASES)
    assert any(c.per_type for c in CASES)
    assert any(e.per_type for c in CASES for e in c.existing)
    assert len(CASES) >= 25

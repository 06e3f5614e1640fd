"""The instance-type table (figures, names the service accepts, lookup) and copy placement."""

from __future__ import annotations

import pytest

from ic_sdk import models
from ic_sdk.capacity import Requirement, fitting_copies
from ic_sdk.instance_types import INSTANCE_TYPES, InstanceSpec, lookup


def test_every_type_is_one_the_service_accepts() -> None:
    accepted = {member.value for member in models.ProductionVariantInstanceType}
    assert set(INSTANCE_TYPES) <= accepted


@pytest.mark.parametrize(
    ("name", "vcpus", "memory_gib", "accelerators", "accelerator", "accelerator_gib"),
    [
        ("ml.m5.xlarge", 4, 16, 0, None, 0),
        ("ml.c5.9xlarge", 36, 72, 0, None, 0),
        ("ml.g5.xlarge", 4, 16, 1, "NVIDIA A10G", 24),
        ("ml.g5.12xlarge", 48, 192, 4, "NVIDIA A10G", 24),
        ("ml.g6e.48xlarge", 192, 1536, 8, "NVIDIA L40S", 48),
        ("ml.p4d.24xlarge", 96, 1152, 8, "NVIDIA A100", 40),
        ("ml.p5.48xlarge", 192, 2048, 8, "NVIDIA H100", 80),
        ("ml.inf2.48xlarge", 192, 768, 12, "AWS Inferentia2", 32),
    ],
)
def test_published_figures(
    name: str,
    vcpus: int,
    memory_gib: int,
    accelerators: int,
    accelerator: str | None,
    accelerator_gib: int,
) -> None:
    spec = lookup(name)
    assert spec == InstanceSpec(
        instance_type=name,
        vcpus=vcpus,
        memory_mib=memory_gib * 1024,
        accelerators=accelerators,
        accelerator_name=accelerator,
        accelerator_memory_mib=accelerator_gib * 1024,
    )
    assert spec.total_accelerator_memory_mib == accelerators * accelerator_gib * 1024


def test_unknown_types() -> None:
    assert lookup("ml.x99.huge") is None
    assert lookup("g5.xlarge") is None  # the EC2 name, not the ML one


def test_describe() -> None:
    g5 = lookup("ml.g5.2xlarge")
    m5 = lookup("ml.m5.large")
    assert g5 is not None
    assert m5 is not None
    assert g5.describe() == "8 vCPU, 32768 MiB memory, 1 x NVIDIA A10G (24576 MiB)"
    assert m5.describe() == "2 vCPU, 8192 MiB memory"


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        INSTANCE_TYPES["ml.new.large"] = InstanceSpec(  # type: ignore[index]
            instance_type="ml.new.large", vcpus=1, memory_mib=1
        )


# -- placing copies: first-fit decreasing over CPU, memory and accelerators ----------------

GPU_BOX = InstanceSpec(
    instance_type="ml.test.box", vcpus=8, memory_mib=32768, accelerators=4, accelerator_name="G"
)


def test_requirement_from_wire() -> None:
    assert Requirement.from_wire(None) is None
    assert Requirement.from_wire({}) is None
    assert Requirement.from_wire({"MinMemoryRequiredInMb": 1024}) == Requirement(0, 1024, 0)
    assert Requirement.from_wire(
        {
            "MinMemoryRequiredInMb": 1024,
            "MaxMemoryRequiredInMb": 4096,
            "NumberOfCpuCoresRequired": 0.5,
            "NumberOfAcceleratorDevicesRequired": 2,
        }
    ) == Requirement(0.5, 1024, 2)


def test_each_resource_limits() -> None:
    assert fitting_copies(GPU_BOX, 1, [], Requirement(0, 1024, 1), 10) == 4  # accelerators
    assert fitting_copies(GPU_BOX, 1, [], Requirement(3, 1024, 0), 10) == 2  # CPU cores
    assert fitting_copies(GPU_BOX, 1, [], Requirement(0, 10000, 0), 10) == 3  # memory
    assert fitting_copies(GPU_BOX, 3, [], Requirement(0, 10000, 0), 10) == 9  # per instance


def test_copies_never_span_instances() -> None:
    # Two 3-GPU copies leave one GPU on each instance: two free, but not together.
    placed = [(Requirement(0, 128, 3), 2)]
    assert fitting_copies(GPU_BOX, 2, placed, Requirement(0, 128, 2), 1) == 0
    assert fitting_copies(GPU_BOX, 2, placed, Requirement(0, 128, 1), 5) == 2


def test_first_fit_packs_before_spreading() -> None:
    placed = [(Requirement(0, 128, 2), 2)]  # both on the first instance
    assert fitting_copies(GPU_BOX, 2, placed, Requirement(0, 128, 4), 2) == 1


def test_fractions_add_up_exactly() -> None:
    assert fitting_copies(GPU_BOX, 1, [], Requirement(0.1, 128, 0), 100) == 80


def test_fits_on_and_describe() -> None:
    assert Requirement(8, 32768, 4).fits_on(GPU_BOX)
    assert not Requirement(8.5, 128, 0).fits_on(GPU_BOX)
    assert (
        Requirement(2, 512, 1).describe()
        == "1 accelerator device(s), 2 CPU core(s), 512 MiB memory"
    )
    assert Requirement(0, 512, 0).describe() == "512 MiB memory"

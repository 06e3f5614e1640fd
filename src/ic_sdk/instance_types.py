"""What fits on a SageMaker instance: vCPUs, memory and accelerators of common ML instance types.

Inference components reserve CPU cores, accelerator devices and memory on the instances
of an endpoint variant. This table says what one instance has; :mod:`ic_sdk.capacity`
places copies on it (for both the client's pre-flight and the emulator).

Figures are per instance, as published by AWS:

- SageMaker AI pricing, "Instance details" (vCPU, memory, accelerators per ML instance):
  https://aws.amazon.com/sagemaker/ai/pricing/
- EC2 instance type pages for each family (the ``ml.`` types run on the same hardware):
  https://aws.amazon.com/ec2/instance-types/ — general purpose (t2, m5, m5d, m6i, m7i),
  compute optimized (c5, c6i, c7i), memory optimized (r5, r6i), and accelerated computing:
  g4dn https://aws.amazon.com/ec2/instance-types/g4/,
  g5 https://aws.amazon.com/ec2/instance-types/g5/,
  g6 https://aws.amazon.com/ec2/instance-types/g6/,
  g6e https://aws.amazon.com/ec2/instance-types/g6e/,
  p3 https://aws.amazon.com/ec2/instance-types/p3/,
  p4d/p4de https://aws.amazon.com/ec2/instance-types/p4/,
  p5/p5e/p5en https://aws.amazon.com/ec2/instance-types/p5/,
  inf1 https://aws.amazon.com/ec2/instance-types/inf1/,
  inf2 https://aws.amazon.com/ec2/instance-types/inf2/,
  trn1 https://aws.amazon.com/ec2/instance-types/trn1/.

Memory is the instance's total; SageMaker keeps a little for its own agents, so a real
endpoint can place slightly less than this table allows. Accelerators count devices
(GPUs, Inferentia or Trainium chips), which is what ``NumberOfAcceleratorDevicesRequired``
asks for. Types missing from the table are unknown (``lookup`` returns ``None``): callers
skip capacity checks for them rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = ["INSTANCE_TYPES", "InstanceSpec", "lookup"]


@attrs.frozen(kw_only=True)
class InstanceSpec:
    """Resources of one instance of an ML instance type."""

    instance_type: str
    vcpus: int
    memory_mib: int
    accelerators: int = 0
    #: Accelerator model, e.g. ``"NVIDIA A10G"``; ``None`` for CPU-only types.
    accelerator_name: str | None = None
    #: Memory of one accelerator device, in MiB.
    accelerator_memory_mib: int = 0

    @property
    def total_accelerator_memory_mib(self) -> int:
        return self.accelerators * self.accelerator_memory_mib

    def describe(self) -> str:
        """``"4 vCPU, 16384 MiB memory, 1 x NVIDIA A10G (24576 MiB)"``."""
        text = f"{self.vcpus} vCPU, {self.memory_mib} MiB memory"
        if self.accelerators:
            text += (
                f", {self.accelerators} x {self.accelerator_name}"
                f" ({self.accelerator_memory_mib} MiB)"
            )
        return text


_GIB = 1024

# family -> accelerator (name, memory GiB per device); absent for CPU-only families.
_ACCELERATORS: dict[str, tuple[str, int]] = {
    "g4dn": ("NVIDIA T4", 16),
    "g5": ("NVIDIA A10G", 24),
    "g6": ("NVIDIA L4", 24),
    "g6e": ("NVIDIA L40S", 48),
    "p3": ("NVIDIA V100", 16),
    "p4d": ("NVIDIA A100", 40),
    "p4de": ("NVIDIA A100", 80),
    "p5": ("NVIDIA H100", 80),
    "p5e": ("NVIDIA H200", 141),
    "p5en": ("NVIDIA H200", 141),
    "inf1": ("AWS Inferentia", 8),
    "inf2": ("AWS Inferentia2", 32),
    "trn1": ("AWS Trainium", 32),
    "trn1n": ("AWS Trainium", 32),
}

# family -> {size: (vCPUs, memory GiB, accelerator devices)}
_FAMILIES: dict[str, dict[str, tuple[int, int, int]]] = {
    "t2": {"medium": (2, 4, 0), "large": (2, 8, 0), "xlarge": (4, 16, 0), "2xlarge": (8, 32, 0)},
    "m5": {
        "large": (2, 8, 0),
        "xlarge": (4, 16, 0),
        "2xlarge": (8, 32, 0),
        "4xlarge": (16, 64, 0),
        "12xlarge": (48, 192, 0),
        "24xlarge": (96, 384, 0),
    },
    "m6i": {
        "large": (2, 8, 0),
        "xlarge": (4, 16, 0),
        "2xlarge": (8, 32, 0),
        "4xlarge": (16, 64, 0),
        "8xlarge": (32, 128, 0),
        "12xlarge": (48, 192, 0),
        "16xlarge": (64, 256, 0),
        "24xlarge": (96, 384, 0),
        "32xlarge": (128, 512, 0),
    },
    "m7i": {
        "large": (2, 8, 0),
        "xlarge": (4, 16, 0),
        "2xlarge": (8, 32, 0),
        "4xlarge": (16, 64, 0),
        "8xlarge": (32, 128, 0),
        "12xlarge": (48, 192, 0),
        "16xlarge": (64, 256, 0),
        "24xlarge": (96, 384, 0),
        "48xlarge": (192, 768, 0),
    },
    "c5": {
        "large": (2, 4, 0),
        "xlarge": (4, 8, 0),
        "2xlarge": (8, 16, 0),
        "4xlarge": (16, 32, 0),
        "9xlarge": (36, 72, 0),
        "18xlarge": (72, 144, 0),
    },
    "c6i": {
        "large": (2, 4, 0),
        "xlarge": (4, 8, 0),
        "2xlarge": (8, 16, 0),
        "4xlarge": (16, 32, 0),
        "8xlarge": (32, 64, 0),
        "12xlarge": (48, 96, 0),
        "16xlarge": (64, 128, 0),
        "24xlarge": (96, 192, 0),
        "32xlarge": (128, 256, 0),
    },
    "c7i": {
        "large": (2, 4, 0),
        "xlarge": (4, 8, 0),
        "2xlarge": (8, 16, 0),
        "4xlarge": (16, 32, 0),
        "8xlarge": (32, 64, 0),
        "12xlarge": (48, 96, 0),
        "16xlarge": (64, 128, 0),
        "24xlarge": (96, 192, 0),
        "48xlarge": (192, 384, 0),
    },
    "r5": {
        "large": (2, 16, 0),
        "xlarge": (4, 32, 0),
        "2xlarge": (8, 64, 0),
        "4xlarge": (16, 128, 0),
        "12xlarge": (48, 384, 0),
        "24xlarge": (96, 768, 0),
    },
    "r6i": {
        "large": (2, 16, 0),
        "xlarge": (4, 32, 0),
        "2xlarge": (8, 64, 0),
        "4xlarge": (16, 128, 0),
        "8xlarge": (32, 256, 0),
        "12xlarge": (48, 384, 0),
        "16xlarge": (64, 512, 0),
        "24xlarge": (96, 768, 0),
        "32xlarge": (128, 1024, 0),
    },
    "g4dn": {
        "xlarge": (4, 16, 1),
        "2xlarge": (8, 32, 1),
        "4xlarge": (16, 64, 1),
        "8xlarge": (32, 128, 1),
        "12xlarge": (48, 192, 4),
        "16xlarge": (64, 256, 1),
    },
    "g5": {
        "xlarge": (4, 16, 1),
        "2xlarge": (8, 32, 1),
        "4xlarge": (16, 64, 1),
        "8xlarge": (32, 128, 1),
        "12xlarge": (48, 192, 4),
        "16xlarge": (64, 256, 1),
        "24xlarge": (96, 384, 4),
        "48xlarge": (192, 768, 8),
    },
    "g6": {
        "xlarge": (4, 16, 1),
        "2xlarge": (8, 32, 1),
        "4xlarge": (16, 64, 1),
        "8xlarge": (32, 128, 1),
        "12xlarge": (48, 192, 4),
        "16xlarge": (64, 256, 1),
        "24xlarge": (96, 384, 4),
        "48xlarge": (192, 768, 8),
    },
    "g6e": {
        "xlarge": (4, 32, 1),
        "2xlarge": (8, 64, 1),
        "4xlarge": (16, 128, 1),
        "8xlarge": (32, 256, 1),
        "12xlarge": (48, 384, 4),
        "16xlarge": (64, 512, 1),
        "24xlarge": (96, 768, 4),
        "48xlarge": (192, 1536, 8),
    },
    "p3": {"2xlarge": (8, 61, 1), "8xlarge": (32, 244, 4), "16xlarge": (64, 488, 8)},
    "p4d": {"24xlarge": (96, 1152, 8)},
    "p4de": {"24xlarge": (96, 1152, 8)},
    "p5": {"4xlarge": (16, 256, 1), "48xlarge": (192, 2048, 8)},
    "p5e": {"48xlarge": (192, 2048, 8)},
    "p5en": {"48xlarge": (192, 2048, 8)},
    "inf1": {
        "xlarge": (4, 8, 1),
        "2xlarge": (8, 16, 1),
        "6xlarge": (24, 48, 4),
        "24xlarge": (96, 192, 16),
    },
    "inf2": {
        "xlarge": (4, 16, 1),
        "8xlarge": (32, 128, 1),
        "24xlarge": (96, 384, 6),
        "48xlarge": (192, 768, 12),
    },
    "trn1": {"2xlarge": (8, 32, 1), "32xlarge": (128, 512, 16)},
    "trn1n": {"32xlarge": (128, 512, 16)},
}
# m5d has the same sizes as m5 (plus local NVMe, which components do not reserve).
_FAMILIES["m5d"] = dict(_FAMILIES["m5"])


def _build() -> Mapping[str, InstanceSpec]:
    table: dict[str, InstanceSpec] = {}
    for family, sizes in _FAMILIES.items():
        accelerator = _ACCELERATORS.get(family)
        for size, (vcpus, memory_gib, devices) in sizes.items():
            name = f"ml.{family}.{size}"
            table[name] = InstanceSpec(
                instance_type=name,
                vcpus=vcpus,
                memory_mib=memory_gib * _GIB,
                accelerators=devices,
                accelerator_name=accelerator[0] if accelerator and devices else None,
                accelerator_memory_mib=accelerator[1] * _GIB if accelerator and devices else 0,
            )
    return MappingProxyType(dict(sorted(table.items())))


#: Every known instance type, by name (``"ml.g5.xlarge"``).
INSTANCE_TYPES: Mapping[str, InstanceSpec] = _build()


def lookup(instance_type: str) -> InstanceSpec | None:
    """The resources of ``instance_type`` (e.g. ``"ml.g5.12xlarge"``), or ``None`` if unknown."""
    return INSTANCE_TYPES.get(instance_type)

"""Capacity math: what a copy of an inference component reserves, and how many fit.

One home for it: the client's pre-flight (:mod:`ic_sdk.preflight`) and the emulator
(:mod:`ic_sdk.testing`) both ask this module, so they always agree. Everything here is a
pure function of plain values; nothing performs I/O.

Each copy reserves CPU cores, accelerator devices and memory on one instance; a copy
never spans instances. Placement is first-fit decreasing (largest copies first, each on
the first instance with room), a good stand-in for the service's scheduler when all that
is asked is "does it fit". Instance figures come from :mod:`ic_sdk.instance_types`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ic_sdk.instance_types import InstanceSpec

__all__ = [
    "Requirement",
    "fitting_copies",
    "instance_count",
    "requirement_for",
    "reserved_copies",
]

_EPSILON = 1e-9


@attrs.frozen
class Requirement:
    """What one copy reserves."""

    cpus: float = 0.0
    memory_mib: float = 0.0
    accelerators: float = 0.0

    @classmethod
    def from_wire(cls, compute: Mapping[str, Any] | None) -> Requirement | None:
        """From a ``ComputeResourceRequirements`` dict (``None`` when absent)."""
        if not compute:
            return None
        return cls(
            cpus=float(compute.get("NumberOfCpuCoresRequired") or 0.0),
            memory_mib=float(compute.get("MinMemoryRequiredInMb") or 0.0),
            accelerators=float(compute.get("NumberOfAcceleratorDevicesRequired") or 0.0),
        )

    def describe(self) -> str:
        parts = []
        if self.accelerators:
            parts.append(f"{self.accelerators:g} accelerator device(s)")
        if self.cpus:
            parts.append(f"{self.cpus:g} CPU core(s)")
        parts.append(f"{self.memory_mib:g} MiB memory")
        return ", ".join(parts)

    def fits_on(self, instance: InstanceSpec) -> bool:
        """Whether one copy fits on an empty instance."""
        return _fits(
            (float(instance.vcpus), float(instance.memory_mib), float(instance.accelerators)), self
        )

    def _key(self) -> tuple[float, float, float]:
        return (self.accelerators, self.cpus, self.memory_mib)


def requirement_for(
    specs: Sequence[Mapping[str, Any]], instance_type: str | None
) -> Requirement | None:
    """What one copy reserves on ``instance_type``, from wire ``Specification`` dicts.

    A single specification applies to every instance type; of several
    (``Specifications``) the one naming ``instance_type``, else the first.
    """
    if not specs:
        return None
    entry = next((e for e in specs if e.get("InstanceType") == instance_type), specs[0])
    return Requirement.from_wire(entry.get("ComputeResourceRequirements"))


def instance_count(variant: Mapping[str, Any]) -> int:
    """Instances a wire production variant may use: its initial count, or its
    managed-scaling maximum."""
    count = int(variant.get("InitialInstanceCount") or 1)
    scaling = variant.get("ManagedInstanceScaling") or {}
    if scaling.get("Status") == "ENABLED" and scaling.get("MaxInstanceCount"):
        count = max(count, int(scaling["MaxInstanceCount"]))
    return count


def reserved_copies(status: str, desired: int, current: int) -> int:
    """Copies holding capacity: none when Failed, running ones while Deleting, else the
    larger of desired and current (a scale-in frees capacity only once done)."""
    if status == "Failed":
        return 0
    if status == "Deleting":
        return current
    return max(desired, current)


def _fits(free: tuple[float, float, float], req: Requirement) -> bool:
    cpus, memory, accelerators = free
    return (
        req.cpus <= cpus + _EPSILON
        and req.memory_mib <= memory + _EPSILON
        and req.accelerators <= accelerators + _EPSILON
    )


def _take(free: tuple[float, float, float], req: Requirement) -> tuple[float, float, float]:
    return (free[0] - req.cpus, free[1] - req.memory_mib, free[2] - req.accelerators)


def fitting_copies(
    instance: InstanceSpec,
    instance_count: int,
    placed: Sequence[tuple[Requirement, int]],
    requirement: Requirement,
    copies: int,
) -> int:
    """How many of ``copies`` new copies fit beside the ``placed`` (requirement, copies)."""
    free = [
        (float(instance.vcpus), float(instance.memory_mib), float(instance.accelerators))
    ] * instance_count
    existing = sorted(
        (req for req, count in placed for _ in range(count)), key=Requirement._key, reverse=True
    )
    for req in existing:
        for i, slot in enumerate(free):
            if _fits(slot, req):
                free[i] = _take(slot, req)
                break
    fitted = 0
    for _ in range(copies):
        for i, slot in enumerate(free):
            if _fits(slot, requirement):
                free[i] = _take(slot, requirement)
                fitted += 1
                break
        else:
            break
    return fitted

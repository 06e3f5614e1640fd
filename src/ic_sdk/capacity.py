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
    "Deployment",
    "Fleet",
    "Placement",
    "Requirement",
    "fitting_copies",
    "held_fleets",
    "instance_count",
    "place",
    "requirement_for",
    "reserved_copies",
    "rolling_peaks",
    "unplaced",
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
    """What one copy reserves on ``instance_type``, from wire specification dicts.

    The entry naming ``instance_type`` applies; a lone entry naming no instance type
    (a plain ``Specification``) applies to every type. ``None`` when no entry applies
    or it gives no ``ComputeResourceRequirements`` (an adapter): nothing is reserved.
    """
    entry = next((e for e in specs if e.get("InstanceType") == instance_type), None)
    if entry is None and len(specs) == 1 and not specs[0].get("InstanceType"):
        entry = specs[0]
    return Requirement.from_wire(entry.get("ComputeResourceRequirements")) if entry else None


def instance_count(variant: Mapping[str, Any], current: int | None = None) -> int:
    """Instances copies may be placed on, for a wire ``ProductionVariant``.

    With ``ManagedInstanceScaling`` enabled the endpoint adds instances for new copies up
    to ``MaxInstanceCount``, so that is the bound (never below what runs now). Without
    it, the instances running now (``current``, from DescribeEndpoint) or, before that
    is known, ``InitialInstanceCount``.
    """
    count = current if current is not None else int(variant.get("InitialInstanceCount") or 1)
    scaling = variant.get("ManagedInstanceScaling") or {}
    if scaling.get("Status") == "ENABLED" and scaling.get("MaxInstanceCount") is not None:
        count = max(count, int(scaling["MaxInstanceCount"]))
    return count


def reserved_copies(status: str, desired: int, current: int) -> int:
    """Copies holding capacity: none when Failed, running ones while Deleting, else the
    larger of desired and current (a scale-in frees capacity only once done; copies of a
    rolling update's new fleet count in ``current``)."""
    if status == "Failed":
        return 0
    if status == "Deleting":
        return current
    return max(desired, current)


@attrs.frozen
class Fleet:
    """``copies`` copies, each reserving ``requirement``."""

    requirement: Requirement
    copies: int


@attrs.frozen
class Deployment:
    """A new specification being deployed over a component's copies (a rolling or
    blue/green update): its entries, and how many copies of the old one still run."""

    entries: Sequence[Mapping[str, Any]]
    old_copies: int


def held_fleets(
    entries: Sequence[Mapping[str, Any]],
    instance_type: str | None,
    status: str,
    desired: int,
    current: int,
    deployment: Deployment | None = None,
) -> list[Fleet]:
    """What one component holds on a variant of ``instance_type``, from what Describe
    shows of it: its specification ``entries`` (:func:`requirement_for`; adapters, with
    no compute requirements, hold nothing), its status and its desired and current copy
    counts (:func:`reserved_copies`).

    During a ``deployment`` (whose new specification Describe does not show) the same
    copies are split between two fleets: the old copies still running, and the rest —
    the new copies, running or wanted — of the new specification. With an unchanged
    requirement both views hold the same; pre-flight, which sees only Describe, passes
    no ``deployment``.
    """
    old = requirement_for(entries, instance_type)
    copies = reserved_copies(status, desired, current)
    if deployment is None:
        return [Fleet(old, copies)] if old is not None and copies else []
    new = requirement_for(deployment.entries, instance_type)
    old_copies = min(deployment.old_copies, copies)
    held = []
    if old is not None and old_copies:
        held.append(Fleet(old, old_copies))
    if new is not None and copies > old_copies:
        held.append(Fleet(new, copies - old_copies))
    return held


@attrs.frozen
class Placement:
    """The answer of :func:`place`."""

    #: How many of the requested copies fit.
    fitted: int
    #: Whether one copy fits on an empty instance at all.
    fits_one: bool
    #: Copies of the other fleets already placed.
    beside: int


def rolling_peaks(old: int, new: int, batch: int) -> list[tuple[int, int]]:
    """The steps of a deployment from ``old`` copies to ``new`` copies, ``batch`` at a
    time, where the two fleets hold the most: ``(old copies, new copies)`` running at its
    first step (every old copy beside the first batch) and at its last (the old copies
    left beside every new one). Each step adds a batch of new copies, then retires a batch
    of old ones; the last retires every old copy left."""
    batch = max(1, min(batch, new))
    steps = -(-new // batch)
    return [(old, batch), (max(old - (steps - 1) * batch, 0), new)]


def _fits(free: tuple[float, float, float], req: Requirement) -> bool:
    cpus, memory, accelerators = free
    return (
        req.cpus <= cpus + _EPSILON
        and req.memory_mib <= memory + _EPSILON
        and req.accelerators <= accelerators + _EPSILON
    )


def _per_instance(free: tuple[float, float, float], req: Requirement, cap: int) -> int:
    """How many copies of ``req`` fit in ``free`` (at most ``cap``)."""
    most = cap
    for have, need in zip(free, (req.cpus, req.memory_mib, req.accelerators), strict=True):
        if need > 0:
            most = min(most, int((have + _EPSILON) // need))
    return max(most, 0)


def _take(free: tuple[float, float, float], req: Requirement, n: int) -> tuple[float, float, float]:
    return (free[0] - n * req.cpus, free[1] - n * req.memory_mib, free[2] - n * req.accelerators)


_Run = tuple[tuple[float, float, float], int]


class _Instances:
    """Identical instances kept as runs ``(free resources, how many instances)``.

    First fit, each copy on the first instance with room, places a fleet whole: it walks
    the runs in instance order, filling each with as many copies as fit, and splits at
    most one run where it stops. Two things keep the walks short:

    - a run that cannot hold even the smallest copy still to come (per resource, the
      least any later fleet needs) is dead for good, and is dropped when a walk reaches
      it, so each run is dropped at most once;
    - the runs are a stack with the first instance on top: a walk pops what it visits
      and pushes back what stays, so its cost is what it visits, never the whole list.
    """

    def __init__(self, instance: InstanceSpec, count: int) -> None:
        empty = (float(instance.vcpus), float(instance.memory_mib), float(instance.accelerators))
        #: The runs, last instance first (the top of the stack is the first instance).
        self._stack: list[_Run] = [(empty, count)] if count else []

    def place(self, req: Requirement, copies: int, smallest: Requirement) -> int:
        """Place ``copies`` of ``req`` first fit; how many were placed. ``smallest``: per
        resource, the least that this or any later fleet needs (what keeps a run alive)."""
        stack = self._stack
        kept: list[_Run] = []  # visited runs that stay, in instance order
        left = copies
        while left and stack:
            free, n = stack.pop()
            if not _fits(free, smallest):
                continue  # dead: no copy still to come fits here
            each = _per_instance(free, req, left)
            if each == 0:
                kept.append((free, n))
                continue
            full, rest = divmod(left, each)
            if full >= n:  # every instance of the run takes `each` copies
                kept.append((_take(free, req, each), n))
                left -= each * n
                continue
            # `full` instances take `each`, one takes `rest`, the remainder is untouched.
            used = full + (1 if rest else 0)
            if n > used:
                stack.append((free, n - used))
            if full:
                kept.append((_take(free, req, each), full))
            if rest:
                kept.append((_take(free, req, rest), 1))
            left = 0
        stack.extend(reversed(kept))
        return copies - left


def _least(a: Requirement, b: Requirement) -> Requirement:
    return Requirement(
        cpus=min(a.cpus, b.cpus),
        memory_mib=min(a.memory_mib, b.memory_mib),
        accelerators=min(a.accelerators, b.accelerators),
    )


def place(
    instance: InstanceSpec,
    instance_count: int,
    placed: Sequence[Fleet],
    requirement: Requirement,
    copies: int,
) -> Placement:
    """How many of ``copies`` new copies of ``requirement`` fit beside the ``placed``
    fleets on ``instance_count`` instances of ``instance``.

    First-fit decreasing: the placed fleets largest first, then the new copies. Fleets
    are placed whole (fleets with the same requirement as one), so the cost never grows
    with the number of copies: sorting the fleets, then walks over runs of identical
    instances whose total is the fleets plus the runs, except for runs that a larger
    fleet passes over while they still have room for a smaller one.
    """
    order: list[Fleet] = []
    for fleet in _decreasing(placed):
        if order and order[-1].requirement == fleet.requirement:
            order[-1] = Fleet(fleet.requirement, order[-1].copies + fleet.copies)
        else:
            order.append(fleet)
    if copies > 0:
        order.append(Fleet(requirement, copies))
    fitted = _first_fit(instance, instance_count, order)
    return Placement(
        fitted=fitted[-1] if copies > 0 else 0,
        fits_one=requirement.fits_on(instance),
        beside=sum(f.copies for f in placed),
    )


def fitting_copies(
    instance: InstanceSpec,
    instance_count: int,
    placed: Sequence[tuple[Requirement, int]],
    requirement: Requirement,
    copies: int,
) -> int:
    """How many of ``copies`` new copies fit beside the ``placed`` (requirement, copies)."""
    fleets = [Fleet(req, count) for req, count in placed]
    return place(instance, instance_count, fleets, requirement, copies).fitted


def unplaced(instance: InstanceSpec, instance_count: int, fleets: Sequence[Fleet]) -> int:
    """How many copies of ``fleets`` find no room on ``instance_count`` instances of
    ``instance`` (0: they all fit), placed first-fit decreasing as :func:`place` does.

    What an endpoint update must keep true: the new variant still holds every copy the
    components on it hold now (LocalSageMaker's UpdateEndpoint and the client's check
    before it).
    """
    order = _decreasing(fleets)
    fitted = _first_fit(instance, instance_count, order)
    return sum(fleet.copies - placed for fleet, placed in zip(order, fitted, strict=True))


def _decreasing(fleets: Sequence[Fleet]) -> list[Fleet]:
    """The fleets that hold copies, largest requirement first (first-fit decreasing)."""
    return sorted(
        (f for f in fleets if f.copies > 0), key=lambda f: f.requirement._key(), reverse=True
    )


def _first_fit(instance: InstanceSpec, instance_count: int, order: Sequence[Fleet]) -> list[int]:
    """Place the fleets in ``order`` first fit on ``instance_count`` instances of
    ``instance``; how many copies of each found room."""
    # smallest[k]: per resource, the least fleet k or any after it needs.
    smallest: list[Requirement] = []
    for fleet in reversed(order):
        smallest.append(_least(smallest[-1], fleet.requirement) if smallest else fleet.requirement)
    smallest.reverse()
    instances = _Instances(instance, instance_count)
    return [
        instances.place(fleet.requirement, fleet.copies, least)
        for fleet, least in zip(order, smallest, strict=True)
    ]

"""ic_sdk.capacity: the one capacity model pre-flight and the emulator share."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ic_sdk import capacity
from ic_sdk.capacity import (
    Deployment,
    Fleet,
    Requirement,
    held_fleets,
    instance_count,
    place,
    requirement_for,
    reserved_copies,
    rolling_peaks,
)
from ic_sdk.instance_types import InstanceSpec, lookup

BOX = InstanceSpec(instance_type="ml.test.box", vcpus=8, memory_mib=32768, accelerators=4)


def _reference(
    instance: InstanceSpec, count: int, placed: list[Fleet], need: Requirement, copies: int
) -> int:
    """First-fit decreasing copy by copy: the obvious (slow) algorithm."""
    free = [[float(instance.vcpus), float(instance.memory_mib), float(instance.accelerators)]]
    free = [list(free[0]) for _ in range(count)]
    items = sorted(
        (f.requirement for f in placed for _ in range(f.copies)),
        key=lambda r: (r.accelerators, r.cpus, r.memory_mib),
        reverse=True,
    )

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

    for req in items:
        put(req)
    return sum(1 for _ in range(copies) if put(need))


def test_place_matches_copy_by_copy_first_fit_decreasing() -> None:
    rng = random.Random(7)
    sizes = [
        Requirement(0, 1024, 1),
        Requirement(2, 4096, 0),
        Requirement(0.5, 8192, 2),
        Requirement(1, 2048, 1),
        Requirement(3, 20000, 0),
        Requirement(0.25, 512, 0),
    ]
    for _ in range(300):
        count = rng.randint(0, 6)
        placed = [Fleet(rng.choice(sizes), rng.randint(0, 9)) for _ in range(rng.randint(0, 4))]
        need = rng.choice(sizes)
        copies = rng.randint(0, 30)
        expected = _reference(BOX, count, placed, need, copies)
        assert place(BOX, count, placed, need, copies).fitted == expected, (count, placed, need)


def test_place_cost_does_not_grow_with_copies_or_instances() -> None:
    # 190,000 copies on 50,000 instances: placed as a handful of runs, not one by one.
    g5 = lookup("ml.g5.12xlarge")
    assert g5 is not None
    placed = [Fleet(Requirement(1, 1024, 1), 100_000)]
    result = place(g5, 50_000, placed, Requirement(0, 1024, 1), 190_000)
    assert result.fitted == 100_000
    assert result.beside == 100_000
    assert result.fits_one


def test_place_matches_first_fit_decreasing_on_many_mixed_fleets() -> None:
    rng = random.Random(11)
    for _ in range(300):
        sizes = [
            Requirement(
                rng.choice([0, 0.25, 1, 2, 5]),
                rng.choice([128, 1024, 8192, 20000, 33000]),
                rng.choice([0, 0, 1, 3]),
            )
            for _ in range(rng.randint(1, 5))
        ]
        count = rng.randint(0, 12)
        placed = [Fleet(rng.choice(sizes), rng.randint(0, 15)) for _ in range(rng.randint(0, 10))]
        need = rng.choice(sizes)
        copies = rng.randint(0, 40)
        expected = _reference(BOX, count, placed, need, copies)
        assert place(BOX, count, placed, need, copies).fitted == expected, (count, placed, need)


def test_place_work_grows_with_fleets_plus_instances(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2,000 one-copy components, all different, on 1,000 instances of 4 GPUs: every
    # instance that is full is dropped once, not walked again by every later fleet.
    g5 = lookup("ml.g5.12xlarge")
    assert g5 is not None
    visits = 0
    counted = capacity._per_instance

    def per_instance(*args: Any) -> int:
        nonlocal visits
        visits += 1
        return counted(*args)

    monkeypatch.setattr(capacity, "_per_instance", per_instance)
    fleets, instances = 2000, 1000
    placed = [Fleet(Requirement(1, 1024 + k, 1), 1) for k in range(fleets)]
    result = place(g5, instances, placed, Requirement(1, 1024, 1), 4 * instances)
    assert result.fitted == 4 * instances - fleets
    assert visits <= 2 * (fleets + instances)


def test_place_reports_a_copy_larger_than_an_instance() -> None:
    result = place(BOX, 3, [], Requirement(0, 1024, 5), 1)
    assert (result.fitted, result.fits_one) == (0, False)


@pytest.mark.parametrize(
    ("variant", "current", "expected"),
    [
        ({"InitialInstanceCount": 2}, None, 2),
        ({"InitialInstanceCount": 2}, 3, 3),
        ({}, None, 1),
        (
            {
                "InitialInstanceCount": 1,
                "ManagedInstanceScaling": {"Status": "ENABLED", "MaxInstanceCount": 4},
            },
            1,
            4,
        ),
        (
            {
                "InitialInstanceCount": 1,
                "ManagedInstanceScaling": {"Status": "DISABLED", "MaxInstanceCount": 4},
            },
            1,
            1,
        ),
        (
            {
                "InitialInstanceCount": 5,
                "ManagedInstanceScaling": {"Status": "ENABLED", "MaxInstanceCount": 2},
            },
            None,
            5,
        ),
        (
            {
                "InitialInstanceCount": 1,
                "ManagedInstanceScaling": {
                    "Status": "ENABLED",
                    "MinInstanceCount": 0,
                    "MaxInstanceCount": 3,
                },
            },
            0,
            3,
        ),
    ],
)
def test_instance_count(variant: dict[str, object], current: int | None, expected: int) -> None:
    assert instance_count(variant, current) == expected


def test_requirement_for_picks_the_entry_of_the_instance_type() -> None:
    one = {"ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024}}
    assert requirement_for([one], "ml.g5.xlarge") == Requirement(0, 1024, 0)
    several = [
        {
            "InstanceType": "ml.g5.xlarge",
            "ComputeResourceRequirements": {
                "MinMemoryRequiredInMb": 2048,
                "NumberOfAcceleratorDevicesRequired": 1,
            },
        },
        {
            "InstanceType": "ml.g5.12xlarge",
            "ComputeResourceRequirements": {
                "MinMemoryRequiredInMb": 4096,
                "NumberOfAcceleratorDevicesRequired": 2,
            },
        },
    ]
    assert requirement_for(several, "ml.g5.12xlarge") == Requirement(0, 4096, 2)
    assert requirement_for(several, "ml.p4d.24xlarge") is None
    assert requirement_for([], "ml.g5.xlarge") is None
    adapter = {"BaseInferenceComponentName": "base", "Container": {"ArtifactUrl": "s3://a/"}}
    assert requirement_for([adapter], "ml.g5.xlarge") is None


@pytest.mark.parametrize(
    ("status", "desired", "current", "expected"),
    [
        ("InService", 3, 3, 3),
        ("Creating", 3, 0, 3),
        ("Updating", 5, 2, 5),
        ("Updating", 1, 3, 3),
        ("Deleting", 3, 2, 2),
        ("Failed", 3, 0, 0),
    ],
)
def test_reserved_copies(status: str, desired: int, current: int, expected: int) -> None:
    assert reserved_copies(status, desired, current) == expected


@pytest.mark.parametrize(
    ("old", "new", "batch", "peaks"),
    [
        (4, 4, 1, [(4, 1), (1, 4)]),  # 4 steps; the last retires the last old copy
        (4, 4, 4, [(4, 4), (4, 4)]),  # blue/green: one step, both fleets whole
        (3, 6, 2, [(3, 2), (0, 6)]),  # growing: old copies gone before the last step
        (6, 2, 1, [(6, 1), (5, 2)]),  # shrinking: the last step retires the rest
        (2, 2, 5, [(2, 2), (2, 2)]),  # a batch larger than the copies is all of them
    ],
)
def test_rolling_peaks(old: int, new: int, batch: int, peaks: list[tuple[int, int]]) -> None:
    assert rolling_peaks(old, new, batch) == peaks


_GPU = {
    "Container": {"Image": "i"},
    "ComputeResourceRequirements": {
        "MinMemoryRequiredInMb": 1024,
        "NumberOfAcceleratorDevicesRequired": 1,
    },
}
_TWO_GPUS = {
    "Container": {"Image": "i2"},
    "ComputeResourceRequirements": {
        "MinMemoryRequiredInMb": 1024,
        "NumberOfAcceleratorDevicesRequired": 2,
    },
}
_ADAPTER = {"BaseInferenceComponentName": "base", "Container": {"ArtifactUrl": "s3://a/b"}}


def test_held_fleets_counts_the_copies_describe_shows() -> None:
    one = Requirement(0, 1024, 1)
    assert held_fleets([_GPU], "ml.g5.12xlarge", "InService", 3, 3) == [Fleet(one, 3)]
    assert held_fleets([_GPU], None, "Updating", 1, 3) == [Fleet(one, 3)]  # scaling in
    assert held_fleets([_GPU], None, "Failed", 3, 0) == []
    assert held_fleets([_ADAPTER], None, "InService", 0, 0) == []


def test_held_fleets_splits_a_deployment_into_its_two_fleets() -> None:
    one, two = Requirement(0, 1024, 1), Requirement(0, 1024, 2)
    # 2 old copies beside the first new one, on the way to 4 new copies.
    deployment = Deployment(entries=[_TWO_GPUS], old_copies=2)
    assert held_fleets([_GPU], None, "Updating", 4, 3, deployment) == [
        Fleet(one, 2),
        Fleet(two, 2),
    ]
    # With unchanged requirements, what Describe alone shows holds the same.
    same = Deployment(entries=[_GPU], old_copies=2)
    split = held_fleets([_GPU], None, "Updating", 4, 3, same)
    assert sum(f.copies for f in split) == 4
    assert held_fleets([_GPU], None, "Updating", 4, 3) == [Fleet(one, 4)]
    # A blue/green step: every old copy beside every new one.
    assert held_fleets([_GPU], None, "Updating", 2, 4, deployment) == [
        Fleet(one, 2),
        Fleet(two, 2),
    ]

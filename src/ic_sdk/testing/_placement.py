"""Whether an inference component's copies fit on its variant, answered by
:mod:`ic_sdk.capacity` (the same model the client's pre-flight uses)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ic_sdk.capacity import (
    Deployment,
    Fleet,
    Requirement,
    held_fleets,
    instance_count,
    place,
    requirement_for,
    rolling_peaks,
)
from ic_sdk.instance_types import InstanceSpec, lookup
from ic_sdk.testing._resources import Component, ServiceFault, copies_text

if TYPE_CHECKING:
    from ic_sdk.testing._rollout import Rollout
    from ic_sdk.testing._state import EmulatorState

__all__ = ["ensure_fits", "ensure_rollout_fits", "fleets"]


def fleets(component: Component, instance_type: str | None) -> list[Fleet]:
    """What ``component`` reserves on its variant, from the copy counts Describe shows:
    one fleet, or two while deploying (which only the emulator can tell apart)."""
    if component.base is not None:
        return []
    rollout = component.rollout
    return held_fleets(
        component.entries,
        instance_type,
        str(component.status),
        component.wanted_copies,
        component.running_copies,
        None if rollout is None else Deployment(rollout.entries, rollout.old_copies),
    )


def _hardware(component: Component) -> tuple[str | None, InstanceSpec | None, int]:
    variant = component.endpoint.variant(component.variant) or {}
    instance_type = variant.get("InstanceType")
    instance = lookup(instance_type) if instance_type else None
    return instance_type, instance, instance_count(variant)


def _others(state: EmulatorState, component: Component, instance_type: str | None) -> list[Fleet]:
    out: list[Fleet] = []
    for other in state.components.values():
        if (
            other is not component
            and other.endpoint is component.endpoint
            and other.variant == component.variant
        ):
            out.extend(fleets(other, instance_type))
    return out


def _too_big(
    component: Component, requirement: Requirement, instance: InstanceSpec
) -> ServiceFault:
    return ServiceFault(
        "ResourceLimitExceeded",
        f"Inference component {component.name} cannot be placed: one copy requires "
        f"{requirement.describe()}, more than one {instance.instance_type} instance has "
        f"({instance.describe()}).",
    )


def ensure_fits(
    state: EmulatorState,
    component: Component,
    copies: int,
) -> None:
    """``ResourceLimitExceeded`` unless ``copies`` of ``component`` fit on its variant."""
    instance_type, instance, count = _hardware(component)
    requirement = requirement_for(component.entries, instance_type)
    if instance is None or requirement is None or copies <= 0:
        return  # unknown hardware: no basis for refusing
    placed = _others(state, component, instance_type)
    result = place(instance, count, placed, requirement, copies)
    if not result.fits_one:
        raise _too_big(component, requirement, instance)
    if result.fitted < copies:
        endpoint = component.endpoint
        raise ServiceFault(
            "ResourceLimitExceeded",
            f"Insufficient capacity for inference component {component.name} on variant "
            f"{component.variant} of endpoint {endpoint.name}: {copies_text(copies)} requested, "
            f"only {result.fitted} fit. Each copy requires {requirement.describe()}; the variant "
            f"has {count} x {instance_type} ({instance.describe()} each), shared with "
            f"{copies_text(result.beside)} of other inference components.",
        )


def ensure_rollout_fits(state: EmulatorState, component: Component, rollout: Rollout) -> None:
    """``ResourceLimitExceeded`` unless every step of ``rollout`` fits: checked at its
    first step (all old copies beside the first new batch) and its last (the old copies
    left beside every new one), where the two fleets peak."""
    instance_type, instance, count = _hardware(component)
    new = requirement_for(rollout.entries, instance_type)
    if instance is None or new is None or rollout.target <= 0:
        return
    old = requirement_for(component.entries, instance_type)
    others = _others(state, component, instance_type)
    for old_copies, new_copies in rolling_peaks(rollout.old_copies, rollout.target, rollout.batch):
        placed = others + ([Fleet(old, old_copies)] if old is not None and old_copies else [])
        result = place(instance, count, placed, new, new_copies)
        if not result.fits_one:
            raise _too_big(component, new, instance)
        if result.fitted < new_copies:
            raise ServiceFault(
                "ResourceLimitExceeded",
                f"Insufficient capacity to update inference component {component.name} on "
                f"variant {component.variant} of endpoint {component.endpoint.name}: a "
                f"deployment step runs {copies_text(new_copies)} of the new specification "
                f"beside {copies_text(old_copies)} of the old one, and only "
                f"{result.fitted} of the new fit. Each new copy requires {new.describe()}; the "
                f"variant has {count} x {instance_type} ({instance.describe()} each).",
            )

"""Whether an inference component's copies fit on its variant, answered by
:mod:`ic_sdk.capacity` (the same model the client's pre-flight uses)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ic_sdk.capacity import Requirement, fitting_copies, instance_count, requirement_for
from ic_sdk.instance_types import lookup
from ic_sdk.testing._resources import Component, ServiceFault, Wire, copies_text

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["component_requirement", "ensure_fits"]


def component_requirement(
    spec: Wire | None, specs: list[Wire] | None, instance_type: str | None
) -> Requirement | None:
    """What one copy of these entries reserves on ``instance_type``."""
    return requirement_for([spec] if spec is not None else specs or [], instance_type)


def ensure_fits(
    state: EmulatorState,
    component: Component,
    copies: int,
    *,
    requirement: Requirement | None,
) -> None:
    """``ResourceLimitExceeded`` unless ``copies`` of ``component`` fit on its variant."""
    endpoint = component.endpoint
    variant = endpoint.variant(component.variant) or {}
    instance_type = variant.get("InstanceType")
    instance = lookup(instance_type) if instance_type else None
    if instance is None or requirement is None or copies <= 0:
        return  # unknown hardware: no basis for refusing
    count = instance_count(variant)
    if not requirement.fits_on(instance):
        raise ServiceFault(
            "ResourceLimitExceeded",
            f"Inference component {component.name} cannot be placed: one copy requires "
            f"{requirement.describe()}, more than one {instance_type} instance has "
            f"({instance.describe()}).",
        )
    placed = []
    for other in state.components.values():
        if (
            other is component
            or other.base is not None
            or other.endpoint is not endpoint
            or other.variant != component.variant
        ):
            continue
        other_requirement = requirement_for(other.entries, instance_type)
        if other_requirement is not None and other.reserved_copies:
            placed.append((other_requirement, other.reserved_copies))
    fitted = fitting_copies(instance, count, placed, requirement, copies)
    if fitted < copies:
        raise ServiceFault(
            "ResourceLimitExceeded",
            f"Insufficient capacity for inference component {component.name} on variant "
            f"{component.variant} of endpoint {endpoint.name}: {copies_text(copies)} requested, "
            f"only {fitted} fit. Each copy requires {requirement.describe()}; the variant "
            f"has {count} x {instance_type} ({instance.describe()} each), shared with "
            f"{copies_text(sum(n for _, n in placed))} of other inference components.",
        )

"""Runtime routing: which endpoint, variant and component answer an invocation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ic_sdk.testing._resources import (
    IC_HEADER_REQUIRED_MESSAGE,
    NO_CAPACITY_MESSAGE,
    Status,
    runtime_invalid,
)

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["InvocationTarget", "invocation_target"]


@attrs.frozen(kw_only=True)
class InvocationTarget:
    """Who answers an invocation."""

    endpoint_name: str
    variant_name: str
    component_name: str | None
    base_component_name: str | None


def invocation_target(
    state: EmulatorState,
    endpoint_name: str,
    component_name: str | None,
    target_variant: str | None,
) -> InvocationTarget:
    """Who answers an invocation, or the runtime's ``ValidationError``."""
    state.settle()
    endpoint = state.endpoints.get(endpoint_name.lower())
    if endpoint is None or endpoint.status in (Status.CREATING, Status.DELETING):
        raise runtime_invalid(f"Endpoint {endpoint_name} of account {state.account_id} not found.")
    if endpoint.status is Status.FAILED:
        raise runtime_invalid(
            f"Endpoint {endpoint_name} of account {state.account_id} is not in service."
        )
    if not endpoint.config.hosts_components:
        if component_name:
            raise runtime_invalid(
                "Inference Component Name header is not allowed for endpoints to which you "
                "dont plan to deploy inference components. Please remove the Inference "
                "Component Name header and try again."
            )
        variants = [v["VariantName"] for v in endpoint.config.variants]
        variant = target_variant or variants[0]
        if variant not in variants:
            raise runtime_invalid(f"Variant {variant} not found for endpoint {endpoint_name}.")
        return InvocationTarget(
            endpoint_name=endpoint.name,
            variant_name=variant,
            component_name=None,
            base_component_name=None,
        )
    if not component_name:
        raise runtime_invalid(IC_HEADER_REQUIRED_MESSAGE)
    if target_variant and endpoint.variant(target_variant) is None:
        raise runtime_invalid(f"Variant {target_variant} not found for endpoint {endpoint_name}.")
    component = state.components.get(component_name.lower())
    if component is None or component.endpoint is not endpoint:
        raise runtime_invalid(
            f"Inference Component {component_name} not found for endpoint {endpoint_name}."
        )
    if target_variant and component.variant != target_variant:
        # TargetVariant picks the variant; the component must run on it.
        raise runtime_invalid(
            f"Inference Component {component_name} not found for variant {target_variant} "
            f"of endpoint {endpoint_name}."
        )
    runner = component.base or component
    if component.status in (Status.CREATING, Status.FAILED, Status.DELETING) or runner.current == 0:
        raise runtime_invalid(NO_CAPACITY_MESSAGE)
    return InvocationTarget(
        endpoint_name=endpoint.name,
        variant_name=component.variant,
        component_name=component.name,
        base_component_name=component.base.name if component.base else None,
    )

"""UpdateEndpoint (an endpoint moves to another endpoint config) and
UpdateEndpointWeightsAndCapacities (a variant's instance count or weight changes).

What the service documents (see "Endpoint updates" in ``docs/guides/service-behaviour.md``):
the endpoint is ``Updating`` (describes show the config in effect, and the one being
deployed under ``PendingDeploymentSummary``), then ``InService`` on the new config; a
failed update rolls back: ``InService`` on the previous config with a ``FailureReason``,
which the next update clears. Only an ``InService`` endpoint can be updated ("Cannot
update in-progress endpoint ..."); a ``Failed`` one can only be deleted. The previous
config stays (configs are never deleted by the service).

Undocumented, chosen here as the safe behaviour (code that passes here does not rely on
the service accepting something it may refuse): an update of an endpoint that hosts
inference components is refused at once unless the new config can host every one of
them where it runs now: components need a variant of the same name, a config that can
host components, an instance type their specification covers, and room for every copy
on the new variant's instances (``ResourceLimitExceeded``, UpdateEndpoint's modeled
error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ic_sdk.capacity import instance_count, unplaced
from ic_sdk.instance_types import lookup
from ic_sdk.testing._placement import fleets
from ic_sdk.testing._resources import (
    IC_NOT_SUPPORTED_MESSAGE,
    Component,
    Endpoint,
    EndpointConfig,
    ServiceFault,
    Status,
    Wire,
    copies_text,
    invalid,
)

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["OPERATIONS", "ensure_instance_types", "pending_summary"]


def ensure_instance_types(config: EndpointConfig) -> None:
    """A config for inference components names an ``InstanceType`` on every variant
    (CreateEndpoint and UpdateEndpoint refuse it otherwise)."""
    if config.hosts_components:
        missing = [v["VariantName"] for v in config.variants if not v.get("InstanceType")]
        if missing:
            raise _no_instance_type(missing)


def _no_instance_type(variants: list[str]) -> ServiceFault:
    return invalid(
        "An endpoint for inference components needs an InstanceType on every "
        f"production variant; missing on: {', '.join(variants)}."
    )


def _ensure_updatable(endpoint: Endpoint) -> None:
    if endpoint.status is Status.FAILED:
        # API reference (DescribeEndpointOutput.EndpointStatus): "DeleteEndpoint is the
        # only operation that can be performed on a failed endpoint". Wording ours.
        raise invalid(
            f'Cannot update endpoint "{endpoint.arn}": it is Failed; DeleteEndpoint is the '
            "only operation that can be performed on a failed endpoint."
        )
    if endpoint.status is not Status.IN_SERVICE:
        raise invalid(f'Cannot update in-progress endpoint "{endpoint.arn}".')


def _ensure_hosts(state: EmulatorState, endpoint: Endpoint, config: EndpointConfig) -> None:
    """Refuse ``config`` unless it can host every component ``endpoint`` runs now."""
    hosted = state.hosted(endpoint)
    if not hosted:
        return
    if not config.hosts_components:
        raise invalid(IC_NOT_SUPPORTED_MESSAGE)
    for variant_name, components in _by_variant(hosted):
        variant = config.variant(variant_name)
        if variant is None:
            names = ", ".join(c.name for c in components)
            raise invalid(
                f"Endpoint configuration {config.name} has no variant {variant_name}, where "
                f"inference components {names} of endpoint {endpoint.name} run."
            )
        _ensure_room(endpoint, config, variant, components)


def _by_variant(hosted: list[Component]) -> list[tuple[str, list[Component]]]:
    """``hosted`` grouped by the variant each runs on, by variant name."""
    groups: dict[str, list[Component]] = {}
    for component in hosted:
        groups.setdefault(component.variant, []).append(component)
    return sorted(groups.items())


def _ensure_room(
    endpoint: Endpoint, config: EndpointConfig, variant: Wire, components: list[Component]
) -> None:
    instance_type = variant.get("InstanceType")
    if not instance_type:
        raise _no_instance_type([str(variant.get("VariantName"))])
    for component in components:
        if component.specifications is not None and all(
            e.get("InstanceType") != instance_type for e in component.specifications
        ):
            raise invalid(
                f"Inference component {component.name} has no specification for "
                f"instance type {instance_type} of endpoint configuration {config.name}."
            )
    instance = lookup(instance_type)
    if instance is None:
        return  # unknown hardware: no basis for refusing
    count = instance_count(variant)
    needed = [f for c in components for f in fleets(c, instance_type)]
    if unplaced(instance, count, needed):
        total = sum(f.copies for f in needed)
        raise ServiceFault(
            "ResourceLimitExceeded",
            f"Endpoint configuration {config.name} cannot host the inference components "
            f"of endpoint {endpoint.name}: variant {variant.get('VariantName')} would have "
            f"{count} x {instance_type} ({instance.describe()} each), too little for the "
            f"{copies_text(total)} running there now. Scale the inference components in "
            "first, or keep more or larger instances.",
        )


def update_endpoint(state: EmulatorState, body: Wire) -> Wire:
    endpoint = state.endpoint(body["EndpointName"])
    config = state.config(body["EndpointConfigName"])
    _ensure_updatable(endpoint)
    ensure_instance_types(config)
    _ensure_hosts(state, endpoint, config)
    retain = bool(body.get("RetainAllVariantProperties"))

    def apply() -> None:
        endpoint.config = config
        if not retain:  # the new config's counts and weights apply (API reference)
            endpoint.capacities.clear()
            endpoint.weights.clear()

    _start_update(state, endpoint, apply=apply, undo=lambda: None)
    endpoint.pending = config
    endpoint.pending_since = endpoint.modified
    return {"EndpointArn": endpoint.arn}


def update_endpoint_weights_and_capacities(state: EmulatorState, body: Wire) -> Wire:
    endpoint = state.endpoint(body["EndpointName"])
    _ensure_updatable(endpoint)
    wanted: list[Wire] = body["DesiredWeightsAndCapacities"]
    known = [v["VariantName"] for v in endpoint.config.variants]
    unknown = [w["VariantName"] for w in wanted if w["VariantName"] not in known]
    if unknown:
        raise invalid(
            f"The variant name(s) {', '.join(unknown)} do not exist on endpoint "
            f"{endpoint.name} (variants: {', '.join(known)})."
        )
    capacities = dict(endpoint.capacities)
    weights = dict(endpoint.weights)
    for entry in wanted:
        if entry.get("DesiredInstanceCount") is not None:
            capacities[entry["VariantName"]] = int(entry["DesiredInstanceCount"])
        if entry.get("DesiredWeight") is not None:
            weights[entry["VariantName"]] = float(entry["DesiredWeight"])
    for name, components in _by_variant(state.hosted(endpoint)):
        variant = endpoint.config.variant(name) or {}
        if name in capacities:
            variant = {**variant, "InitialInstanceCount": capacities[name]}
        _ensure_room(endpoint, endpoint.config, variant, components)
    before = {
        v["VariantName"]: int(endpoint.effective(v).get("InitialInstanceCount") or 1)
        for v in endpoint.config.variants
    }
    previous = (dict(endpoint.capacities), dict(endpoint.weights))

    def undo() -> None:  # rolled back to the previous counts and weights
        endpoint.capacities, endpoint.weights = previous

    _start_update(state, endpoint, apply=lambda: None, undo=undo)
    endpoint.capacities, endpoint.weights, endpoint.settling = capacities, weights, before
    return {"EndpointArn": endpoint.arn}


def _start_update(
    state: EmulatorState,
    endpoint: Endpoint,
    *,
    apply: Callable[[], None],
    undo: Callable[[], None],
) -> None:
    """``endpoint`` is ``Updating`` until the update delay has passed, then ``InService``:
    ``apply`` has taken effect, or (an injected failure) ``undo`` rolled the update back
    and the failure is its ``FailureReason``."""
    failure = state.faults.take_update_failure(endpoint.name)
    endpoint.status = Status.UPDATING
    # The reason of an earlier failed update disappears once a new update is applied
    # (aws-controllers-k8s/sagemaker-controller#7).
    endpoint.failure_reason = None
    endpoint.modified = state.wall()

    def finish() -> None:
        endpoint.modified = state.wall()
        endpoint.status = Status.IN_SERVICE
        endpoint.pending = endpoint.pending_since = None
        endpoint.settling = {}
        if failure is None:
            apply()
        else:
            undo()
            endpoint.failure_reason = failure

    state.later(state.delays.endpoint_update, endpoint, finish)


def pending_summary(endpoint: Endpoint) -> Wire | None:
    """DescribeEndpoint's ``PendingDeploymentSummary`` while an update deploys a config."""
    config = endpoint.pending
    if config is None:
        return None
    variants = []
    for variant in config.variants:
        summary: Wire = {
            "VariantName": variant["VariantName"],
            "DesiredInstanceCount": int(variant.get("InitialInstanceCount") or 1),
            "CurrentInstanceCount": 0,
            "DesiredWeight": float(variant.get("InitialVariantWeight", 1.0)),
            "CurrentWeight": 0.0,
            "VariantStatus": [{"Status": "Creating", "StartTime": endpoint.pending_since}],
        }
        for key in ("InstanceType", "ManagedInstanceScaling", "RoutingConfig"):
            if key in variant:
                summary[key] = variant[key]
        variants.append(summary)
    return {
        "EndpointConfigName": config.name,
        "ProductionVariants": variants,
        "StartTime": endpoint.pending_since,
    }


OPERATIONS: Mapping[str, Callable[[EmulatorState, Wire], Wire]] = {
    "UpdateEndpoint": update_endpoint,
    "UpdateEndpointWeightsAndCapacities": update_endpoint_weights_and_capacities,
}

"""Operations on inference components: create, describe, update, delete, list."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ic_sdk.testing import _rollout
from ic_sdk.testing._checks import (
    check_adapter_entry,
    check_base_entries,
)
from ic_sdk.testing._placement import ensure_fits, ensure_rollout_fits
from ic_sdk.testing._resources import (
    COPY_COUNT_ZERO_MESSAGE,
    IC_NOT_SUPPORTED_MESSAGE,
    Component,
    Endpoint,
    Status,
    Wire,
    invalid,
)

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["OPERATIONS"]


def _check_base_entries(
    state: EmulatorState, endpoint: Endpoint, variant: str, entries: list[Wire], *, multiple: bool
) -> None:
    check_base_entries(entries, multiple=multiple)
    instance_type = (endpoint.variant(variant) or {}).get("InstanceType")
    if multiple and instance_type and all(e.get("InstanceType") != instance_type for e in entries):
        raise invalid(
            f"Specifications has no entry for instance type {instance_type}, the instance type "
            f"of variant {variant} of endpoint {endpoint.name}."
        )
    for entry in entries:
        if entry.get("ModelName"):
            state.model(entry["ModelName"])


def _adapter_base(state: EmulatorState, endpoint: Endpoint, base_name: str) -> Component:
    base = state.components.get(base_name.lower())
    if base is None:
        arn = state.arn("inference-component", base_name)
        raise invalid(f'Could not find base inference component "{arn}".')
    if base.base is not None:
        raise invalid(
            f"Inference component {base.name} is an adapter and cannot be the base of "
            "another adapter."
        )
    if base.endpoint is not endpoint:
        raise invalid(
            f"Base inference component {base.name} is hosted on endpoint "
            f"{base.endpoint.name}, not {endpoint.name}."
        )
    if base.status is not Status.IN_SERVICE:
        raise invalid(
            f"Base inference component {base.name} must be InService to create an adapter "
            f"inference component; its status is {base.status}."
        )
    return base


def create_inference_component(state: EmulatorState, body: Wire) -> Wire:
    name = body["InferenceComponentName"]
    arn = state.claim(state.components, "inference-component", name, "inference component")
    endpoint = state.endpoint(body["EndpointName"])
    if not endpoint.config.hosts_components:
        raise invalid(IC_NOT_SUPPORTED_MESSAGE)
    spec: Wire | None = body.get("Specification")
    specs: list[Wire] | None = body.get("Specifications")
    if (spec is None) == (specs is None):
        raise invalid("Exactly one of Specification or Specifications must be provided.")
    if endpoint.status in (Status.DELETING, Status.FAILED):
        raise invalid(
            f'Endpoint "{endpoint.arn}" is {endpoint.status} and cannot host inference components.'
        )

    base: Component | None = None
    if spec is not None and spec.get("BaseInferenceComponentName"):
        check_adapter_entry(body, spec)
        base = _adapter_base(state, endpoint, spec["BaseInferenceComponentName"])
        variant, copies = base.variant, 0
    else:
        if state.require_in_service_endpoint and endpoint.status is not Status.IN_SERVICE:
            raise invalid(
                f'Endpoint "{endpoint.arn}" is {endpoint.status}; inference components can '
                "be created only on an InService endpoint."
            )
        variants = [v["VariantName"] for v in endpoint.config.variants]
        variant = body.get("VariantName") or (variants[0] if len(variants) == 1 else "")
        if not variant:
            raise invalid(
                "VariantName is required: endpoint "
                f"{endpoint.name} has variants {', '.join(variants)}."
            )
        if endpoint.variant(variant) is None:
            raise invalid(
                f"Variant {variant} does not exist on endpoint {endpoint.name} "
                f"(variants: {', '.join(variants)})."
            )
        runtime = body.get("RuntimeConfig")
        if runtime is None:
            raise invalid(
                "RuntimeConfig is required for an inference component that is not an adapter."
            )
        copies = int(runtime["CopyCount"])
        if copies < 1:
            raise invalid(COPY_COUNT_ZERO_MESSAGE)
        _check_base_entries(
            state,
            endpoint,
            variant,
            [spec] if spec is not None else specs or [],
            multiple=spec is None,
        )

    now = state.wall()
    component = Component(
        name=name,
        arn=arn,
        endpoint=endpoint,
        variant=variant,
        created=now,
        modified=now,
        status=Status.CREATING,
        specification=spec,
        specifications=specs,
        desired=copies,
        current=0,
        base=base,
    )
    if base is None:
        ensure_fits(state, component, copies)
    state.set_tags(arn, body.get("Tags"))
    state.components[name.lower()] = component

    def ready() -> None:
        component.current = component.desired

    state.settle_create(state.delays.component_create, component, ready)
    return {"InferenceComponentArn": arn}


def _summary_of(component: Component, entry: Wire) -> Wire:
    summary = dict(entry)
    if "Container" in summary:
        container = summary["Container"] = dict(summary["Container"])
        image = container.pop("Image", None)
        if image is not None:
            digest = hashlib.sha256(image.encode()).hexdigest()
            container["DeployedImage"] = {
                "SpecifiedImage": image,
                "ResolvedImage": f"{image.split(':')[0]}@sha256:{digest}",
                "ResolutionTime": component.created,
            }
    return summary


def describe_inference_component(state: EmulatorState, body: Wire) -> Wire:
    component = state.component(body["InferenceComponentName"])
    out: Wire = {
        "InferenceComponentName": component.name,
        "InferenceComponentArn": component.arn,
        "EndpointName": component.endpoint.name,
        "EndpointArn": component.endpoint.arn,
        "VariantName": component.variant,
    }
    if component.failure_reason is not None:
        out["FailureReason"] = component.failure_reason
    if component.specification is not None:
        out["Specification"] = _summary_of(component, component.specification)
    if component.specifications is not None:
        out["Specifications"] = [
            _summary_of(component, entry) for entry in component.specifications
        ]
    if component.base is None:
        runtime: Wire = {
            "DesiredCopyCount": component.wanted_copies,
            "CurrentCopyCount": component.running_copies,
        }
        instance_type = (component.endpoint.variant(component.variant) or {}).get("InstanceType")
        if instance_type:
            runtime["PlacementStatus"] = [
                {"InstanceType": instance_type, "CurrentCopyCount": component.running_copies}
            ]
        out["RuntimeConfig"] = runtime
    out["CreationTime"] = component.created
    out["LastModifiedTime"] = component.modified
    out["InferenceComponentStatus"] = str(component.status)
    if component.last_deployment is not None:
        out["LastDeploymentConfig"] = component.last_deployment
    return out


def _ensure_updatable(component: Component) -> None:
    if component.status is not Status.IN_SERVICE:
        raise invalid(
            f'Cannot update inference component "{component.arn}" while its status is '
            f"{component.status}; wait until it is InService."
        )


def update_inference_component(state: EmulatorState, body: Wire) -> Wire:
    component = state.component(body["InferenceComponentName"])
    spec: Wire | None = body.get("Specification")
    specs: list[Wire] | None = body.get("Specifications")
    runtime: Wire | None = body.get("RuntimeConfig")
    if spec is None and specs is None and runtime is None:
        raise invalid(
            "UpdateInferenceComponent needs a Specification, Specifications or a "
            "RuntimeConfig to change."
        )
    if spec is not None and specs is not None:
        raise invalid("Specify either Specification or Specifications, not both.")
    _ensure_updatable(component)
    if component.base is not None:
        if runtime is not None or specs is not None:
            raise invalid(
                "Only the Specification of an adapter inference component can be updated; "
                "it runs on the copies of its base."
            )
        assert spec is not None
        given_base = spec.get("BaseInferenceComponentName")
        if given_base and given_base.lower() != component.base.name.lower():
            raise invalid("The base of an adapter inference component cannot be changed.")
        check_adapter_entry({}, {**spec, "BaseInferenceComponentName": component.base.name})
        spec = {**spec, "BaseInferenceComponentName": component.base.name}
    elif spec is not None or specs is not None:
        _check_base_entries(
            state,
            component.endpoint,
            component.variant,
            [spec] if spec is not None else specs or [],
            multiple=spec is None,
        )

    copies = int(runtime["CopyCount"]) if runtime is not None else component.desired
    deployment = body.get("DeploymentConfig")
    rollout = None
    if component.base is None and (spec is not None or specs is not None):
        rollout = _rollout.plan(
            state,
            component,
            specification=spec,
            specifications=specs,
            target=copies,
            deployment=deployment,
        )
        ensure_rollout_fits(state, component, rollout)
    elif component.base is None:
        ensure_fits(state, component, copies)

    if deployment is not None:
        component.last_deployment = deployment
    failure = state.faults.take_update_failure(component.name)
    if rollout is not None:
        rollout.failure = failure
        _rollout.start(state, component, rollout)
    elif component.base is not None:  # an adapter: new artifacts on its base's copies
        previous = component.specification
        component.specification = spec
        _start_update(state, component, 0, failure, previous=previous)
    else:
        _start_update(state, component, copies, failure)
    return {"InferenceComponentArn": component.arn}


def _start_update(
    state: EmulatorState,
    component: Component,
    copies: int,
    failure: str | None,
    *,
    previous: Wire | None = None,
) -> None:
    """A change of copy count (or of an adapter's artifacts): ``Updating`` for a while."""
    previous_copies = component.desired
    component.desired = copies
    component.status = Status.UPDATING
    component.modified = state.wall()

    def finish() -> None:
        component.modified = state.wall()
        component.status = Status.IN_SERVICE
        if failure is not None:
            # Rolled back: the old deployment stays, and so does the reason.
            component.desired = previous_copies
            if component.base is not None:
                component.specification = previous
            component.failure_reason = failure
        elif component.base is None:
            component.current = component.desired

    state.later(state.delays.component_update, component, finish)


def update_inference_component_runtime_config(state: EmulatorState, body: Wire) -> Wire:
    component = state.component(body["InferenceComponentName"])
    if component.base is not None:
        raise invalid(
            f"Inference component {component.name} is an adapter; it runs on the copies of "
            f"its base {component.base.name}, whose runtime config is the one to update."
        )
    _ensure_updatable(component)
    copies = int(body["DesiredRuntimeConfig"]["CopyCount"])
    ensure_fits(state, component, copies)
    _start_update(state, component, copies, state.faults.take_update_failure(component.name))
    return {"InferenceComponentArn": component.arn}


def delete_inference_component(state: EmulatorState, body: Wire) -> Wire:
    component = state.component(body["InferenceComponentName"])
    if component.status is Status.DELETING:
        raise invalid(
            f'Inference component "{component.arn}" is already being deleted '
            "(status DELETE_IN_PROGRESS)."
        )
    adapters = sorted(c.name for c in state.components.values() if c.base is component)
    if adapters:
        raise invalid(
            f'Inference component "{component.arn}" is a base inference component for one '
            f"or more associated adapter inference components ({', '.join(adapters)}). "
            "Delete them first."
        )
    component.current = component.running_copies
    component.rollout = None
    state.start_delete(state.delays.component_delete, state.components, component)
    return {}


OPERATIONS: Mapping[str, Callable[[EmulatorState, Wire], Wire]] = {
    "CreateInferenceComponent": create_inference_component,
    "DescribeInferenceComponent": describe_inference_component,
    "UpdateInferenceComponent": update_inference_component,
    "UpdateInferenceComponentRuntimeConfig": update_inference_component_runtime_config,
    "DeleteInferenceComponent": delete_inference_component,
}

"""Operations on models, endpoint configs and endpoints."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from ic_sdk.testing import _endpoint_update
from ic_sdk.testing._resources import (
    Endpoint,
    EndpointConfig,
    Model,
    Status,
    Wire,
    invalid,
    without_tags,
)

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["OPERATIONS"]

_Kept = TypeVar("_Kept", Model, EndpointConfig)


# -- models ------------------------------------------------------------------------------


def create_model(state: EmulatorState, body: Wire) -> Wire:
    name = body["ModelName"]
    arn = state.claim(state.models, "model", name, "model")
    if not body.get("PrimaryContainer") and not body.get("Containers"):
        raise invalid("Either PrimaryContainer or Containers must be specified.")
    _keep(state, state.models, Model, name, arn, body)
    return {"ModelArn": arn}


def describe_model(state: EmulatorState, body: Wire) -> Wire:
    return _describe(state.model(body["ModelName"]), "ModelArn")


def delete_model(state: EmulatorState, body: Wire) -> Wire:
    return _delete(state, state.models, state.model(body["ModelName"]))


# -- endpoint configs ----------------------------------------------------------------------


def create_endpoint_config(state: EmulatorState, body: Wire) -> Wire:
    name = body["EndpointConfigName"]
    arn = state.claim(state.configs, "endpoint-config", name, "endpoint configuration")
    variants = body.get("ProductionVariants") or []
    names = [v.get("VariantName", "") for v in variants]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise invalid(f"Variant names must be unique; repeated: {', '.join(duplicates)}.")
    for variant in variants:
        if variant.get("ModelName"):
            state.model(variant["ModelName"])
    without_model = [v.get("VariantName", "") for v in variants if not v.get("ModelName")]
    if without_model and not body.get("ExecutionRoleArn"):
        # A variant naming no model hosts inference components, which run with the
        # config's execution role.
        raise invalid(
            "ExecutionRoleArn is required when a production variant specifies no ModelName "
            f"(variants without a model: {', '.join(without_model)})."
        )
    _keep(state, state.configs, EndpointConfig, name, arn, body)
    return {"EndpointConfigArn": arn}


def describe_endpoint_config(state: EmulatorState, body: Wire) -> Wire:
    return _describe(state.config(body["EndpointConfigName"]), "EndpointConfigArn")


def delete_endpoint_config(state: EmulatorState, body: Wire) -> Wire:
    return _delete(state, state.configs, state.config(body["EndpointConfigName"]))


# -- shared by models and endpoint configs (both keep their create request) -------------


def _keep(
    state: EmulatorState,
    table: dict[str, _Kept],
    kind: type[_Kept],
    name: str,
    arn: str,
    body: Wire,
) -> None:
    state.set_tags(arn, body.get("Tags"))
    table[name.lower()] = kind(name=name, arn=arn, created=state.wall(), request=without_tags(body))


def _describe(resource: Model | EndpointConfig, arn_key: str) -> Wire:
    return {**resource.request, arn_key: resource.arn, "CreationTime": resource.created}


def _delete(state: EmulatorState, table: dict[str, _Kept], resource: _Kept) -> Wire:
    del table[resource.name.lower()]
    state.tags.pop(resource.arn, None)
    return {}


# -- endpoints ---------------------------------------------------------------------------


def create_endpoint(state: EmulatorState, body: Wire) -> Wire:
    name = body["EndpointName"]
    arn = state.claim(state.endpoints, "endpoint", name, "endpoint")
    config = state.config(body["EndpointConfigName"])
    _endpoint_update.ensure_instance_types(config)
    now = state.wall()
    endpoint = Endpoint(
        name=name,
        arn=arn,
        config=config,
        created=now,
        modified=now,
        status=Status.CREATING,
    )
    state.endpoints[name.lower()] = endpoint
    state.set_tags(arn, body.get("Tags"))
    state.settle_create(state.delays.endpoint_create, endpoint)
    return {"EndpointArn": arn}


def describe_endpoint(state: EmulatorState, body: Wire) -> Wire:
    endpoint = state.endpoint(body["EndpointName"])
    running = endpoint.status in (Status.IN_SERVICE, Status.UPDATING)
    summaries = []
    for variant in map(endpoint.effective, endpoint.config.variants):
        given = variant.get("InitialInstanceCount")
        count = 1 if given is None else int(given)
        weight = float(variant.get("InitialVariantWeight", 1.0))
        current = endpoint.settling.get(variant["VariantName"], count)
        summary: Wire = {
            "VariantName": variant["VariantName"],
            "CurrentWeight": weight if running else 0.0,
            "DesiredWeight": weight,
            "CurrentInstanceCount": current if running else 0,
            "DesiredInstanceCount": count,
        }
        for key in ("ManagedInstanceScaling", "RoutingConfig"):
            if key in variant:
                summary[key] = variant[key]
        if endpoint.status is Status.CREATING:
            summary["VariantStatus"] = [{"Status": "Creating", "StartTime": endpoint.created}]
        summaries.append(summary)
    out: Wire = {
        "EndpointName": endpoint.name,
        "EndpointArn": endpoint.arn,
        "EndpointConfigName": endpoint.config.name,
        "ProductionVariants": summaries,
        "EndpointStatus": str(endpoint.status),
        "CreationTime": endpoint.created,
        "LastModifiedTime": endpoint.modified,
    }
    if endpoint.failure_reason is not None:
        out["FailureReason"] = endpoint.failure_reason
    pending = _endpoint_update.pending_summary(endpoint)
    if pending is not None:
        out["PendingDeploymentSummary"] = pending
    return out


def delete_endpoint(state: EmulatorState, body: Wire) -> Wire:
    endpoint = state.endpoint(body["EndpointName"])
    if endpoint.status is Status.DELETING:
        raise invalid(f'Cannot delete endpoint "{endpoint.arn}": it is already being deleted.')
    hosted = state.hosted(endpoint)
    if hosted:
        listing = ", ".join(f"{c.name} ({c.status})" for c in hosted)
        raise invalid(
            f'Cannot delete endpoint "{endpoint.arn}" while it hosts inference components: '
            f"{listing}. Delete the inference components first."
        )
    state.start_delete(state.delays.endpoint_delete, state.endpoints, endpoint)
    return {}


OPERATIONS: Mapping[str, Callable[[EmulatorState, Wire], Wire]] = {
    "CreateModel": create_model,
    "DescribeModel": describe_model,
    "DeleteModel": delete_model,
    "CreateEndpointConfig": create_endpoint_config,
    "DescribeEndpointConfig": describe_endpoint_config,
    "DeleteEndpointConfig": delete_endpoint_config,
    "CreateEndpoint": create_endpoint,
    "DescribeEndpoint": describe_endpoint,
    "DeleteEndpoint": delete_endpoint,
    **_endpoint_update.OPERATIONS,
}

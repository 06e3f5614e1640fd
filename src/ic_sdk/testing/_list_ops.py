"""Listing operations: ListEndpoints, ListEndpointConfigs, ListModels,
ListInferenceComponents.

Every filter each operation's input shape has is honoured (:data:`FILTERS` names them, and a
test holds them to botocore's model): ``NameContains``; the creation time bounds, and for
endpoints and inference components the last-modified ones (``...Before`` / ``...After``,
both exclusive); ``StatusEquals`` for endpoints and inference components, which also filter
on ``EndpointNameEquals`` and ``VariantNameEquals``; ``SortBy`` (``Name``,
``CreationTime``, and ``Status`` for those two), ``SortOrder`` (descending by default),
``MaxResults`` (10 by default) and ``NextToken`` (:mod:`ic_sdk.testing._paging`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ic_sdk.testing._paging import sagemaker_paging
from ic_sdk.testing._resources import Component, Endpoint, EndpointConfig, Model, Wire

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["FILTERS", "OPERATIONS"]

_R = TypeVar("_R", bound=Model | EndpointConfig | Endpoint | Component)

#: The request members every listing reads (beyond its own filters).
_COMMON: Final = frozenset({"NameContains", "SortBy", "SortOrder", "MaxResults", "NextToken"})
_CREATED: Final = frozenset({"CreationTimeBefore", "CreationTimeAfter"})
_MODIFIED: Final = frozenset({"LastModifiedTimeBefore", "LastModifiedTimeAfter"})

#: Every request member each listing honours.
FILTERS: Final[Mapping[str, frozenset[str]]] = {
    "ListModels": _COMMON | _CREATED,
    "ListEndpointConfigs": _COMMON | _CREATED,
    "ListEndpoints": _COMMON | _CREATED | _MODIFIED | {"StatusEquals"},
    "ListInferenceComponents": _COMMON
    | _CREATED
    | _MODIFIED
    | {"StatusEquals", "EndpointNameEquals", "VariantNameEquals"},
}


#: A time bound's prefix (``CreationTime``) and what it reads of a resource.
_Bounds = Mapping[str, Callable[[Any], float]]
_BY_CREATION: Final[_Bounds] = {"CreationTime": lambda r: r.created}
_BY_BOTH: Final[_Bounds] = {**_BY_CREATION, "LastModifiedTime": lambda r: r.modified}


def _within(found: Sequence[_R], body: Wire, bounds: _Bounds) -> Sequence[_R]:
    """``found`` inside every ``<bound>Before`` / ``<bound>After`` of ``body`` (exclusive)."""
    for prefix, read in bounds.items():
        before, after = body.get(f"{prefix}Before"), body.get(f"{prefix}After")
        if before is not None:
            found = [r for r in found if read(r) < float(before)]
        if after is not None:
            found = [r for r in found if read(r) > float(after)]
    return found


def _listed(
    operation: str,
    body: Wire,
    resources: Iterable[_R],
    result_key: str,
    summary: Callable[[_R], Wire],
    bounds: _Bounds,
    status: Callable[[_R], str] | None = None,
) -> Wire:
    found: Sequence[_R] = list(resources)
    if body.get("NameContains"):
        needle = body["NameContains"].lower()
        found = [r for r in found if needle in r.name.lower()]
    if status is not None and body.get("StatusEquals"):
        found = [r for r in found if status(r) == body["StatusEquals"]]
    found = _within(found, body, bounds)
    orders: dict[str, Callable[[_R], Any]] = {
        "Name": lambda r: r.name,
        "CreationTime": lambda r: (r.created, r.name),  # ties broken by name
    }
    if status is not None:
        orders["Status"] = lambda r: (status(r), r.name)
    order = orders[body.get("SortBy") or "CreationTime"]
    ordered = sorted(
        found, key=order, reverse=(body.get("SortOrder") or "Descending") == "Descending"
    )
    return sagemaker_paging(operation).answer(ordered, body, result_key, summary)


def _kept(
    kind: str, table: Callable[[EmulatorState], Mapping[str, Model | EndpointConfig]]
) -> Callable[[EmulatorState, Wire], Wire]:
    """``List<kind>s`` of the resources that keep their create request (models, endpoint
    configs): each summary is ``<kind>Name``, ``<kind>Arn`` and the creation time."""

    def summary(r: Model | EndpointConfig) -> Wire:
        return {f"{kind}Name": r.name, f"{kind}Arn": r.arn, "CreationTime": r.created}

    def handler(state: EmulatorState, body: Wire) -> Wire:
        return _listed(
            f"List{kind}s", body, table(state).values(), f"{kind}s", summary, _BY_CREATION
        )

    return handler


list_models = _kept("Model", lambda state: state.models)
list_endpoint_configs = _kept("EndpointConfig", lambda state: state.configs)


def list_endpoints(state: EmulatorState, body: Wire) -> Wire:
    return _listed(
        "ListEndpoints",
        body,
        state.endpoints.values(),
        "Endpoints",
        lambda e: {
            "EndpointName": e.name,
            "EndpointArn": e.arn,
            "CreationTime": e.created,
            "LastModifiedTime": e.modified,
            "EndpointStatus": str(e.status),
        },
        _BY_BOTH,
        status=lambda e: str(e.status),
    )


def list_inference_components(state: EmulatorState, body: Wire) -> Wire:
    found: Iterable[Component] = state.components.values()
    if body.get("EndpointNameEquals"):
        endpoint = body["EndpointNameEquals"].lower()
        found = [c for c in found if c.endpoint.name.lower() == endpoint]
    if body.get("VariantNameEquals"):
        found = [c for c in found if c.variant == body["VariantNameEquals"]]
    return _listed(
        "ListInferenceComponents",
        body,
        found,
        "InferenceComponents",
        lambda c: {
            "CreationTime": c.created,
            "InferenceComponentArn": c.arn,
            "InferenceComponentName": c.name,
            "EndpointArn": c.endpoint.arn,
            "EndpointName": c.endpoint.name,
            "VariantName": c.variant,
            "InferenceComponentStatus": str(c.status),
            "LastModifiedTime": c.modified,
        },
        _BY_BOTH,
        status=lambda c: str(c.status),
    )


OPERATIONS: Mapping[str, Callable[[EmulatorState, Wire], Wire]] = {
    "ListModels": list_models,
    "ListEndpointConfigs": list_endpoint_configs,
    "ListEndpoints": list_endpoints,
    "ListInferenceComponents": list_inference_components,
}

"""Listing operations: ListEndpoints, ListEndpointConfigs, ListModels,
ListInferenceComponents.

Filters, sorting and pagination follow the API: ``NameContains``, the creation (and for
endpoints and inference components last-modified) time bounds, ``StatusEquals`` for
endpoints and inference components (which also filter on ``EndpointNameEquals`` and
``VariantNameEquals``), ``SortBy`` (``Name``, ``CreationTime``, and ``Status`` for those
two), ``SortOrder`` (descending by default), ``MaxResults`` (10 by default) and
``NextToken`` (:mod:`ic_sdk.testing._paging`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ic_sdk.testing._paging import Paging
from ic_sdk.testing._resources import Component, Endpoint, EndpointConfig, Model, Wire, invalid

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["OPERATIONS", "sagemaker_paging"]

_R = TypeVar("_R", Model, EndpointConfig, Endpoint, Component)

_BOUNDS = (
    ("CreationTimeBefore", "created", True),
    ("CreationTimeAfter", "created", False),
    ("LastModifiedTimeBefore", "modified", True),
    ("LastModifiedTimeAfter", "modified", False),
)


def sagemaker_paging(operation: str, *, default: int = 10, maximum: int | None = 100) -> Paging:
    """How a SageMaker listing pages (a bad token or size: ``ValidationException``)."""
    return Paging(
        operation=operation,
        default=default,
        maximum=maximum,
        bad_token=lambda: invalid("The NextToken is invalid."),
        bad_limit=invalid,
    )


def _listed(
    operation: str,
    body: Wire,
    resources: Iterable[_R],
    result_key: str,
    summary: Callable[[_R], Wire],
    sort_keys: Mapping[str, Callable[[_R], Any]],
    status: Callable[[_R], str] | None = None,
) -> Wire:
    found: Sequence[_R] = list(resources)
    if body.get("NameContains"):
        needle = body["NameContains"].lower()
        found = [r for r in found if needle in r.name.lower()]
    if status is not None and body.get("StatusEquals"):
        found = [r for r in found if status(r) == body["StatusEquals"]]
    for key, attribute, before in _BOUNDS:
        if body.get(key) is not None and all(hasattr(r, attribute) for r in found):
            bound = float(body[key])
            found = [
                r
                for r in found
                if (getattr(r, attribute) < bound if before else getattr(r, attribute) > bound)
            ]
    order = sort_keys[body.get("SortBy") or "CreationTime"]
    ordered = sorted(
        found, key=order, reverse=(body.get("SortOrder") or "Descending") == "Descending"
    )
    shown, token = sagemaker_paging(operation).page(ordered, body)
    out: Wire = {result_key: [summary(r) for r in shown]}
    if token is not None:
        out["NextToken"] = token
    return out


#: The sort keys every listing offers (ties on creation time broken by name).
_SORT_KEYS: Mapping[str, Callable[[Model | EndpointConfig | Endpoint | Component], Any]] = {
    "Name": lambda r: r.name,
    "CreationTime": lambda r: (r.created, r.name),
}


def _named(kind: str) -> Callable[[Model | EndpointConfig], Wire]:
    """The summary of a model or endpoint config: ``<kind>Name``, ``<kind>Arn``, created."""
    return lambda r: {f"{kind}Name": r.name, f"{kind}Arn": r.arn, "CreationTime": r.created}


def list_models(state: EmulatorState, body: Wire) -> Wire:
    return _listed("ListModels", body, state.models.values(), "Models", _named("Model"), _SORT_KEYS)


def list_endpoint_configs(state: EmulatorState, body: Wire) -> Wire:
    return _listed(
        "ListEndpointConfigs",
        body,
        state.configs.values(),
        "EndpointConfigs",
        _named("EndpointConfig"),
        _SORT_KEYS,
    )


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
        {**_SORT_KEYS, "Status": lambda e: (str(e.status), e.name)},
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
        {**_SORT_KEYS, "Status": lambda c: (str(c.status), c.name)},
        status=lambda c: str(c.status),
    )


OPERATIONS: Mapping[str, Callable[[EmulatorState, Wire], Wire]] = {
    "ListModels": list_models,
    "ListEndpointConfigs": list_endpoint_configs,
    "ListEndpoints": list_endpoints,
    "ListInferenceComponents": list_inference_components,
}

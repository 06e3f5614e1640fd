"""Tag operations (ListTags, AddTags, DeleteTags) on any emulated resource."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Final

from ic_sdk.testing._paging import sagemaker_paging
from ic_sdk.testing._resources import Component, Endpoint, EndpointConfig, Model, Wire, invalid

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["FILTERS", "OPERATIONS"]

#: Every request member ListTags honours.
FILTERS: Final[Mapping[str, frozenset[str]]] = {
    "ListTags": frozenset({"ResourceArn", "MaxResults", "NextToken"}),
}

_Resource = Model | EndpointConfig | Endpoint | Component


#: Each taggable resource's table, by the kind its ARN names.
_TABLES: Final[Mapping[str, Callable[[EmulatorState], Mapping[str, _Resource]]]] = {
    "model": lambda state: state.models,
    "endpoint-config": lambda state: state.configs,
    "endpoint": lambda state: state.endpoints,
    "inference-component": lambda state: state.components,
}


def _ensure_resource(state: EmulatorState, arn: str) -> None:
    """Refuse ``arn`` unless it is one of the resources here (found by its kind and name,
    the table's key, rather than by scanning every resource)."""
    kind, _, name = arn.rpartition(":")[2].partition("/")
    table = _TABLES.get(kind)
    resource = None if table is None else table(state).get(name)
    if resource is None or resource.arn != arn:
        raise invalid(f"Could not find resource {arn}.")


def list_tags(state: EmulatorState, body: Wire) -> Wire:
    arn = body["ResourceArn"]
    _ensure_resource(state, arn)
    # The model's MaxResults is at least 50, and a resource has at most 50 tags.
    return sagemaker_paging("ListTags", default=50, maximum=None).answer(
        state.tags.get(arn, []), body, "Tags", dict
    )


def add_tags(state: EmulatorState, body: Wire) -> Wire:
    arn = body["ResourceArn"]
    _ensure_resource(state, arn)
    state.set_tags(arn, body["Tags"])
    return {"Tags": body["Tags"]}


def delete_tags(state: EmulatorState, body: Wire) -> Wire:
    arn = body["ResourceArn"]
    _ensure_resource(state, arn)
    doomed = set(body["TagKeys"])
    state.tags[arn] = [t for t in state.tags.get(arn, []) if t["Key"] not in doomed]
    return {}


OPERATIONS: Mapping[str, Callable[[EmulatorState, Wire], Wire]] = {
    "ListTags": list_tags,
    "AddTags": add_tags,
    "DeleteTags": delete_tags,
}

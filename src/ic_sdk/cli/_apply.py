"""``ic-sdk apply``: from a spec and what the service describes, what to do.

A component that does not exist is created. One that exists is compared with the spec:
every member the spec sets is compared with the described value (structures member by
member, following the generated field metadata; lists, maps and scalars as wholes), and
only what differs is sent in an ``UpdateInferenceComponent``: the specification(s) when
any of their members differ, the runtime config when the copy count differs. Members the
spec leaves out are left as they are. Tags are applied on create only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ic_sdk import _meta, models
from ic_sdk.cli._output import CliError
from ic_sdk.serde import converter

__all__ = ["Plan", "plan"]

Action = Literal["create", "update", "unchanged"]


@attrs.frozen(kw_only=True)
class Plan:
    """What ``apply`` does for one component."""

    name: str
    action: Action
    #: Wire paths of the members that differ (for an update).
    changes: tuple[str, ...] = ()
    create: models.CreateInferenceComponentInput | None = attrs.field(default=None, repr=False)
    update: models.UpdateInferenceComponentInput | None = attrs.field(default=None, repr=False)
    #: Copies the spec asks for, when that changes (the wait then waits for them).
    copies: int | None = None


def _described_spec(summary: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A described specification in the shape of the one a request sends."""
    if summary is None:
        return None
    spec = dict(summary)
    container = spec.get("Container")
    if isinstance(container, Mapping):
        container = dict(container)
        deployed = container.pop("DeployedImage", None)
        if isinstance(deployed, Mapping) and deployed.get("SpecifiedImage") is not None:
            container["Image"] = deployed["SpecifiedImage"]
        spec["Container"] = container
    return spec


def _drift(want: Mapping[str, Any], have: Any, cls: type, path: str, out: list[str]) -> None:
    """Append to ``out`` the paths below ``path`` where ``want`` and ``have`` differ."""
    have_map: Mapping[str, Any] = have if isinstance(have, Mapping) else {}
    for _field, meta in _meta.fields(cls):
        wire = meta["wire"]
        if wire not in want or want[wire] is None:
            continue
        value, current = want[wire], have_map.get(wire)
        where = f"{path}.{wire}" if path else wire
        if meta["type"] == "structure" and isinstance(value, Mapping):
            _drift(value, current, _meta.resolve_shape(cls, meta["shape"]), where, out)
        elif value != current:
            out.append(where)


def plan(wire: Mapping[str, Any], current: models.DescribeInferenceComponentOutput | None) -> Plan:
    """The :class:`Plan` for request ``wire`` given the component's description (or none)."""
    request = converter.structure(dict(wire), models.CreateInferenceComponentInput)
    name = request.inference_component_name
    if current is None:
        return Plan(name=name, action="create", create=request)
    if request.endpoint_name != current.endpoint_name:
        raise CliError(
            f"{name}: is on endpoint {current.endpoint_name!r}, the spec says "
            f"{request.endpoint_name!r}; delete it before moving it"
        )
    if (
        request.variant_name is not None
        and current.variant_name is not None
        and request.variant_name != current.variant_name
    ):
        raise CliError(
            f"{name}: is on variant {current.variant_name!r}, the spec says "
            f"{request.variant_name!r}; delete it before moving it"
        )
    if str(current.inference_component_status) == "Deleting":
        raise CliError(f"{name}: is being deleted; apply again once it is gone")
    described = converter.unstructure(current)
    spec_changes: list[str] = []
    spec_wire = wire.get("Specification")
    if isinstance(spec_wire, Mapping):
        _drift(
            spec_wire,
            _described_spec(described.get("Specification")),
            models.InferenceComponentSpecification,
            "Specification",
            spec_changes,
        )
    specs_changes: list[str] = []
    specs_wire = wire.get("Specifications")
    if isinstance(specs_wire, list):
        have_specs = described.get("Specifications") or []
        if len(have_specs) != len(specs_wire):
            specs_changes.append("Specifications")
        else:
            for i, (want, have) in enumerate(zip(specs_wire, have_specs, strict=True)):
                if isinstance(want, Mapping):
                    _drift(
                        want,
                        _described_spec(have),
                        models.InferenceComponentSpecification,
                        f"Specifications[{i}]",
                        specs_changes,
                    )
    copies: int | None = None
    want_copies = request.runtime_config.copy_count if request.runtime_config else None
    have_copies = current.runtime_config.desired_copy_count if current.runtime_config else None
    if want_copies is not None and want_copies != have_copies:
        copies = want_copies
    changes = [*spec_changes, *specs_changes]
    if copies is not None:
        changes.append("RuntimeConfig.CopyCount")
    if not changes:
        return Plan(name=name, action="unchanged")
    update = models.UpdateInferenceComponentInput(
        inference_component_name=name,
        specification=request.specification if spec_changes else None,
        specifications=request.specifications if specs_changes else None,
        runtime_config=(
            models.InferenceComponentRuntimeConfig(copy_count=copies)
            if copies is not None
            else None
        ),
    )
    return Plan(name=name, action="update", changes=tuple(changes), update=update, copies=copies)

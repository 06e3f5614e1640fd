"""botocore's own parameter validation is off on ic_sdk's clients: ``ic_sdk.validate``
must catch everything botocore's ``ParamValidator`` catches (required members, types,
minimums) for the operations the client sends.

Every request below is broken in every way the botocore shape allows (each required
member removed, each present member given a wrong type, each minimum undercut, at every
depth); whenever botocore refuses a variant, ``validate`` must report an error for it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from ic_sdk import models, validate
from ic_sdk.builders import base_spec, rolling_deployment, update_component
from ic_sdk.models import runtime as rt
from ic_sdk.serde import converter
from tests.client_support import IMAGE, adapter, base

SESSION = botocore.session.get_session()

WRONG: dict[str, Any] = {
    "string": 12345,
    "integer": "text",
    "long": "text",
    "float": "text",
    "double": "text",
    "boolean": "yes",
    "structure": "text",
    "list": "text",
    "map": "text",
    "timestamp": [1],
    "blob": 12345,
}


def requests() -> list[tuple[str, str, dict[str, Any], type[Any]]]:
    update = update_component(
        name="base",
        specification=base_spec(memory_mb=8192, cpu_cores=4, accelerators=1, image=IMAGE),
        copies=2,
        deployment=rolling_deployment(batch_copies=1, wait_s=60, timeout_s=1800),
    )
    listing = models.ListInferenceComponentsInput(
        name_contains="b",
        endpoint_name_equals="ep",
        status_equals="InService",
        sort_by="Name",
        sort_order="Ascending",
        max_results=10,
        next_token="t",
    )
    sm = [
        ("CreateInferenceComponent", base(copies=2)),
        ("CreateInferenceComponent", adapter("lora-1")),
        ("UpdateInferenceComponent", update),
        (
            "UpdateInferenceComponentRuntimeConfig",
            models.UpdateInferenceComponentRuntimeConfigInput(
                inference_component_name="base",
                desired_runtime_config=models.InferenceComponentRuntimeConfig(copy_count=2),
            ),
        ),
        (
            "DeleteInferenceComponent",
            models.DeleteInferenceComponentInput(inference_component_name="base"),
        ),
        (
            "DescribeInferenceComponent",
            models.DescribeInferenceComponentInput(inference_component_name="base"),
        ),
        ("ListInferenceComponents", listing),
    ]
    runtime = [
        (
            "InvokeEndpoint",
            rt.InvokeEndpointInput(
                endpoint_name="ep",
                inference_component_name="base",
                body=b"{}",
                content_type="application/json",
                custom_attributes="a",
            ),
        ),
        (
            "InvokeEndpointWithResponseStream",
            rt.InvokeEndpointWithResponseStreamInput(
                endpoint_name="ep", inference_component_name="base", body=b"{}"
            ),
        ),
    ]
    found = [("sagemaker", op, converter.unstructure(r), type(r)) for op, r in sm]
    found += [("sagemaker-runtime", op, converter.unstructure(r), type(r)) for op, r in runtime]
    return found


def variants(wire: Any, shape: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, Any]]:
    """(what was broken, a broken copy of the whole request) for every way to break it."""
    if shape.type_name == "structure":
        for name in shape.required_members:
            if name in wire:
                yield f"{'.'.join(map(str, (*path, name)))} removed", ((*path, name), None)
        for name, value in wire.items():
            member = shape.members.get(name)
            if member is None:
                continue
            where = (*path, name)
            label = ".".join(map(str, where))
            if member.type_name in WRONG:
                yield f"{label} wrong type", (where, WRONG[member.type_name])
            minimum = member.metadata.get("min")
            if minimum is not None and minimum > 0:
                if member.type_name == "string":
                    yield f"{label} below min", (where, "x" * (int(minimum) - 1))
                elif member.type_name in ("list", "map"):
                    yield f"{label} below min", (where, [] if member.type_name == "list" else {})
                elif member.type_name in ("integer", "long", "float", "double"):
                    yield f"{label} below min", (where, minimum - 1)
            elif minimum is not None and member.type_name in ("integer", "long", "float", "double"):
                yield f"{label} below min", (where, minimum - 1)
            yield from variants(value, member, where)
    elif shape.type_name == "list" and wire:
        yield from variants(wire[0], shape.member, (*path, 0))
    elif shape.type_name == "map" and wire:
        key = next(iter(wire))
        yield from variants(wire[key], shape.value, (*path, key))


def broken(wire: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    copy_ = copy.deepcopy(wire)
    node: Any = copy_
    for step in where[:-1]:
        node = node[step]
    if value is None:
        del node[where[-1]]
    else:
        node[where[-1]] = value
    return copy_


@pytest.mark.parametrize(("service", "operation", "wire", "cls"), requests())
def test_validate_catches_what_botocore_catches(
    service: str, operation: str, wire: dict[str, Any], cls: type[Any]
) -> None:
    shape = SESSION.get_service_model(service).operation_model(operation).input_shape
    checker = ParamValidator()
    assert not checker.validate(wire, shape).has_errors()  # the unbroken request is fine
    assert not [p for p in validate(wire, cls) if getattr(p, "severity", "error") == "error"]
    tried = refused = 0
    missed: list[str] = []
    for label, (where, value) in variants(wire, shape):
        request = broken(wire, where, value)
        tried += 1
        if not checker.validate(request, shape).has_errors():
            continue
        refused += 1
        errors = [p for p in validate(request, cls) if getattr(p, "severity", "error") == "error"]
        if not errors:
            missed.append(label)
    assert refused > 0
    assert tried >= refused
    assert missed == []

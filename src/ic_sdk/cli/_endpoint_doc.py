"""Endpoint documents in stack files: an IC-ready endpoint, compactly.

A stack file (YAML, one document per ``---``) may hold, beside CreateInferenceComponent
requests, documents with a single top-level ``Endpoint`` key::

    Endpoint:
      Name: shared-gpu
      InstanceType: ml.g5.12xlarge
      InstanceCount: 1
      ExecutionRoleArn: arn:aws:iam::123456789012:role/SageMakerRole
      MinInstances: 1          # with MaxInstances: managed instance scaling
      MaxInstances: 2

Each member is an argument of :func:`ic_sdk.ic_endpoint` (the table below is the one
source for the loader, the checks and the JSON Schema). ``ic-sdk apply`` converges the
endpoints first (``client.apply_endpoint``: created if missing, updated through a new
config if their config differs, left alone otherwise), waits until they are ``InService``
(the service refuses components before that), then goes through the components in order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ic_sdk.validation import Problem

__all__ = [
    "FIELDS",
    "KEY",
    "endpoint_problems",
    "is_endpoint",
    "plan_of",
    "schema",
    "schema_path",
]

#: The top-level key that marks an endpoint document.
KEY = "Endpoint"


@attrs.frozen
class Field:
    argument: str
    type: str  # JSON Schema type
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: int | None = None


#: Document member -> how it maps onto ``ic_endpoint``.
FIELDS: dict[str, Field] = {
    "Name": Field("name", "string", "The endpoint's name.", required=True),
    "InstanceType": Field(
        "instance_type", "string", "Instance type of the variant, e.g. ml.g5.12xlarge.", True
    ),
    "ExecutionRoleArn": Field(
        "execution_role_arn", "string", "Role the inference components run as.", True
    ),
    "InstanceCount": Field("instance_count", "integer", "Instances to start with.", minimum=1),
    "VariantName": Field("variant_name", "string", "Production variant name (AllTraffic)."),
    "ConfigName": Field("config_name", "string", "Endpoint config name (default: Name)."),
    "MinInstances": Field(
        "min_instances", "integer", "Managed instance scaling: fewest instances.", minimum=0
    ),
    "MaxInstances": Field(
        "max_instances", "integer", "Managed instance scaling: most instances.", minimum=1
    ),
    "Routing": Field(
        "routing",
        "string",
        "How requests reach instances.",
        enum=("LEAST_OUTSTANDING_REQUESTS", "RANDOM"),
    ),
    "StartupHealthCheckTimeoutInSeconds": Field(
        "startup_health_check_timeout_s", "integer", "Seconds a container has to get healthy."
    ),
    "ModelDownloadTimeoutInSeconds": Field(
        "model_download_timeout_s", "integer", "Seconds a model has to download."
    ),
    "VolumeSizeInGB": Field("volume_size_gb", "integer", "Storage per instance, in GB."),
    "Tags": Field("tags", "object", "Tags (key: value) for the config and the endpoint."),
}


def is_endpoint(data: Mapping[str, Any]) -> bool:
    """Whether a stack document is an endpoint document."""
    return KEY in data


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "object":
        return isinstance(value, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
    return isinstance(value, str)


def _arguments(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    body = data.get(KEY)
    problems: list[Problem] = []
    if not isinstance(body, Mapping):
        return {}, [Problem(path=KEY, rule="type", message="must be a mapping of members")]
    extra = sorted(set(data) - {KEY, "$schema"})
    for key in extra:
        problems.append(
            Problem(path=key, rule="unknown", message=f"an endpoint document has only {KEY!r}")
        )
    kwargs: dict[str, Any] = {}
    for key, value in body.items():
        field = FIELDS.get(key)
        where = f"{KEY}.{key}"
        if field is None:
            problems.append(
                Problem(
                    path=where,
                    rule="unknown",
                    message=f"unknown member; known: {', '.join(FIELDS)}",
                )
            )
        elif not _type_ok(value, field.type):
            problems.append(Problem(path=where, rule="type", message=f"must be {field.type}"))
        else:
            kwargs[field.argument] = value
    for key, field in FIELDS.items():
        if field.required and key not in body:
            problems.append(Problem(path=f"{KEY}.{key}", rule="required", message="is required"))
    return kwargs, problems


def endpoint_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Every problem of an endpoint document (its members, then the requests it makes)."""
    from ic_sdk.endpoints import plan_problems

    kwargs, problems = _arguments(data)
    if problems:
        return problems
    return [
        attrs.evolve(p, path=f"{KEY}: {p.path}" if p.path else KEY) for p in plan_problems(**kwargs)
    ]


def plan_of(data: Mapping[str, Any]) -> Any:
    """The :class:`~ic_sdk.endpoints.EndpointPlan` of a checked endpoint document."""
    from ic_sdk.endpoints import ic_endpoint

    kwargs, problems = _arguments(data)
    assert not problems  # checked with endpoint_problems first
    name = kwargs.pop("name")
    return ic_endpoint(name, **kwargs)


def schema() -> dict[str, Any]:
    """The JSON Schema of an endpoint document."""
    members: dict[str, Any] = {}
    for key, field in FIELDS.items():
        member: dict[str, Any] = {"type": field.type, "description": field.description}
        if field.enum is not None:
            member["enum"] = list(field.enum)
        if field.minimum is not None:
            member["minimum"] = field.minimum
        if field.type == "object":
            member["additionalProperties"] = {"type": "string"}
        members[key] = member
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "IC-ready endpoint (ic-sdk stack document)",
        "type": "object",
        "properties": {
            "$schema": {"type": "string"},
            KEY: {
                "type": "object",
                "properties": members,
                "required": [k for k, f in FIELDS.items() if f.required],
                "additionalProperties": False,
            },
        },
        "required": [KEY],
        "additionalProperties": False,
    }


def stack_schema() -> dict[str, Any]:
    """The JSON Schema of one stack document: an endpoint or a component request.

    Self-contained (the component request's definitions are copied in), so an editor
    needs this one file.
    """
    from ic_sdk.cli._specs import schema_path as component_schema_path

    component = json.loads(component_schema_path().read_text(encoding="utf-8"))
    endpoint = schema()
    defs = dict(component["$defs"])
    defs["IcEndpointDocument"] = {
        k: v for k, v in endpoint.items() if k not in ("$schema", "$id", "title")
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ic-sdk.invalid/schemas/stack.json",
        "title": "ic-sdk stack document: an IC-ready endpoint or a CreateInferenceComponent request",
        "anyOf": [
            {"$ref": "#/$defs/IcEndpointDocument"},
            {"$ref": component["$ref"]},
        ],
        "$defs": defs,
    }


def schema_path() -> Path:
    """Where the stack document's JSON Schema is installed (beside this module)."""
    return Path(__file__).resolve().parent / "stack.schema.json"


def schema_text() -> str:
    """The installed file's expected text (a test keeps them equal)."""
    return json.dumps(stack_schema(), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # refresh the shipped file after the component schema changed
    schema_path().write_text(schema_text(), encoding="utf-8")

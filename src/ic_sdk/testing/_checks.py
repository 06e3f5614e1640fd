"""Request checks: the service model's constraints, and the rules of specification entries.

Nothing here looks at stored resources; the operations (``_endpoint_ops``,
``_component_ops``) check what needs the state after these pass.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.model import ListShape, MapShape, Shape, StructureShape

from ic_sdk.testing._resources import ServiceFault, Wire, invalid

if TYPE_CHECKING:
    from botocore.model import ServiceModel

    from ic_sdk.validation import Problem

__all__ = [
    "check_adapter_entry",
    "check_base_entries",
    "clean_request",
    "input_shape",
    "parse_json",
    "validate_request",
]

# Problem rules that are the service model's own constraints. Anything else `validate`
# reports is an ic_sdk rule about inference components, which the emulator enforces
# itself, with the service's messages. Types are checked earlier, on the wire (`clean`).
_MODEL_RULES: Final = frozenset(
    {"required", "min_length", "max_length", "min", "max", "pattern", "enum"}
)
_SEGMENT: Final = re.compile(r'\.?([A-Za-z0-9_]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
#: How the service names the JSON value it could not read (Jackson's token names).
_JSON_KIND: Final[Mapping[type, str]] = {
    dict: "START_OBJECT",
    list: "START_ARRAY",
    str: "VALUE_STRING",
    bool: "VALUE_BOOLEAN",
    int: "VALUE_NUMBER_INT",
    float: "VALUE_NUMBER_FLOAT",
}


def parse_json(body: bytes) -> Wire:
    """A JSON 1.1 request body; ``SerializationException`` for anything that is not a JSON
    object (malformed, not UTF-8, or nested deeper than the parser goes)."""
    try:
        parsed = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        raise ServiceFault("SerializationException", "Malformed JSON request body.") from None
    if not isinstance(parsed, dict):
        raise ServiceFault("SerializationException", "The request body must be a JSON object.")
    return parsed


@functools.cache
def _service_model() -> ServiceModel:
    import botocore.session

    return botocore.session.get_session().get_service_model("sagemaker")


@functools.cache
def input_shape(operation: str) -> StructureShape | None:
    """The botocore input shape of a SageMaker ``operation`` (``None`` if unknown)."""
    model = _service_model()
    if operation not in model.operation_names:
        return None
    shape = model.operation_model(operation).input_shape
    return shape if isinstance(shape, StructureShape) else None


def _service_path(path: str) -> str:
    """The service's path of a value: ``Tags[0].Value`` -> ``tags.1.member.value``; a map
    entry is named by its map (``specification.container.environment``)."""
    parts = []
    for name, index, _key in _SEGMENT.findall(path):
        if name:
            parts.append(name[:1].lower() + name[1:])
        elif index:
            parts.append(f"{int(index) + 1}.member")
    return ".".join(parts)


def _unreadable(value: object, want: str, path: str) -> ServiceFault:
    kind = _JSON_KIND.get(type(value), "VALUE_NULL")
    return ServiceFault(
        "SerializationException",
        f"Cannot deserialize {kind} at '{_service_path(path)}' as {want}.",
    )


def _timestamp(value: object, path: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise _unreadable(value, "a timestamp", path)


def _clean(value: Any, shape: Shape, path: str) -> Any:
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise _unreadable(value, "a structure", path)
        members = shape.members
        return {
            name: _clean(item, members[name], f"{path}.{name}" if path else name)
            for name, item in value.items()
            if name in members and item is not None
        }
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise _unreadable(value, "a list", path)
        return [_clean(item, shape.member, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise _unreadable(value, "a map", path)
        return {k: _clean(v, shape.value, f"{path}[{json.dumps(k)}]") for k, v in value.items()}
    if kind in ("string", "blob"):
        if not isinstance(value, str):
            raise _unreadable(value, "a string", path)
        return value
    if kind in ("integer", "long"):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise _unreadable(value, "an integer", path)
        return value
    if kind in ("float", "double"):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _unreadable(value, "a number", path)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _unreadable(value, "a boolean", path)
        return value
    if kind == "timestamp":
        return _timestamp(value, path)
    return value  # a document: any JSON


def clean_request(operation: str, body: Wire) -> Wire:
    """``body`` as the service reads it: members its input shape does not define dropped
    (never stored, never echoed), nulls dropped, ISO timestamps read as epoch seconds;
    a value of the wrong JSON type, at any depth, is a ``SerializationException``."""
    shape = input_shape(operation)
    if shape is None:
        return body
    cleaned: Wire = _clean(body, shape, "")
    return cleaned


def _walk(shape: Shape, path: str) -> tuple[Shape, MapShape | None, str | None]:
    """The shape at ``path`` (a ``validate`` problem path), the map shape when the last
    segment is a map key, and that key."""
    current: Shape = shape
    owner: MapShape | None = None
    key: str | None = None
    for name, index, raw_key in _SEGMENT.findall(path):
        owner, key = None, None
        if name and isinstance(current, StructureShape) and name in current.members:
            current = current.members[name]
        elif index and isinstance(current, ListShape):
            current = current.member
        elif raw_key and isinstance(current, MapShape):
            owner, key = current, json.loads(f'"{raw_key}"')
            current = current.value
    return current, owner, key


def _constraint(rule: str, shape: Shape) -> str:
    meta = shape.metadata
    if rule == "pattern":
        return f"Member must satisfy regular expression pattern: {meta.get('pattern')}"
    if rule == "min_length":
        return f"Member must have length greater than or equal to {meta.get('min')}"
    if rule == "max_length":
        return f"Member must have length less than or equal to {meta.get('max')}"
    if rule == "min":
        return f"Member must have value greater than or equal to {meta.get('min')}"
    if rule == "max":
        return f"Member must have value less than or equal to {meta.get('max')}"
    if rule == "enum":
        values: list[str] = getattr(shape, "enum", [])
        return f"Member must satisfy enum value set: [{', '.join(values)}]"
    return "Member must not be null"


def _key_breaks(rule: str, shape: Shape, key: str) -> bool:
    """Whether ``key`` itself breaks ``rule`` (rather than its map value)."""
    meta = shape.metadata
    if rule == "pattern" and meta.get("pattern"):
        from ic_sdk.models._patterns import compile_pattern

        return bool(compile_pattern(meta["pattern"]).fullmatch(key) is None)
    if rule == "min_length":
        return len(key) < int(meta.get("min", 0))
    if rule == "max_length":
        return len(key) > int(meta.get("max", len(key)))
    return False


def _value_at(body: Any, path: str) -> Any:
    node = body
    for name, index, raw_key in _SEGMENT.findall(path):
        try:
            if name:
                node = node[name]
            elif index:
                node = node[int(index)]
            else:
                node = node[json.loads(f'"{raw_key}"')]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _message(shape: StructureShape, body: Wire, problem: Problem) -> str:
    """One problem in the service's words: ``Value 'x' at 'path' failed to satisfy
    constraint: Member must ...`` (no value for sensitive members or map entries)."""
    target, owner, key = _walk(shape, problem.path)
    where = _service_path(problem.path)
    if problem.rule == "required":
        return f"Value null at '{where}' failed to satisfy constraint: Member must not be null"
    value = _value_at(body, problem.path)
    constraint = _constraint(problem.rule, target)
    if owner is not None and key is not None:
        if _key_breaks(problem.rule, owner.key, key):
            constraint = (
                f"Map keys must satisfy constraint: [{_constraint(problem.rule, owner.key)}]"
            )
        else:
            constraint = f"Map value must satisfy constraint: [{constraint}]"
        value = None  # map entries may hold secrets (a container's environment)
    if isinstance(value, str | int | float) and not target.metadata.get("sensitive"):
        return f"Value '{value}' at '{where}' failed to satisfy constraint: {constraint}"
    return f"Value at '{where}' failed to satisfy constraint: {constraint}"


def validate_request(operation: str, body: Mapping[str, Any]) -> None:
    """Reject a request that breaks the service model's constraints, as the service does.

    The one place the emulator checks a request against the model: ``ic_sdk.validate``
    on the wire dict, keeping the model's own rules (required, length, range, pattern,
    enum). The answer is a ``ValidationException`` listing every problem in the service's
    words (``1 validation error detected: Value 'bad_name!' at 'inferenceComponentName'
    failed to satisfy constraint: Member must satisfy regular expression pattern: ...``).
    """
    from ic_sdk import models
    from ic_sdk.validation import validate

    shape = getattr(models, f"{operation}Input", None)
    wire_shape = input_shape(operation)
    if shape is None or wire_shape is None:
        return
    problems = [p for p in validate(dict(body), shape) if p.rule in _MODEL_RULES]
    if not problems:
        return
    count = len(problems)
    details = "; ".join(_message(wire_shape, dict(body), p) for p in problems)
    raise invalid(f"{count} validation error{'s' if count != 1 else ''} detected: {details}")


def check_base_entries(entries: list[Wire], *, multiple: bool) -> None:
    """The rules of a base component's ``Specification`` / ``Specifications`` entries."""
    problems = []
    for index, entry in enumerate(entries):
        where = f"Specifications[{index}]" if multiple else "Specification"
        if entry.get("BaseInferenceComponentName"):
            problems.append(
                f"{where}.BaseInferenceComponentName: only a single Specification can "
                "name a base inference component"
                if multiple
                else f"{where}.BaseInferenceComponentName cannot be changed"
            )
        if not entry.get("ComputeResourceRequirements"):
            problems.append(f"{where}.ComputeResourceRequirements is required")
        if not entry.get("ModelName") and not (entry.get("Container") or {}).get("Image"):
            problems.append(f"{where}: either ModelName or Container.Image is required")
        if multiple and not entry.get("InstanceType"):
            problems.append(f"{where}.InstanceType is required when using Specifications")
    if multiple:
        types = [e.get("InstanceType") for e in entries if e.get("InstanceType")]
        if len(types) != len(set(types)):
            problems.append("Specifications must name each InstanceType at most once")
    if problems:
        raise invalid("; ".join(problems) + ".")


def check_adapter_entry(body: Wire, spec: Wire) -> None:
    """The rules of an adapter component's request and ``Specification``."""
    problems = []
    if body.get("VariantName"):
        problems.append(
            "VariantName must not be set for an adapter inference component "
            "(it runs on the variant of its base)"
        )
    if body.get("RuntimeConfig"):
        problems.append(
            "RuntimeConfig must not be set for an adapter inference component "
            "(it runs on the copies of its base)"
        )
    if spec.get("ComputeResourceRequirements"):
        problems.append(
            "Specification.ComputeResourceRequirements must not be set for an adapter "
            "inference component (it shares the compute of its base)"
        )
    if spec.get("ModelName") or (spec.get("Container") or {}).get("Image"):
        problems.append(
            "an adapter inference component takes only BaseInferenceComponentName and "
            "Container.ArtifactUrl (no ModelName, no Container.Image)"
        )
    if not (spec.get("Container") or {}).get("ArtifactUrl"):
        problems.append("Specification.Container.ArtifactUrl is required for an adapter")
    if problems:
        raise invalid("; ".join(problems) + ".")

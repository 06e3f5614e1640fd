"""Request checks: the service model's constraints, and the rules of specification entries.

Nothing here looks at stored resources; the operations (``_endpoint_ops``,
``_component_ops``) check what needs the state after these pass.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any, Final

from ic_sdk.testing._resources import Wire, invalid

__all__ = [
    "check_adapter_entry",
    "check_base_entries",
    "decode_token",
    "encode_token",
    "validate_request",
]

# Problem rules that are the service model's own constraints. Anything else `validate`
# reports is an ic_sdk rule about inference components, which the emulator enforces
# itself, with the service's messages.
_MODEL_RULES: Final = frozenset(
    {"required", "type", "min_length", "max_length", "min", "max", "pattern", "enum"}
)


def _service_path(path: str) -> str:
    """``Specification.Container.Environment`` -> ``specification.container.environment``."""
    return ".".join(part[:1].lower() + part[1:] for part in path.split("."))


def validate_request(operation: str, body: Mapping[str, Any]) -> None:
    """Reject a request that breaks the service model's constraints, as the service does.

    The one place the emulator checks a request against the model: ``ic_sdk.validate``
    on the wire dict, keeping the model's own rules (required, type, length, range,
    pattern, enum). The answer is a ``ValidationException`` listing every problem.
    """
    from ic_sdk import models
    from ic_sdk.validation import validate

    shape = getattr(models, f"{operation}Input", None)
    if shape is None:
        return
    problems = [p for p in validate(dict(body), shape) if p.rule in _MODEL_RULES]
    if not problems:
        return
    count = len(problems)
    details = "; ".join(
        f"Value at '{_service_path(p.path)}' failed to satisfy constraint: {p.message}"
        for p in problems
    )
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


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise invalid("The NextToken is invalid.") from None
    if not isinstance(offset, int) or offset < 0:
        raise invalid("The NextToken is invalid.")
    return offset

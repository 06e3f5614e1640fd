"""Stage 3: the IR as JSON Schema (2020-12), one ``$defs`` entry per shape.

Shipped in the wheel (``ic_sdk/schemas/``) so spec files can be checked in editors.
Patterns are anchored (botocore's are full-match) and written in the Unicode-aware
ECMAScript syntax editors use, which understands ``\\p{L}`` natively.
"""

from __future__ import annotations

from typing import Any

from codegen import overrides
from codegen.ir import Service, Shape

__all__ = ["service_schema", "subset_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_NUMBER = {"integer": "integer", "long": "integer", "float": "number", "double": "number"}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _shape_schema(shape: Shape, service: Service) -> dict[str, Any]:
    c = shape.constraints
    out: dict[str, Any] = {}
    if shape.doc:
        out["description"] = shape.doc
    t = shape.type
    if t == "structure":
        out["type"] = "object"
        out["properties"] = {}
        for m in shape.members:
            prop = _ref(m.target)
            if m.doc:
                prop = {**prop, "description": m.doc}
            if m.deprecated:
                prop["deprecated"] = True
            out["properties"][m.wire] = prop
        required = [m.wire for m in shape.members if m.required]
        if required:
            out["required"] = required
        # Spec files are requests: a misspelt member should be flagged in the editor.
        # (Parsing responses never looks at this schema: see ic_sdk.serde.)
        out["additionalProperties"] = False
        if shape.union:
            out["minProperties"] = out["maxProperties"] = 1
    elif t == "string":
        out["type"] = "string"
        if c.enum is not None:
            out["enum"] = list(c.enum)
        if c.min is not None:
            out["minLength"] = c.min
        if c.max is not None:
            out["maxLength"] = c.max
        if c.pattern is not None:
            pattern = overrides.PATTERN_REWRITES.get(c.pattern, c.pattern)
            out["pattern"] = f"^(?:{pattern})$"
    elif t in _NUMBER:
        out["type"] = _NUMBER[t]
        if c.min is not None:
            out["minimum"] = c.min
        if c.max is not None:
            out["maximum"] = c.max
    elif t == "boolean":
        out["type"] = "boolean"
    elif t == "timestamp":
        out["type"] = ["string", "number"]
        out["format"] = "date-time"
    elif t == "blob":
        out["type"] = "string"
        out["contentEncoding"] = "base64"
    elif t == "list":
        assert shape.list_member is not None
        out["type"] = "array"
        out["items"] = _ref(shape.list_member)
        if c.min is not None:
            out["minItems"] = c.min
        if c.max is not None:
            out["maxItems"] = c.max
    elif t == "map":
        assert shape.map_key is not None
        assert shape.map_value is not None
        out["type"] = "object"
        out["propertyNames"] = _ref(shape.map_key)
        out["additionalProperties"] = _ref(shape.map_value)
        if c.min is not None:
            out["minProperties"] = c.min
        if c.max is not None:
            out["maxProperties"] = c.max
    else:
        raise ValueError(f"unknown shape type {t!r} of {shape.name}")
    return out


def service_schema(service: Service) -> dict[str, Any]:
    """The whole service: every shape under ``$defs``.

    The root carries a title of its own: untitled, tools name the root after the file
    and it collides with the ``Model`` shape.
    """
    return {
        "$schema": DIALECT,
        "$id": f"https://ic-sdk.invalid/schemas/{service.name}.json",
        "title": f"{service.name} {service.api_version} shapes (botocore {service.botocore_version})",
        "$defs": {name: _shape_schema(s, service) for name, s in service.shapes.items()},
    }


def _closure(service: Service, root: str) -> list[str]:
    seen: dict[str, None] = {}
    stack = [root]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen[name] = None
        s = service.shapes[name]
        stack.extend(m.target for m in s.members)
        stack.extend(x for x in (s.list_member, s.map_key, s.map_value) if x)
    return sorted(seen)


def subset_schema(service: Service, root: str, schema_id: str) -> dict[str, Any]:
    """A self-contained schema whose root is one shape (a spec file's contents)."""
    defs = {name: _shape_schema(service.shapes[name], service) for name in _closure(service, root)}
    return {
        "$schema": DIALECT,
        "$id": f"https://ic-sdk.invalid/schemas/{schema_id}.json",
        "title": f"{root} (botocore {service.botocore_version})",
        "$ref": f"#/$defs/{root}",
        "$defs": defs,
    }

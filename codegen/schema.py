"""Stage 3: the IR as JSON Schema (2020-12), one ``$defs`` entry per shape.

Shipped in the wheel (``ic_sdk/schemas/``) so spec files can be checked in editors, and
the only input of the model stage (:mod:`codegen.models`): everything the models need
that JSON Schema has no keyword for travels in ``x-`` keys.

On every shape: ``x-kind`` (``structure``, ``enum`` or ``alias``: what it becomes in
Python), ``x-type`` (botocore's type), ``x-pattern`` (botocore's pattern verbatim: field
metadata carries it), ``x-min``/``x-max`` (bounds of types without a JSON Schema bound
keyword), ``x-sensitive`` (values are secrets), ``x-doc`` (the docstring of a class whose
shape has no documentation) and, on enums, ``x-enum-varnames`` (member names). On every
structure member: ``x-python-name`` (the field name) and ``x-jsonvalue`` (any JSON value
despite its string shape). Member names are the wire names; ``description`` holds docs.

Patterns are anchored (botocore's are full-match) and written in ECMAScript ``u``-mode
syntax, the regex dialect of JSON Schema and editors (see
:func:`codegen.patterns.ecmascript`).
"""

from __future__ import annotations

from typing import Any

from codegen import naming, overrides, patterns
from codegen.ir import Service, Shape

__all__ = ["service_schema", "subset_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_NUMBER = {"integer": "integer", "long": "integer", "float": "number", "double": "number"}

#: botocore type → the JSON Schema keywords its ``min``/``max`` become (others: ``x-``).
BOUNDS: dict[str, tuple[str, str]] = {
    "string": ("minLength", "maxLength"),
    **dict.fromkeys(_NUMBER, ("minimum", "maximum")),
    "list": ("minItems", "maxItems"),
    "map": ("minProperties", "maxProperties"),
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _fallback_doc(shape: Shape, service: Service) -> str:
    """A class docstring for a shape botocore does not document."""
    for op in service.operations.values():
        if shape.name in (op.input, op.output):
            role = "Request" if shape.name == op.input else "Response"
            first = op.doc.split("\n\n", 1)[0]
            return f"{role} of the ``{op.name}`` operation.\n\n{first}".strip()
    return f"The ``{shape.name}`` shape."


def _extensions(shape: Shape, service: Service) -> dict[str, Any]:
    c = shape.constraints
    out: dict[str, Any] = {"x-kind": shape.kind, "x-type": shape.type}
    if c.pattern is not None:
        out["x-pattern"] = c.pattern
    if shape.type not in BOUNDS:
        if c.min is not None:
            out["x-min"] = c.min
        if c.max is not None:
            out["x-max"] = c.max
    if shape.sensitive or shape.name in overrides.SECRET_SHAPES:
        out["x-sensitive"] = True
    if shape.kind != "alias" and not shape.doc:
        out["x-doc"] = _fallback_doc(shape, service)
    if shape.is_enum:
        assert c.enum is not None
        out["x-enum-varnames"] = naming.enum_member_names(list(c.enum))
    return out


def _shape_schema(shape: Shape, service: Service) -> dict[str, Any]:
    c = shape.constraints
    out: dict[str, Any] = {}
    if shape.doc:
        out["description"] = shape.doc
    out.update(_extensions(shape, service))
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
            prop["x-python-name"] = m.attr
            if m.jsonvalue:
                prop["x-jsonvalue"] = True
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
            out["pattern"] = f"^(?:{patterns.ecmascript(c.pattern)})$"
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

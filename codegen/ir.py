"""Stage 2: the intermediate representation — what the generator knows about shapes.

Frozen attrs classes, built once from botocore's raw JSON. Every later stage reads
only this.
"""

from __future__ import annotations

from typing import Any

import attrs

from codegen import naming, overrides
from codegen.doctext import html_to_text
from codegen.load import RawService

__all__ = ["Constraints", "Member", "Operation", "Service", "Shape", "build"]

PRIMITIVES = frozenset(
    {"string", "integer", "long", "float", "double", "boolean", "timestamp", "blob"}
)


@attrs.frozen
class Constraints:
    min: int | float | None = None
    max: int | float | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None


@attrs.frozen
class Member:
    wire: str
    attr: str
    target: str
    required: bool
    doc: str
    deprecated: bool = False
    jsonvalue: bool = False
    location: str | None = None
    location_name: str | None = None


@attrs.frozen
class Shape:
    name: str
    type: str
    doc: str
    constraints: Constraints = Constraints()
    members: tuple[Member, ...] = ()
    list_member: str | None = None
    map_key: str | None = None
    map_value: str | None = None
    sensitive: bool = False
    union: bool = False
    exception: bool = False
    eventstream: bool = False
    streaming: bool = False

    @property
    def is_enum(self) -> bool:
        return self.type == "string" and self.constraints.enum is not None

    @property
    def kind(self) -> str:
        """``structure``, ``enum`` or ``alias`` — what the shape becomes in Python."""
        if self.type == "structure":
            return "structure"
        return "enum" if self.is_enum else "alias"


@attrs.frozen
class Operation:
    name: str
    input: str | None
    output: str | None
    errors: tuple[str, ...]
    doc: str


@attrs.frozen
class Service:
    name: str
    api_version: str
    botocore_version: str
    shapes: dict[str, Shape]
    operations: dict[str, Operation]

    def shape(self, name: str) -> Shape:
        return self.shapes[name]


def _constraints(raw: dict[str, Any]) -> Constraints:
    enum = raw.get("enum")
    return Constraints(
        min=raw.get("min"),
        max=raw.get("max"),
        pattern=raw.get("pattern"),
        enum=tuple(enum) if enum is not None else None,
    )


def _shape(name: str, raw: dict[str, Any]) -> Shape:
    required = set(raw.get("required", ()))
    members = tuple(
        Member(
            wire=wire,
            attr=naming.field_name(wire),
            target=m["shape"],
            required=wire in required,
            doc=html_to_text(m.get("documentation")),
            deprecated=bool(m.get("deprecated")),
            jsonvalue=bool(m.get("jsonvalue")),
            location=m.get("location"),
            location_name=m.get("locationName"),
        )
        for wire, m in raw.get("members", {}).items()
    )
    attrs_ = [m.attr for m in members]
    if len(set(attrs_)) != len(attrs_) or overrides.UNKNOWN_FIELD in attrs_:
        raise ValueError(f"member names of {name} collide in Python: {attrs_}")
    return Shape(
        name=name,
        type=raw["type"],
        doc=html_to_text(raw.get("documentation")),
        constraints=_constraints(raw),
        members=members,
        list_member=raw.get("member", {}).get("shape"),
        map_key=raw.get("key", {}).get("shape"),
        map_value=raw.get("value", {}).get("shape"),
        sensitive=bool(raw.get("sensitive")),
        union=bool(raw.get("union")),
        exception=bool(raw.get("exception")),
        eventstream=bool(raw.get("eventstream")),
        streaming=bool(raw.get("streaming")),
    )


def build(raw: RawService) -> Service:
    shapes = {name: _shape(name, s) for name, s in sorted(raw.model["shapes"].items())}
    operations = {
        name: Operation(
            name=name,
            input=op.get("input", {}).get("shape"),
            output=op.get("output", {}).get("shape"),
            errors=tuple(e["shape"] for e in op.get("errors", ())),
            doc=html_to_text(op.get("documentation")),
        )
        for name, op in sorted(raw.model["operations"].items())
    }
    for shape in shapes.values():
        for target in (
            *(m.target for m in shape.members),
            shape.list_member,
            shape.map_key,
            shape.map_value,
        ):
            if target is not None and target not in shapes:
                raise ValueError(f"{shape.name} refers to unknown shape {target}")
    return Service(
        name=raw.name,
        api_version=raw.api_version,
        botocore_version=raw.botocore_version,
        shapes=shapes,
        operations=operations,
    )

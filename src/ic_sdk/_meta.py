"""The field-metadata contract of generated models, and the one shape resolver.

Every field of a generated model class carries its description in ``attrs`` field
metadata: the wire name, whether it is required, the value's kind and botocore shape,
its constraints and, for containers, the same description of list members and map keys
and values. :class:`FieldMeta` spells that contract out; codegen produces it, and serde,
validation, the CLI and the docs hook read it only through this module::

    {"wire": "Tags", "required": False, "type": "list", "shape": "TagList",
     "min": 0, "max": 50, "member": {"type": "structure", "shape": "Tag"}}

Shape names in metadata (``"shape": "Tag"``) resolve to classes one way,
:func:`resolve_shape`: the class of that name exported by the model package of the class
whose field names it (``ic_sdk.models`` for SageMaker shapes, ``ic_sdk.models.runtime``
for the runtime's; a class outside a model package resolves names in its own module).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from typing import Any, Final, Literal, TypedDict, cast, get_args

import attrs

__all__ = [
    "VALUE_KINDS",
    "FieldMeta",
    "ValueKind",
    "ValueMeta",
    "field_meta",
    "fields",
    "meta_problems",
    "resolve_shape",
    "shape_in",
    "shape_package",
    "unknown_field",
    "wire_name",
]

#: The kind of a value: a botocore shape type.
ValueKind = Literal[
    "string",
    "integer",
    "long",
    "float",
    "double",
    "boolean",
    "timestamp",
    "blob",
    "structure",
    "list",
    "map",
]

VALUE_KINDS: Final[frozenset[str]] = frozenset(get_args(ValueKind))


class ValueMeta(TypedDict, total=False):
    """How a value is described: a field's value, a list member, a map key or value.

    ``type`` and ``shape`` are always present in generated metadata; the rest only when
    the botocore shape has them.
    """

    #: The value's kind.
    type: ValueKind
    #: The botocore shape name (for structures and enums: the class name).
    shape: str
    #: Minimum length (strings), item/entry count (lists, maps), size (blobs) or value.
    min: int | float
    #: Maximum, as ``min``.
    max: int | float
    #: A Python ``re`` pattern the whole string must match (botocore syntax).
    pattern: str
    #: The values botocore knows for an enum shape.
    enum: tuple[str, ...]
    #: The value is secret: never shown in reprs or messages.
    sensitive: bool
    #: Lists: how each item is described.
    member: ValueMeta
    #: Maps: how each key is described.
    key: ValueMeta
    #: Maps: how each value is described.
    value: ValueMeta


class FieldMeta(ValueMeta, total=False):
    """Metadata of one field of a generated model class.

    A regular field has ``wire``, ``required``, ``type`` and ``shape``; the one field
    holding members the service sent that the model does not know has only
    ``unknown: True``.
    """

    #: The member's name on the wire (PascalCase).
    wire: str
    #: The member is required by the service model.
    required: bool
    #: botocore (de)serializes the member as any JSON value (despite a string shape).
    jsonvalue: bool
    #: This field keeps unknown members as sent; it is not a member itself.
    unknown: bool


_VALUE_KEYS: Final[Mapping[str, type | tuple[type, ...]]] = {
    "type": str,
    "shape": str,
    "min": (int, float),
    "max": (int, float),
    "pattern": str,
    "enum": tuple,
    "sensitive": bool,
    "member": dict,
    "key": dict,
    "value": dict,
}
_FIELD_KEYS: Final[Mapping[str, type | tuple[type, ...]]] = {
    **_VALUE_KEYS,
    "wire": str,
    "required": bool,
    "jsonvalue": bool,
    "unknown": bool,
}


def field_meta(field: attrs.Attribute[Any]) -> FieldMeta:
    """The metadata of one attrs field, typed."""
    return cast(FieldMeta, field.metadata)


def fields(cls: type) -> Iterator[tuple[attrs.Attribute[Any], FieldMeta]]:
    """``(attrs field, metadata)`` of each wire member of a model class, in order.

    The field keeping unknown members is left out.
    """
    for f in attrs.fields(cls):
        meta = field_meta(f)
        if not meta.get("unknown"):
            yield f, meta


def unknown_field(cls: type) -> str | None:
    """The attribute name of the field keeping unknown members, if the class has one."""
    for f in attrs.fields(cls):
        if f.metadata.get("unknown"):
            return str(f.name)
    return None


def wire_name(field: attrs.Attribute[Any]) -> str:
    """A field's wire name (its attribute name when the metadata has none)."""
    return str(field.metadata.get("wire", field.name))


def meta_problems(meta: Mapping[str, Any], *, field: bool = True) -> list[str]:
    """What in ``meta`` breaks the contract (empty when it conforms): for tests and codegen."""
    allowed = _FIELD_KEYS if field else _VALUE_KEYS
    out: list[str] = []
    for key, value in meta.items():
        want = allowed.get(key)
        if want is None:
            out.append(f"unknown key {key!r}")
        elif not isinstance(value, want) or (want is not bool and isinstance(value, bool)):
            out.append(f"{key!r} is {type(value).__name__}")
    if meta.get("unknown"):
        return out
    if field and ("wire" not in meta or "required" not in meta):
        out.append("a field needs 'wire' and 'required'")
    if meta.get("type") not in VALUE_KINDS:
        out.append(f"'type' {meta.get('type')!r} is not a value kind")
    if "shape" not in meta:
        out.append("'shape' is missing")
    for part in ("member", "key", "value"):
        inner = meta.get(part)
        if isinstance(inner, Mapping):
            out += [f"{part}: {p}" for p in meta_problems(inner, field=False)]
    kind = meta.get("type")
    if kind == "list" and "member" not in meta:
        out.append("a list needs 'member'")
    if kind == "map" and ("key" not in meta or "value" not in meta):
        out.append("a map needs 'key' and 'value'")
    return out


# --------------------------------------------------------------------------- shapes

_SHAPES_MARK: Final = "._shapes."


def shape_package(cls: type) -> str:
    """The module that resolves shape names for ``cls``'s fields.

    Generated classes live in ``<package>._shapes.<module>``; the package index exports
    every shape of the service. Any other class resolves names in its own module.
    """
    module = cls.__module__
    return module.rsplit(_SHAPES_MARK, 1)[0] if _SHAPES_MARK in module else module


_RESOLVED: dict[tuple[str, str], Any] = {}


def resolve_shape(owner: type, shape: str) -> Any:
    """The class (structure or enum) named ``shape`` for a field of ``owner``.

    Raises ``LookupError`` when there is none.
    """
    return shape_in(shape_package(owner), shape)


def shape_in(package: str, shape: str) -> Any:
    """The class (structure or enum) named ``shape`` in the module ``package``.

    Raises ``LookupError`` when there is none.
    """
    key = (package, shape)
    found = _RESOLVED.get(key)
    if found is not None:
        return found
    module = sys.modules.get(package) or importlib.import_module(package)
    try:
        found = getattr(module, shape)
    except AttributeError:
        raise LookupError(f"{package} has no shape {shape!r}") from None
    if not isinstance(found, type):
        raise LookupError(f"{package}.{shape} is not a class")
    _RESOLVED[key] = found
    return found

"""validate() is generic: it reads only the field-metadata contract, for any shape.

These classes are written by hand in the generated models' style (same metadata keys),
covering value kinds the inference-component shapes do not use: timestamps, blobs,
longs, doubles, booleans, lists of scalars, maps of lists, recursive structures,
sensitive strings and free JSON values.
"""

# ruff: noqa: RUF009 - `field()` below is an attrs field specifier (attrs.field with metadata)
from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from ic_sdk.validation import Problem, validate


def field(wire: str, type: str, *, required: bool = False, **meta: Any) -> Any:
    metadata = {"wire": wire, "required": required, "type": type, "shape": wire, **meta}
    if required:
        return attrs.field(metadata=metadata)
    return attrs.field(default=None, metadata=metadata)


@attrs.define(frozen=True, kw_only=True, slots=True)
class Node:
    """A recursive structure: a tree."""

    label: str = field("Label", "string", required=True, min=1, max=8, pattern="[a-z]+")
    children: list[Node] | None = field(
        "Children", "list", max=2, member={"type": "structure", "shape": "Node"}
    )
    _unknown: dict[str, Any] | None = attrs.field(
        default=None, init=False, metadata={"unknown": True}
    )


@attrs.define(frozen=True, kw_only=True, slots=True)
class Everything:
    when: datetime | None = field("When", "timestamp")
    data: bytes | None = field("Data", "blob", min=1, max=4)
    big: int | None = field("Big", "long", min=0, max=10**12)
    ratio: float | None = field("Ratio", "double", min=0.0, max=1.0)
    free: float | None = field("Free", "float")
    flag: bool | None = field("Flag", "boolean")
    names: list[str] | None = field(
        "Names",
        "list",
        min=1,
        member={"type": "string", "shape": "Name", "max": 3, "pattern": "[a-z]+"},
    )
    modes: list[str] | None = field(
        "Modes", "list", member={"type": "string", "shape": "Mode", "enum": ("ON", "OFF")}
    )
    groups: dict[str, list[int]] | None = field(
        "Groups",
        "map",
        key={"type": "string", "shape": "GroupKey", "pattern": "[A-Z]+"},
        value={
            "type": "list",
            "shape": "Ints",
            "max": 2,
            "member": {"type": "integer", "shape": "Int", "min": 1},
        },
    )
    password: str | None = field("Password", "string", sensitive=True, min=8, pattern="[^ ]*")
    document: Any = field("Document", "string", jsonvalue=True)
    tree: Node | None = field("Tree", "structure", shape="Node")
    ghost: Any = field("Ghost", "structure", shape="NoSuchShape")
    plain: Any = attrs.field(default=None, metadata={"wire": "Plain"})


def pairs(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.path, p.rule) for p in problems}


def test_a_valid_instance_of_every_kind_has_no_problems() -> None:
    value = Everything(
        when=datetime(2024, 1, 1, tzinfo=UTC),
        data=b"ab",
        big=10**11,
        ratio=0.5,
        free=-1e300,
        flag=False,
        names=["ab", "c"],
        modes=["ON"],
        groups={"A": [1, 2], "B": []},
        password="correct-horse",
        document={"any": ["json", 1]},
        tree=Node(label="root", children=[Node(label="a"), Node(label="b", children=[])]),
        ghost=object(),
        plain=object(),
    )
    assert validate(value) == []


def test_every_kind_reports_its_problems_at_its_path() -> None:
    value = Everything(
        when="2024-01-01",  # type: ignore[arg-type]
        data=b"abcde",
        big=-1,
        ratio=1.5,
        free=float("inf"),
        flag=1,  # type: ignore[arg-type]
        names=["ok", "TOOLONG"],
        modes=["ON", "of"],
        groups={"a": [0, 1, 2]},
        password="short p",
        tree=Node(label="Root", children=[Node(label="x", children=[Node(label="")])]),
    )
    assert pairs(validate(value)) == {
        ("When", "type"),
        ("Data", "max_length"),
        ("Big", "min"),
        ("Ratio", "max"),
        ("Free", "type"),
        ("Flag", "type"),
        ("Names[1]", "max_length"),
        ("Names[1]", "pattern"),
        ("Modes[1]", "enum"),
        ('Groups["a"]', "pattern"),
        ('Groups["a"]', "max_length"),
        ('Groups["a"][0]', "min"),
        ("Password", "min_length"),
        ("Password", "pattern"),
        ("Tree.Label", "pattern"),
        ("Tree.Children[0].Children[0].Label", "min_length"),
        ("Tree.Children[0].Children[0].Label", "pattern"),
    }


def test_sensitive_strings_are_described_by_length() -> None:
    problems = validate(Everything(password="my secret"))
    assert pairs(problems) == {("Password", "pattern")}
    assert "my secret" not in problems[0].message
    assert "length 9" in problems[0].message


def test_dict_mode_accepts_what_botocore_accepts() -> None:
    request = {
        "When": "2024-01-01T00:00:00Z",
        "Data": "ab",
        "Ratio": Decimal("0.5"),
        "Free": 3,
        "Tree": {"Label": "a", "Children": [{"Label": "b"}]},
    }
    assert validate(request, Everything) == []
    assert validate({"When": 1700000000, "Data": io.BytesIO(b"x" * 100)}, Everything) == []


def test_model_mode_is_strict_about_python_types() -> None:
    value = Everything(data="ab", ratio=Decimal("0.5"))  # type: ignore[arg-type]
    assert pairs(validate(value)) == {("Data", "type"), ("Ratio", "type")}


def test_blob_text_is_measured_in_utf8_bytes() -> None:
    assert pairs(validate({"Data": "ééé"}, Everything)) == {("Data", "max_length")}


def test_dict_mode_recursion_and_unknown_members() -> None:
    request = {"Tree": {"Label": "a", "Children": [{"Lable": "b"}, {"Label": "c"}, {"Label": "d"}]}}
    assert pairs(validate(request, Everything)) == {
        ("Tree.Children", "max_length"),
        ("Tree.Children[0].Lable", "unknown"),
        ("Tree.Children[0].Label", "required"),
    }


def test_unknown_keys_kept_by_a_model_are_reported() -> None:
    tree = Node(label="a")
    object.__setattr__(tree, "_unknown", {"Colour": "red"})
    assert pairs(validate(tree)) == {("Colour", "unknown")}


def test_fields_without_type_metadata_or_resolvable_shape_are_not_checked() -> None:
    assert validate(Everything(plain=42, ghost="anything")) == []
    assert validate({"Plain": 1, "Ghost": 2}, Everything) == []


@pytest.mark.parametrize(
    "garbage",
    [
        {"Names": "abc"},
        {"Names": [1, None]},
        {"Groups": {1: "x", "B": None}},
        {"Groups": []},
        {"Tree": {"Children": {"Label": "a"}}},
        {"Modes": [["ON"]]},
        {"Big": 2**100, "Ratio": "0.5", "Flag": "true"},
    ],
)
def test_garbage_is_reported_never_raised(garbage: dict[str, Any]) -> None:
    problems = validate(garbage, Everything)
    assert problems
    assert all(p.rule in {"type", "max", "required", "unknown"} for p in problems)


def test_plans_are_built_once_per_class() -> None:
    from ic_sdk.validation import _engine

    validate(Node(label="a"))
    plan = _engine._PLANS[Node]
    validate(Node(label="b"))
    assert _engine._PLANS[Node] is plan

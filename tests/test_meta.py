"""The field-metadata contract (ic_sdk._meta): every generated field conforms to it."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from ic_sdk import _meta, models
from ic_sdk.models import runtime


def _model_classes() -> list[tuple[Any, type]]:
    out = []
    for package in (models, runtime):
        for name in dir(package):
            obj = getattr(package, name)
            if isinstance(obj, type) and attrs.has(obj):
                out.append((package, obj))
    return out


def _shapes_named(meta: _meta.ValueMeta) -> list[_meta.ValueMeta]:
    found = [meta] if meta.get("type") == "structure" or "enum" in meta else []
    for part in ("member", "key", "value"):
        inner = meta.get(part)
        if isinstance(inner, dict):
            found += _shapes_named(inner)
    return found


def test_every_generated_field_conforms_and_every_shape_resolves() -> None:
    classes = _model_classes()
    assert len(classes) > 1000
    broken: list[str] = []
    for package, cls in classes:
        for f in attrs.fields(cls):
            problems = _meta.meta_problems(f.metadata)
            broken += [f"{cls.__name__}.{f.name}: {p}" for p in problems]
        for _f, meta in _meta.fields(cls):
            for value in _shapes_named(meta):
                resolved = _meta.resolve_shape(cls, value["shape"])
                assert resolved is getattr(package, value["shape"])
    assert broken == []


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"wire": "A", "required": True, "type": "string", "shape": "S"}, []),
        ({"unknown": True}, []),
        ({"wire": "A", "required": True, "type": "text", "shape": "S"}, ["'type' 'text'"]),
        ({"wire": "A", "type": "string", "shape": "S"}, ["needs 'wire' and 'required'"]),
        ({"wire": "A", "required": 1, "type": "string", "shape": "S"}, ["'required' is int"]),
        ({"wire": "A", "required": True, "type": "list", "shape": "L"}, ["needs 'member'"]),
        (
            {"wire": "A", "required": True, "type": "string", "shape": "S", "colour": 1},
            ["unknown key 'colour'"],
        ),
        (
            {
                "wire": "A",
                "required": True,
                "type": "map",
                "shape": "M",
                "key": {"type": "string", "shape": "K"},
                "value": {"type": "string", "shape": "V", "wire": "x"},
            },
            ["value: unknown key 'wire'"],
        ),
    ],
)
def test_meta_problems_names_what_breaks_the_contract(
    meta: dict[str, Any], expected: list[str]
) -> None:
    problems = _meta.meta_problems(meta)
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem


def test_resolve_shape_reads_the_owners_package_and_says_when_missing() -> None:
    spec = models.InferenceComponentSpecification
    assert _meta.shape_package(spec) == "ic_sdk.models"
    assert _meta.resolve_shape(spec, "InferenceComponentContainerSpecification") is (
        models.InferenceComponentContainerSpecification
    )
    assert _meta.shape_package(runtime.InvokeEndpointInput) == "ic_sdk.models.runtime"
    with pytest.raises(LookupError, match="NoSuchShape"):
        _meta.resolve_shape(spec, "NoSuchShape")
    # a class outside a model package resolves names in its own module
    assert _meta.resolve_shape(_Local, "_Local") is _Local


@attrs.define
class _Local:
    x: int = attrs.field(metadata={"wire": "X", "required": True, "type": "integer", "shape": "X"})

"""The shipped JSON Schemas and the models say the same thing, shape by shape.

The models are generated from these schemas (codegen/models.py); this reads the
installed schema files at test time and checks every class against them: field names,
metadata, required-ness, enum values and member names.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

import ic_sdk
from codegen.models import field_metadata
from ic_sdk import models
from ic_sdk.models import runtime

SCHEMAS = Path(ic_sdk.__file__).parent / "schemas"


@pytest.mark.parametrize(
    ("file", "package"), [("sagemaker.json", models), ("sagemaker-runtime.json", runtime)]
)
def test_every_class_matches_its_schema_definition(file: str, package: Any) -> None:
    defs = json.loads((SCHEMAS / file).read_text(encoding="utf-8"))["$defs"]
    kinds = {"structure": 0, "enum": 0, "alias": 0}
    for name, d in defs.items():
        kinds[d["x-kind"]] += 1
        obj = getattr(package, name)
        if d["x-kind"] == "structure":
            fields = [f for f in attrs.fields(obj) if not f.metadata.get("unknown")]
            assert [f.metadata["wire"] for f in fields] == list(d["properties"]), name
            required = set(d.get("required", ()))
            for f, (wire, prop) in zip(fields, d["properties"].items(), strict=True):
                assert f.name == prop["x-python-name"], (name, wire)
                assert dict(f.metadata) == field_metadata(defs, wire, prop, wire in required)
        elif d["x-kind"] == "enum":
            assert issubclass(obj, enum.StrEnum), name
            assert [m.value for m in obj] == d["enum"], name
            assert [m.name for m in obj] == d["x-enum-varnames"], name
        else:
            assert not isinstance(obj, type) or not attrs.has(obj), name
    assert kinds["structure"] > 0
    if package is models:
        assert kinds["enum"] > 300


def test_spec_schemas_are_slices_of_the_service_schema() -> None:
    full = json.loads((SCHEMAS / "sagemaker.json").read_text(encoding="utf-8"))["$defs"]
    for file in ("create-inference-component.json", "update-inference-component.json"):
        part = json.loads((SCHEMAS / file).read_text(encoding="utf-8"))
        for name, d in part["$defs"].items():
            assert d == full[name], (file, name)

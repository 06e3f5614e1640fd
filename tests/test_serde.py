"""ic_sdk.serde.converter against wire dicts generated from botocore's own model."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import attrs
import botocore.loaders
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ic_sdk import models
from ic_sdk.models import runtime
from ic_sdk.serde import converter, unknown_fields

_LOADER = botocore.loaders.Loader()
SM = _LOADER.load_service_model("sagemaker", "service-2", api_version="2017-07-24")["shapes"]
RT = _LOADER.load_service_model("sagemaker-runtime", "service-2", api_version="2017-05-13")[
    "shapes"
]
MAX_DEPTH = 4


def _strategy(shapes: dict[str, Any], name: str, depth: int) -> st.SearchStrategy[Any]:
    return _cached(id(shapes), name, depth)


_BY_ID = {id(SM): SM, id(RT): RT}


@cache
def _cached(shapes_id: int, name: str, depth: int) -> st.SearchStrategy[Any]:
    shapes = _BY_ID[shapes_id]
    raw = shapes[name]
    kind = raw["type"]
    if kind == "string":
        if "enum" in raw:
            # Known values and values this botocore has never heard of.
            return st.sampled_from(raw["enum"]) | st.text(min_size=1, max_size=8)
        return st.text(max_size=8)
    if kind in ("integer", "long"):
        return st.integers(-(2**40), 2**40)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(timezones=st.just(dt.UTC))
    if kind == "blob":
        return st.binary(max_size=8)
    if kind == "list":
        if depth >= MAX_DEPTH:
            return st.just([])
        return st.lists(_strategy(shapes, raw["member"]["shape"], depth + 1), max_size=2)
    if kind == "map":
        if depth >= MAX_DEPTH:
            return st.just({})
        return st.dictionaries(
            st.text(max_size=5), _strategy(shapes, raw["value"]["shape"], depth + 1), max_size=2
        )
    assert kind == "structure"
    if depth >= MAX_DEPTH:
        return st.just({})
    optional = {}
    for wire, member in raw["members"].items():
        if member.get("jsonvalue"):
            optional[wire] = st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
        else:
            optional[wire] = _strategy(shapes, member["shape"], depth + 1)
    return st.fixed_dictionaries({}, optional=optional)


def _structures(shapes: dict[str, Any]) -> list[str]:
    return sorted(n for n, s in shapes.items() if s["type"] == "structure")


@pytest.mark.parametrize(
    ("package", "shapes", "name"),
    [(models, SM, n) for n in _structures(SM)] + [(runtime, RT, n) for n in _structures(RT)],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_round_trip_every_structure(package: Any, shapes: dict[str, Any], name: str) -> None:
    cls = getattr(package, name)

    @settings(
        max_examples=4,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_strategy(shapes, name, 0))
    def check(wire: dict[str, Any]) -> None:
        obj = converter.structure(wire, cls)
        assert isinstance(obj, cls)
        assert converter.unstructure(obj) == wire

    check()


DESCRIBE = {
    "InferenceComponentName": "llama-base",
    "InferenceComponentArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-component/llama-base",
    "EndpointName": "shared",
    "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/shared",
    "VariantName": "AllTraffic",
    "Specification": {
        "ModelName": "llama",
        "Container": {"Image": "img", "Environment": {"HF_TOKEN": "hf_x"}},
        "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024},
    },
    "RuntimeConfig": {"DesiredCopyCount": 2, "CurrentCopyCount": 1},
    "CreationTime": dt.datetime(2026, 11, 24, tzinfo=dt.UTC),
    "LastModifiedTime": dt.datetime(2026, 11, 24, tzinfo=dt.UTC),
    "InferenceComponentStatus": "InService",
}


def test_unknown_fields_survive_at_every_level() -> None:
    wire = {
        **DESCRIBE,
        "BrandNewMember": {"Nested": [1, 2]},
        "RuntimeConfig": {**DESCRIBE["RuntimeConfig"], "FutureCount": 3},  # type: ignore[dict-item]
    }
    obj = converter.structure(wire, models.DescribeInferenceComponentOutput)
    assert unknown_fields(obj) == {"BrandNewMember": {"Nested": [1, 2]}}
    assert obj.runtime_config is not None
    assert unknown_fields(obj.runtime_config) == {"FutureCount": 3}
    assert converter.unstructure(obj) == wire


def test_unknown_enum_values_stay_plain_strings() -> None:
    wire = {**DESCRIBE, "InferenceComponentStatus": "Hibernating"}
    obj = converter.structure(wire, models.DescribeInferenceComponentOutput)
    assert obj.inference_component_status == "Hibernating"
    assert type(obj.inference_component_status) is str
    assert converter.unstructure(obj)["InferenceComponentStatus"] == "Hibernating"
    known = converter.structure(DESCRIBE, models.DescribeInferenceComponentOutput)
    assert known.inference_component_status is models.InferenceComponentStatus.IN_SERVICE


def test_missing_required_members_and_broken_constraints_do_not_raise() -> None:
    wire = {"InferenceComponentName": "x" * 500 + "!", "RuntimeConfig": {"DesiredCopyCount": -4}}
    obj = converter.structure(wire, models.DescribeInferenceComponentOutput)
    assert obj.endpoint_name is None  # required by the model, absent from the response
    assert obj.inference_component_name == "x" * 500 + "!"
    assert converter.unstructure(obj) == wire


def test_unstructure_omits_none_and_uses_wire_names() -> None:
    spec = models.CreateInferenceComponentInput(
        inference_component_name="ic",
        endpoint_name="ep",
        specification=models.InferenceComponentSpecification(
            model_name="m",
            compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
                min_memory_required_in_mb=1024, number_of_cpu_cores_required=2.0
            ),
        ),
        runtime_config=models.InferenceComponentRuntimeConfig(copy_count=1),
        tags=[models.Tag(key="team", value="ml")],
    )
    assert converter.unstructure(spec) == {
        "InferenceComponentName": "ic",
        "EndpointName": "ep",
        "Specification": {
            "ModelName": "m",
            "ComputeResourceRequirements": {
                "MinMemoryRequiredInMb": 1024,
                "NumberOfCpuCoresRequired": 2.0,
            },
        },
        "RuntimeConfig": {"CopyCount": 1},
        "Tags": [{"Key": "team", "Value": "ml"}],
    }


def test_nulls_and_odd_values_in_responses_are_kept_as_sent() -> None:
    tags = {"Tags": [None, {"Key": "a", "Value": "b"}]}
    obj = converter.structure(tags, models.ListTagsOutput)
    assert obj.tags == [None, models.Tag(key="a", value="b")]
    assert converter.unstructure(obj) == tags
    odd = {**DESCRIBE, "Specification": "not-an-object"}
    desc = converter.structure(odd, models.DescribeInferenceComponentOutput)
    assert desc.specification == "not-an-object"  # type: ignore[comparison-overlap]
    assert converter.unstructure(desc) == odd


def test_recursive_shapes() -> None:
    wire = {
        "SubExpressions": [{"Operator": "And", "SubExpressions": [{"Filters": [{"Name": "a"}]}]}]
    }
    obj = converter.structure(wire, models.SearchExpression)
    assert obj.sub_expressions is not None
    inner = obj.sub_expressions[0]
    assert inner.operator is models.BooleanOperator.AND
    assert converter.unstructure(obj) == wire


def test_timestamps_and_blobs_pass_through_as_botocore_gives_them() -> None:
    when = dt.datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=dt.UTC)
    out = converter.structure(
        {"Body": b"\x00\xff", "ContentType": "x"}, runtime.InvokeEndpointOutput
    )
    assert out.body == b"\x00\xff"
    desc = converter.structure(
        {**DESCRIBE, "CreationTime": when}, models.DescribeInferenceComponentOutput
    )
    assert desc.creation_time == when


def test_hooks_are_built_once_per_class() -> None:
    first = converter.get_structure_hook(models.Tag)
    assert converter.get_structure_hook(models.Tag) is first
    assert converter.structure([{"Key": "a", "Value": "b"}], list[models.Tag]) == [
        models.Tag(key="a", value="b")
    ]


# -- unstructure with nested hooks inlined: the same output as one function per value ----


def _reference_unstructure(obj: Any) -> Any:
    """What unstructure returned before nested hooks were inlined (one call per value)."""
    out: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):
        meta = field.metadata
        if meta.get("unknown"):
            continue
        value = getattr(obj, field.name)
        if value is not None:
            out[meta["wire"]] = _reference_value(meta, value)
    if obj._unknown:
        out.update(obj._unknown)
    return out


def _reference_value(meta: Any, value: Any) -> Any:
    kind = meta["type"]
    if meta.get("jsonvalue") or kind not in ("structure", "list", "map"):
        return value
    if kind == "structure":
        return _reference_unstructure(value) if attrs.has(type(value)) else value
    if kind == "list":
        return [None if x is None else _reference_value(meta["member"], x) for x in value]
    return {k: None if x is None else _reference_value(meta["value"], x) for k, x in value.items()}


def _exactly(value: Any) -> Any:
    """A value with dict key order and every type made part of equality."""
    if isinstance(value, dict):
        return ("dict", [(k, _exactly(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_exactly(v) for v in value])
    return (type(value), value)


_INLINED = [
    n for n in _structures(SM) if "InferenceComponent" in n or n in ("SearchExpression", "Tag")
]


@pytest.mark.parametrize("name", _INLINED)
def test_inlined_unstructure_gives_exactly_the_per_value_output(name: str) -> None:
    cls = getattr(models, name)

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_strategy(SM, name, 0), st.dictionaries(st.sampled_from(["Zz", "Extra"]), st.integers()))
    def check(wire: dict[str, Any], unknown: dict[str, Any]) -> None:
        obj = converter.structure({**wire, **unknown}, cls)
        got = converter.unstructure(obj)
        assert _exactly(got) == _exactly(_reference_unstructure(obj))
        assert got == {**wire, **unknown}

    check()


def test_inlined_unstructure_keeps_odd_values_and_copies_containers() -> None:
    wire = {
        "Tags": [None, {"Key": "a", "Value": "b"}],
        "InferenceComponentName": "x",
        "EndpointName": "e",
        "Specification": {"Container": {"Environment": {"A": "1"}}},
    }
    obj = converter.structure(wire, models.CreateInferenceComponentInput)
    got = converter.unstructure(obj)
    assert _exactly(got) == _exactly(_reference_unstructure(obj))
    assert got["Tags"] is not obj.tags  # a new list, as before
    env = obj.specification.container.environment  # type: ignore[union-attr]
    assert got["Specification"]["Container"]["Environment"] is not env
    odd = converter.structure(
        {**DESCRIBE, "Specification": "x"}, models.DescribeInferenceComponentOutput
    )
    assert converter.unstructure(odd)["Specification"] == "x"

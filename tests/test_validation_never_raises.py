"""``validate`` never raises on JSON-representable input: every oddity is a Problem.

Requests are drawn *along the shapes* (the wire names the field metadata declares, so
the walk goes deep) with leaves drawn from every JSON value, including the ones that used
to escape as exceptions: integers of hundreds or thousands of digits, numbers beyond a
double, NaN and infinities, wrong kinds anywhere and deep nesting.
"""

from __future__ import annotations

import copy
import json
import math
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ic_sdk import _meta, models
from ic_sdk.validation import RULES, Problem, errors_only, validate

SHAPES = [
    models.CreateInferenceComponentInput,
    models.UpdateInferenceComponentInput,
    models.InferenceComponentSpecification,
    models.UpdateInferenceComponentRuntimeConfigInput,
    models.ListInferenceComponentsInput,  # timestamps, enums, integers
    models.SearchRequest,  # a recursive shape (SearchExpression.SubExpressions)
]

huge_ints = st.integers(min_value=10**400, max_value=10**5000) | st.integers(
    max_value=-(10**30), min_value=-(10**5000)
)
nasty_numbers = (
    huge_ints
    | st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 2**31, 2**63, -(2**63) - 1])
    | st.floats()
)
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | nasty_numbers
    | st.text(max_size=20)
    | st.sampled_from(["", "ml.g9.xlarge", "2024-01-01T00:00:00Z", "not a time", "s3://b/m"])
)
json_values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


def shaped(cls: type, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts with ``cls``'s wire names, each value shaped like its member or any JSON."""
    members = {
        meta["wire"]: st.deferred(lambda meta=meta: value_for(cls, meta, depth + 1))
        for _f, meta in _meta.fields(cls)
    }
    return st.fixed_dictionaries({}, optional=members) | st.dictionaries(
        st.sampled_from(sorted(members) or ["X"]) | st.text(max_size=8), json_values, max_size=4
    )


def value_for(owner: type, meta: _meta.ValueMeta, depth: int) -> st.SearchStrategy[Any]:
    if depth > 5:
        return json_values
    kind = meta.get("type")
    if kind == "structure":
        target = _meta.resolve_shape(owner, meta["shape"])
        return shaped(target, depth) | json_values
    if kind == "list":
        inner = meta["member"]
        return st.lists(value_for(owner, inner, depth + 1), max_size=3) | json_values
    if kind == "map":
        inner = meta["value"]
        return st.dictionaries(st.text(max_size=6), value_for(owner, inner, depth + 1), max_size=3)
    if "enum" in meta:
        return st.sampled_from(list(meta["enum"])) | st.text(max_size=12) | json_values
    return leaves | json_values


def _check(problems: list[Problem]) -> None:
    for p in problems:
        assert p.rule in RULES
        assert p.severity in ("error", "warning")
        assert p.message
        assert len(str(p)) < 2000  # readable: no 5,000-digit number printed


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SHAPES).flatmap(lambda cls: st.tuples(st.just(cls), shaped(cls))))
def test_shaped_json_trees_never_raise(case: tuple[type, dict[str, Any]]) -> None:
    cls, request = case
    before = copy.deepcopy(request)
    problems = validate(request, cls)
    assert request == before or _has_nan(before)  # never changed
    _check(problems)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SHAPES), json_values)
def test_any_json_value_never_raises(cls: type, value: Any) -> None:
    _check(validate(value, cls))


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


def _base(**compute: Any) -> dict[str, Any]:
    return {
        "InferenceComponentName": "ic",
        "EndpointName": "ep",
        "VariantName": "v",
        "Specification": {
            "ModelName": "m",
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024, **compute},
        },
        "RuntimeConfig": {"CopyCount": 1},
    }


CPU = "Specification.ComputeResourceRequirements.NumberOfCpuCoresRequired"
MEM = "Specification.ComputeResourceRequirements.MaxMemoryRequiredInMb"


@pytest.mark.parametrize(
    ("compute", "path", "rule"),
    [
        # a 401-digit number in a float field, as JSON gives it (an int, or an infinite float)
        ({"NumberOfCpuCoresRequired": 10**400}, CPU, "max"),
        ({"NumberOfCpuCoresRequired": json.loads("1" + "0" * 400 + ".5")}, CPU, "type"),
        ({"NumberOfCpuCoresRequired": math.nan}, CPU, "type"),
        ({"NumberOfCpuCoresRequired": math.inf}, CPU, "type"),
        ({"NumberOfCpuCoresRequired": -math.inf}, CPU, "type"),
        # integers beyond a 32-bit integer field, up to 5,000 digits
        ({"MaxMemoryRequiredInMb": 2**31}, MEM, "max"),
        ({"MaxMemoryRequiredInMb": 10**4999}, MEM, "max"),
        ({"MaxMemoryRequiredInMb": -(10**4999)}, MEM, "min"),
        ({"MaxMemoryRequiredInMb": math.nan}, MEM, "type"),
        ({"MaxMemoryRequiredInMb": [[[[1]]]]}, MEM, "type"),
    ],
)
def test_each_oddity_is_a_problem_at_its_path(
    compute: dict[str, Any], path: str, rule: str
) -> None:
    problems = validate(_base(**compute), models.CreateInferenceComponentInput)
    assert [(p.path, p.rule) for p in errors_only(problems)] == [(path, rule)]
    _check(problems)


def test_huge_copy_count_is_a_problem_on_models_too() -> None:
    request = models.CreateInferenceComponentInput(
        inference_component_name="ic",
        endpoint_name="ep",
        specification=models.InferenceComponentSpecification(
            model_name="m",
            compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
                min_memory_required_in_mb=1024
            ),
        ),
        runtime_config=models.InferenceComponentRuntimeConfig(copy_count=10**5000),
    )
    problems = validate(request)
    assert [(p.path, p.rule) for p in problems] == [("RuntimeConfig.CopyCount", "max")]
    assert "digits" in problems[0].message


def test_timestamps_botocore_cannot_read_are_problems() -> None:
    shape = models.ListInferenceComponentsInput
    for bad in ("not a time", 10**400, math.nan, math.inf):
        problems = validate({"CreationTimeAfter": bad}, shape)
        assert [(p.path, p.rule) for p in problems] == [("CreationTimeAfter", "type")], bad
    for good in ("2024-01-01T00:00:00Z", 1_700_000_000, 1.7e9):
        assert validate({"CreationTimeAfter": good}, shape) == []


def test_nesting_deeper_than_python_follows_is_a_depth_problem() -> None:
    expression: dict[str, Any] = {"Filters": [{"Name": "n"}]}
    for _ in range(sys.getrecursionlimit() * 2):
        expression = {"SubExpressions": [expression]}
    problems = validate(
        {"Resource": "Endpoint", "SearchExpression": expression}, models.SearchRequest
    )
    assert any(p.rule == "depth" and p.path == "" for p in problems)


def test_deep_garbage_in_a_non_recursive_shape_is_one_type_problem() -> None:
    deep: Any = 1
    for _ in range(10_000):
        deep = [deep]
    problems = validate(_base(NumberOfCpuCoresRequired=deep), models.CreateInferenceComponentInput)
    assert [(p.path, p.rule) for p in problems] == [(CPU, "type")]

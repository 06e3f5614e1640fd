"""Checked by ``mypy --strict`` (nox -s typecheck); also runs as a plain test.

The builders' results are the precise request models, validate() returns a list of
Problems, and misuse is a type error (each ``type: ignore`` below must stay needed:
mypy's ``warn_unused_ignores`` fails the check if one stops being an error).
"""

from __future__ import annotations

from typing import assert_type

import pytest

import ic_sdk.builders as b
from ic_sdk import models
from ic_sdk.errors import ValidationError
from ic_sdk.validation import RULES, Problem, validate


def test_builder_results_are_precisely_typed() -> None:
    request = b.base_component(
        name="m",
        endpoint_name="e",
        image="img:1",
        memory_mb=1024,
        accelerators=1,
        cpu_cores=0.5,
        instance_types=[models.ProductionVariantInstanceType.ML_G5_2XLARGE, "ml.g6.2xlarge"],
        placement=models.InferenceComponentPlacementStrategy.SPREAD,
        tags={"team": "search"},
    )
    assert_type(request, models.CreateInferenceComponentInput)
    assert_type(request.specifications, list[models.InferenceComponentSpecification] | None)

    spec = b.base_spec(memory_mb=1024, image="img:1")
    assert_type(spec, models.InferenceComponentSpecification)
    assert_type(
        b.adapter_spec(base_component_name="m", artifact_url="s3://a/b"),
        models.InferenceComponentSpecification,
    )

    adapter = b.adapter_component(
        name="a", endpoint_name="e", base_component_name="m", artifact_url="s3://a/b"
    )
    assert_type(adapter, models.CreateInferenceComponentInput)

    deployment = b.rolling_deployment(batch_percent=10, wait_s=60, alarms=("a",))
    assert_type(deployment, models.InferenceComponentDeploymentConfig)
    update = b.update_component(name="m", specification=spec, copies=2, deployment=deployment)
    assert_type(update, models.UpdateInferenceComponentInput)


def test_validate_and_problems_are_typed() -> None:
    problems = validate(b.base_spec(memory_mb=1024, image="img:1"))
    assert_type(problems, list[Problem])
    from_dict = validate({"InferenceComponentName": "x"}, models.DescribeInferenceComponentInput)
    assert_type(from_dict, list[Problem])
    for p in problems + from_dict:
        assert_type(p.path, str)
        assert_type(p.rule, str)
        assert_type(p.message, str)
    assert_type(
        validate(b.base_spec(memory_mb=128, model_name="m"), ignore=["enum"]), list[Problem]
    )
    assert "enum" in RULES
    error = ValidationError(problems, operation="CreateInferenceComponent")
    assert_type(error.problems, tuple[Problem, ...])


def test_misuse_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        b.base_component("m", "e", memory_mb=1024)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="MinMemoryRequiredInMb: expected an integer"):
        b.base_component(name="m", endpoint_name="e", image="i", memory_mb="1024")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        b.base_component(name="m", endpoint_name="e", memory_mb=1024, tags=[("a", "b")])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        b.rolling_deployment(batch_copies=1)  # type: ignore[call-arg]

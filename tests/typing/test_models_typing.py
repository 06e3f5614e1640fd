"""Checked by ``mypy --strict`` (nox -s typecheck); also runs as a plain test."""

from __future__ import annotations

from datetime import datetime
from typing import assert_type

from ic_sdk import models
from ic_sdk.serde import converter


def test_models_are_precisely_typed() -> None:
    spec = models.CreateInferenceComponentInput(
        inference_component_name="ic",
        endpoint_name="ep",
        specification=models.InferenceComponentSpecification(
            model_name="m",
            compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
                min_memory_required_in_mb=1024
            ),
        ),
        runtime_config=models.InferenceComponentRuntimeConfig(copy_count=1),
    )
    assert_type(spec.inference_component_name, str)
    assert_type(spec.specification, models.InferenceComponentSpecification | None)
    assert_type(spec.tags, list[models.Tag] | None)

    out = converter.structure(
        {"InferenceComponentName": "ic", "InferenceComponentStatus": "InService"},
        models.DescribeInferenceComponentOutput,
    )
    assert_type(out, models.DescribeInferenceComponentOutput)
    assert_type(out.inference_component_status, models.InferenceComponentStatus | str | None)
    assert_type(out.creation_time, datetime)
    assert_type(out.runtime_config, models.InferenceComponentRuntimeConfigSummary | None)
    if out.runtime_config is not None:
        assert_type(out.runtime_config.current_copy_count, int | None)
    assert out.inference_component_status == models.InferenceComponentStatus.IN_SERVICE

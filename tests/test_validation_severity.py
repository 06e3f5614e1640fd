"""Errors block sending, warnings do not: the service decides enums."""

from __future__ import annotations

import attrs
import pytest

from ic_sdk import models
from ic_sdk.client import InferenceComponentClient
from ic_sdk.errors import ServiceValidationError, ValidationError
from ic_sdk.validation import Problem, errors_only, validate
from tests.client_support import base


def test_unknown_enum_values_are_warnings_on_every_enum_field() -> None:
    request = {
        "InferenceComponentName": "ic",
        "EndpointName": "ep",
        "Specification": {
            "InstanceType": "ml.g9.xlarge",
            "ModelName": "m",
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024},
        },
    }
    problems = validate(request, models.CreateInferenceComponentInput)
    assert [(p.path, p.rule, p.severity) for p in problems] == [
        ("Specification.InstanceType", "enum", "warning")
    ]
    assert errors_only(problems) == []
    update = {
        "InferenceComponentName": "ic",
        "DeploymentConfig": {
            "RollingUpdatePolicy": {
                "MaximumBatchSize": {"Type": "HALF_OF_THEM", "Value": 1},
                "WaitIntervalInSeconds": 0,
            }
        },
        "RuntimeConfig": {"CopyCount": 1},
    }
    (problem,) = validate(update, models.UpdateInferenceComponentInput)
    assert (problem.rule, problem.severity) == ("enum", "warning")
    assert str(problem).endswith("[enum] (warning)")


@pytest.mark.parametrize(
    ("value", "rule"),
    [(7, "type"), (None, "required"), ("", "enum"), (["ml.g5.xlarge"], "type")],
)
def test_what_botocore_checks_itself_stays_an_error(value: object, rule: str) -> None:
    request = {"Resource": value}  # SearchRequest.Resource: a required enum
    problems = validate(request, models.SearchRequest)
    severities = {(p.path, p.rule): p.severity for p in problems}
    expected = "warning" if rule == "enum" else "error"
    assert severities == {("Resource", rule): expected}


def test_problem_severity_defaults_to_error() -> None:
    problem = Problem("X", "min", "too small")
    assert problem.severity == "error"
    assert problem.is_error
    assert str(problem) == "X: too small [min]"
    warning = attrs.evolve(problem, severity="warning")
    assert not warning.is_error
    assert errors_only([problem, warning]) == [problem]


async def test_the_client_sends_a_request_with_only_warnings(
    client: InferenceComponentClient, endpoint: str
) -> None:
    request = attrs.evolve(
        base(),
        specification=attrs.evolve(base().specification, instance_type="ml.g9.xlarge"),
    )
    assert [p.severity for p in validate(request)] == ["warning"]
    # It reaches the service, which decides (LocalSageMaker, like this botocore, does
    # not know the type): the service's answer, not a client-side ValidationError.
    with pytest.raises(ServiceValidationError):
        await client.create(request)


async def test_the_client_still_refuses_errors_and_sends_nothing(
    client: InferenceComponentClient, endpoint: str
) -> None:
    request = attrs.evolve(base(), inference_component_name="bad name!")
    with pytest.raises(ValidationError) as caught:
        await client.create(request)
    assert [p.rule for p in caught.value.problems] == ["pattern"]

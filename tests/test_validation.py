"""ic_sdk.validation: the public behaviour of validate() and Problem beyond the corpus."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest

from ic_sdk import models
from ic_sdk.errors import IcSdkError, ValidationError
from ic_sdk.validation import RULES, Problem, validate

SECRET = "hf_abcdefghijklmnopqrstuvwxyz0123456789"


def spec(**changes: Any) -> models.InferenceComponentSpecification:
    base = models.InferenceComponentSpecification(
        model_name="model",
        container=models.InferenceComponentContainerSpecification(
            image="img:1", environment={"HF_TOKEN": SECRET}
        ),
        compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
            min_memory_required_in_mb=1024
        ),
    )
    return attrs.evolve(base, **changes)


def create(**changes: Any) -> models.CreateInferenceComponentInput:
    base = models.CreateInferenceComponentInput(
        inference_component_name="ic",
        endpoint_name="ep",
        specification=spec(),
        runtime_config=models.InferenceComponentRuntimeConfig(copy_count=1),
    )
    return attrs.evolve(base, **changes)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# --------------------------------------------------------------------------- Problem


def test_problem_is_frozen_and_prints_path_message_rule() -> None:
    p = Problem("Tags[3].Key", "min_length", "length 0 is less than the minimum 1")
    assert str(p) == "Tags[3].Key: length 0 is less than the minimum 1 [min_length]"
    assert str(Problem("", "ic.update-nothing", "x")) == "<root>: x [ic.update-nothing]"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.path = "x"  # type: ignore[misc]
    assert p == Problem("Tags[3].Key", "min_length", "length 0 is less than the minimum 1")


def test_rules_lists_every_generic_and_ic_rule() -> None:
    generic = {"required", "type", "unknown", "min_length", "max_length", "min", "max", "depth"}
    assert generic | {"pattern", "enum"} <= set(RULES)
    assert all(
        r in generic | {"pattern", "enum"} or r.startswith(("ic.", "autoscaling.")) for r in RULES
    )
    assert all(text.endswith(".") for text in RULES.values())


def test_docs_page_documents_every_rule_id() -> None:
    from pathlib import Path

    page = Path(__file__).parents[1] / "docs" / "guides" / "validation-rules.md"
    text = page.read_text()
    for rule in RULES:
        assert f"`{rule}`" in text, rule


# --------------------------------------------------------------------------- messages


def test_enum_suggests_the_closest_value() -> None:
    p = only(validate(create(specification=spec(instance_type="ml.g5.12xl"))))
    assert (p.path, p.rule) == ("Specification.InstanceType", "enum")
    assert "did you mean 'ml.g5.12xlarge'?" in p.message


def test_short_enum_lists_its_values_and_folds_case() -> None:
    scheduling = models.InferenceComponentSchedulingConfig(placement_strategy="binpack")
    p = only(validate(create(specification=spec(scheduling_config=scheduling))))
    assert "'SPREAD', 'BINPACK'" in p.message
    assert "did you mean 'BINPACK'?" in p.message


def test_enum_members_and_plain_strings_are_both_accepted() -> None:
    for value in (models.ProductionVariantInstanceType.ML_G5_12XLARGE, "ml.g5.12xlarge"):
        assert validate(create(specification=spec(instance_type=value))) == []


def test_unknown_member_suggests_the_wire_name() -> None:
    request = {"InferenceComponentName": "x", "EndpointName": "e", "Specificaton": {}}
    problems = validate(request, models.CreateInferenceComponentInput)
    p = next(p for p in problems if p.rule == "unknown")
    assert p.path == "Specificaton"
    assert "did you mean 'Specification'?" in p.message


def test_unknown_snake_case_member_suggests_the_wire_name() -> None:
    problems = validate(
        {"InferenceComponentName": "x", "DesiredRuntimeConfig": {"copy_count": 1}},
        models.UpdateInferenceComponentRuntimeConfigInput,
    )
    by_rule = {p.rule: p for p in problems}
    assert by_rule["unknown"].path == "DesiredRuntimeConfig.copy_count"
    assert "did you mean 'CopyCount'?" in by_rule["unknown"].message
    assert by_rule["required"].path == "DesiredRuntimeConfig.CopyCount"


def test_type_problem_names_what_was_expected_and_got() -> None:
    problems = validate(
        {"InferenceComponentName": "x", "DesiredRuntimeConfig": {"CopyCount": "two"}},
        models.UpdateInferenceComponentRuntimeConfigInput,
    )
    p = only(problems)
    assert (p.path, p.rule) == ("DesiredRuntimeConfig.CopyCount", "type")
    assert p.message == "expected an integer, got str 'two'"


def test_long_values_are_shortened_in_messages() -> None:
    problems = validate(create(inference_component_name="!" * 100))
    p = next(p for p in problems if p.rule == "pattern")
    assert "…" in p.message
    assert len(p.message) < 200


def test_map_key_problems_say_key_and_value_problems_say_value() -> None:
    container = models.InferenceComponentContainerSpecification(
        image="img", environment={"1BAD": "ok", "GOOD": "x" * 1025}
    )
    problems = validate(create(specification=spec(container=container)))
    messages = {p.path: p.message for p in problems}
    assert messages['Specification.Container.Environment["1BAD"]'].startswith("key '1BAD'")
    assert messages['Specification.Container.Environment["GOOD"]'] == (
        "value length 1025 is more than the maximum 1024"
    )


def test_map_keys_with_quotes_are_escaped_in_paths() -> None:
    container = models.InferenceComponentContainerSpecification(
        image="img", environment={'A"B': "x"}
    )
    p = only(validate(create(specification=spec(container=container))))
    assert p.path == 'Specification.Container.Environment["A\\"B"]'


# --------------------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    "environment",
    [
        {"TOKEN": SECRET * 40},  # max_length on the value
        {"TOKEN": 12345},  # type of the value
        {"1BAD": SECRET},  # the key is wrong; the value must still not appear
        {**{f"K{i}": SECRET for i in range(101)}},  # map size
        f"HF_TOKEN={SECRET}",  # not a mapping at all
    ],
)
def test_environment_values_never_appear(environment: Any) -> None:
    container = models.InferenceComponentContainerSpecification(
        image="img", environment=environment
    )
    problems = validate(create(specification=spec(container=container)))
    assert problems
    for p in problems:
        assert SECRET not in p.message
        assert "12345" not in p.message
    error = ValidationError(problems)
    assert SECRET not in str(error)
    assert SECRET not in repr(error.problems)


def test_sensitive_value_length_is_reported_instead() -> None:
    container = models.InferenceComponentContainerSpecification(
        image="img", environment={"TOKEN": SECRET * 40}
    )
    p = only(validate(create(specification=spec(container=container))))
    assert str(len(SECRET * 40)) in p.message


# --------------------------------------------------------------------------- ignore


def test_ignore_switches_a_rule_off_by_id() -> None:
    request = create(runtime_config=models.InferenceComponentRuntimeConfig(copy_count=0))
    assert only(validate(request)).rule == "ic.copy-count-positive"
    assert validate(request, ignore=("ic.copy-count-positive",)) == []


def test_ignore_works_for_generic_rules_and_dicts() -> None:
    request = {"InferenceComponentName": "x", "EndpointName": "e", "Specificaton": {}}
    shape = models.CreateInferenceComponentInput
    rules = {p.rule for p in validate(request, shape)}
    assert rules == {"unknown", "ic.spec-xor-specifications"}
    assert validate(request, shape, ignore=["unknown", "ic.spec-xor-specifications"]) == []


def test_adapter_rules_resting_on_one_report_can_be_switched_off() -> None:
    request = models.CreateInferenceComponentInput(
        inference_component_name="a",
        endpoint_name="e",
        variant_name="AllTraffic",
        specification=models.InferenceComponentSpecification(
            base_inference_component_name="base",
            container=models.InferenceComponentContainerSpecification(artifact_url="s3://b/a"),
        ),
        runtime_config=models.InferenceComponentRuntimeConfig(copy_count=1),
    )
    assert {p.rule for p in validate(request)} == {
        "ic.adapter-no-variant",
        "ic.adapter-no-runtime-config",
    }
    ignore = ("ic.adapter-no-variant", "ic.adapter-no-runtime-config")
    assert validate(request, ignore=ignore) == []


def test_unknown_rule_id_in_ignore_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"ic\.copy-count"):
        validate(create(), ignore=("ic.copy-count",))


# --------------------------------------------------------------------------- calling


def test_a_non_model_without_shape_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="shape class"):
        validate({"InferenceComponentName": "x"})
    with pytest.raises(TypeError, match="model class"):
        validate({}, dict)


def test_wrong_root_type_is_a_problem_not_an_exception() -> None:
    for bad in (None, 3, "text", ["InferenceComponentName"]):
        p = only(validate(bad, models.CreateInferenceComponentInput))
        assert (p.path, p.rule) == ("", "type")


def test_a_model_of_another_class_given_with_a_shape_is_a_type_problem() -> None:
    other = models.Tag(key="k", value="v")
    p = only(validate(other, models.CreateInferenceComponentInput))
    assert (p.path, p.rule) == ("", "type")


def test_model_given_with_its_own_shape_is_validated_as_a_model() -> None:
    request = create(inference_component_name="bad!")
    assert validate(request, models.CreateInferenceComponentInput) == validate(request)


def test_a_dict_inside_a_model_is_a_type_problem() -> None:
    request = create(specification={"ModelName": "m"})
    p = only(validate(request))
    assert (p.path, p.rule) == ("Specification", "type")
    assert "InferenceComponentSpecification" in p.message


def test_a_model_inside_a_dict_is_a_type_problem() -> None:
    request = {"InferenceComponentName": "x", "EndpointName": "e", "Specification": spec()}
    p = only(validate(request, models.CreateInferenceComponentInput))
    assert (p.path, p.rule) == ("Specification", "type")


def test_validate_does_not_mutate_models_or_dicts() -> None:
    request = create(
        inference_component_name="bad!",
        tags=[models.Tag(key="", value="v")],
    )
    snapshot = copy.deepcopy(request)
    validate(request)
    assert request == snapshot
    assert request.tags == snapshot.tags


def test_tuples_are_accepted_as_lists() -> None:
    request = {
        "InferenceComponentName": "x",
        "EndpointName": "e",
        "Specification": {
            "ModelName": "m",
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 128},
        },
        "Tags": ({"Key": "a", "Value": "b"},),
    }
    assert validate(request, models.CreateInferenceComponentInput) == []


def test_a_model_missing_an_attribute_is_read_as_absent() -> None:
    # made without __init__ (e.g. by a careless copy): every unset slot reads as None
    request = object.__new__(models.CreateInferenceComponentInput)
    object.__setattr__(request, "inference_component_name", "x")
    rules = {(p.path, p.rule) for p in validate(request)}
    assert rules == {("EndpointName", "required"), ("Specification", "ic.spec-xor-specifications")}


def test_runtime_models_are_validated_too() -> None:
    from ic_sdk.models import runtime

    request = runtime.InvokeEndpointInput(
        endpoint_name="ep", body=b"x" * 6_291_457, inference_component_name="bad!"
    )
    pairs = {(p.path, p.rule) for p in validate(request)}
    assert ("Body", "max_length") in pairs
    assert ("InferenceComponentName", "pattern") in pairs


def test_specification_alone_gets_the_spec_rules() -> None:
    adapter = models.InferenceComponentSpecification(
        base_inference_component_name="base",
        compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
            min_memory_required_in_mb=128
        ),
    )
    assert {p.rule for p in validate(adapter)} == {
        "ic.adapter-no-compute",
        "ic.adapter-artifact-required",
    }


# --------------------------------------------------------------------------- errors


def test_validation_error_lists_every_problem_on_its_own_line() -> None:
    problems = validate(
        create(
            inference_component_name="bad name",
            runtime_config=models.InferenceComponentRuntimeConfig(copy_count=0),
        )
    )
    error = ValidationError(problems, operation="CreateInferenceComponent")
    assert isinstance(error, IcSdkError)
    assert error.problems == tuple(problems)
    lines = str(error).splitlines()
    assert lines[0] == "CreateInferenceComponent request has 2 problems:"
    assert lines[1:] == [f"  {p}" for p in problems]


def test_a_wrong_model_in_specifications_is_only_a_type_problem() -> None:
    request = create(specification=None, specifications=[models.Tag(key="a", value="b")])
    p = only(validate(request))
    assert (p.path, p.rule) == ("Specifications[0]", "type")

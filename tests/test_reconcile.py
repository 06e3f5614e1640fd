"""ic_sdk.reconcile: "was my mutation applied?" decided from a description (pure rules)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ic_sdk.reconcile import create_applied, matches, scale_applied, update_applied
from ic_sdk.serde import converter
from tests.client_support import IMAGE, adapter, base

REQUEST = converter.unstructure(base(copies=2))


def described(**changes: Any) -> dict[str, Any]:
    """What the service shows for REQUEST once created (service-filled fields included)."""
    spec = copy.deepcopy(REQUEST["Specification"])
    container = spec["Container"]
    container["DeployedImage"] = {
        "SpecifiedImage": container.pop("Image"),
        "ResolvedImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl@sha256:abc",
    }
    out: dict[str, Any] = {
        "InferenceComponentName": "base",
        "InferenceComponentArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-component/base",
        "EndpointName": "ep",
        "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep",
        "VariantName": "AllTraffic",
        "Specification": spec,
        "RuntimeConfig": {"DesiredCopyCount": 2, "CurrentCopyCount": 0},
        "InferenceComponentStatus": "Creating",
        "CreationTime": 1.0,
        "LastModifiedTime": 1.0,
    }
    out.update(changes)
    return out


def test_the_component_a_create_asked_for_is_ours() -> None:
    assert create_applied(REQUEST, described())
    # the service's own fields and later states do not matter
    assert create_applied(REQUEST, described(InferenceComponentStatus="InService"))
    assert create_applied(REQUEST, described(InferenceComponentStatus="Failed"))


@pytest.mark.parametrize(
    "changes",
    [
        {"EndpointName": "other-ep"},
        {"VariantName": "Canary"},
        {"RuntimeConfig": {"DesiredCopyCount": 1, "CurrentCopyCount": 1}},
        {"InferenceComponentStatus": "Deleting"},
    ],
)
def test_a_different_component_is_someone_elses(changes: dict[str, Any]) -> None:
    assert not create_applied(REQUEST, described(**changes))


def test_a_different_specification_is_someone_elses() -> None:
    other_image = described()
    other_image["Specification"]["Container"]["DeployedImage"]["SpecifiedImage"] = IMAGE + "x"
    assert not create_applied(REQUEST, other_image)
    other_memory = described()
    other_memory["Specification"]["ComputeResourceRequirements"]["MinMemoryRequiredInMb"] = 1
    assert not create_applied(REQUEST, other_memory)
    other_env = described()
    other_env["Specification"]["Container"]["Environment"]["HF_TOKEN"] = "another"
    assert not create_applied(REQUEST, other_env)


def test_numbers_compare_as_numbers_and_unechoed_fields_are_ignored() -> None:
    shown = described()
    shown["Specification"]["ComputeResourceRequirements"]["NumberOfCpuCoresRequired"] = 4
    del shown["Specification"]["Container"]["Environment"]
    assert create_applied(REQUEST, shown)


def test_adapters_compare_their_base_and_artifact() -> None:
    wire = converter.unstructure(adapter("lora-1"))
    shown = {
        "EndpointName": "ep",
        "VariantName": "AllTraffic",
        "Specification": dict(wire["Specification"]),
        "InferenceComponentStatus": "Creating",
    }
    assert create_applied(wire, shown)
    shown["Specification"] = {**wire["Specification"], "BaseInferenceComponentName": "other"}
    assert not create_applied(wire, shown)


def test_specifications_match_by_instance_type() -> None:
    entries = [
        {
            "InstanceType": "ml.g5.2xlarge",
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024},
        },
        {
            "InstanceType": "ml.g6.2xlarge",
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 2048},
        },
    ]
    request = {"EndpointName": "ep", "Specifications": entries}
    assert create_applied(request, {"EndpointName": "ep", "Specifications": entries[::-1]})
    assert not create_applied(request, {"EndpointName": "ep", "Specifications": entries[:1]})


def test_update_and_scale_are_applied_once_they_show() -> None:
    update = {
        "InferenceComponentName": "base",
        "RuntimeConfig": {"CopyCount": 3},
        "Specification": {"Container": {"Image": IMAGE}},
    }
    three = {"DesiredCopyCount": 3, "CurrentCopyCount": 2}
    assert update_applied(
        update, described(InferenceComponentStatus="Updating", RuntimeConfig=three)
    )
    assert update_applied(
        update, described(InferenceComponentStatus="InService", RuntimeConfig=three)
    )
    assert not update_applied(update, described(InferenceComponentStatus="InService"))
    assert not update_applied(
        update, described(InferenceComponentStatus="Deleting", RuntimeConfig=three)
    )

    scale = {"InferenceComponentName": "base", "DesiredRuntimeConfig": {"CopyCount": 3}}
    assert scale_applied(scale, described(InferenceComponentStatus="Updating", RuntimeConfig=three))
    assert not scale_applied(scale, described(InferenceComponentStatus="InService"))
    assert not scale_applied(scale, {"InferenceComponentStatus": "InService"})


def test_matches_compares_lists_element_by_element() -> None:
    assert matches({"A": [1, {"B": "x"}]}, {"A": [1.0, {"B": "x", "C": 2}]})
    assert not matches({"A": [1, 2]}, {"A": [1]})
    assert not matches({"A": {"B": 1}}, {"A": "text"})
    assert not matches({"A": True}, {"A": 1})

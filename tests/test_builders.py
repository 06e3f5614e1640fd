"""ic_sdk.builders: readable arguments in, the exact request model out, problems raised."""

from __future__ import annotations

from typing import Any

import pytest

from ic_sdk import models
from ic_sdk.builders import (
    DEFAULT_METRICS_PATH,
    adapter_component,
    adapter_spec,
    base_component,
    base_spec,
    rolling_deployment,
    update_component,
)
from ic_sdk.errors import ValidationError
from ic_sdk.serde import converter
from ic_sdk.validation import validate

IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
TOKEN = "hf_NotARealTokenButSecretAnyway"


def wire(obj: Any) -> Any:
    return converter.unstructure(obj)


# --------------------------------------------------------------------------- base_component


def test_base_component_builds_the_exact_request() -> None:
    request = base_component(
        name="llama-3-8b",
        endpoint_name="shared-gpu",
        variant_name="AllTraffic",
        image=IMAGE,
        artifact_url="s3://models/llama/model.tar.gz",
        environment={"HF_TOKEN": TOKEN},
        memory_mb=24_576,
        max_memory_mb=32_768,
        cpu_cores=4,
        accelerators=1,
        copies=2,
        tags={"team": "search", "cost-center": "42"},
    )
    assert isinstance(request, models.CreateInferenceComponentInput)
    assert wire(request) == {
        "InferenceComponentName": "llama-3-8b",
        "EndpointName": "shared-gpu",
        "VariantName": "AllTraffic",
        "Specification": {
            "Container": {
                "Image": IMAGE,
                "ArtifactUrl": "s3://models/llama/model.tar.gz",
                "Environment": {"HF_TOKEN": TOKEN},
            },
            "ComputeResourceRequirements": {
                "NumberOfCpuCoresRequired": 4,
                "NumberOfAcceleratorDevicesRequired": 1,
                "MinMemoryRequiredInMb": 24_576,
                "MaxMemoryRequiredInMb": 32_768,
            },
        },
        "RuntimeConfig": {"CopyCount": 2},
        "Tags": [{"Key": "team", "Value": "search"}, {"Key": "cost-center", "Value": "42"}],
    }
    assert TOKEN not in repr(request)


def test_base_component_minimal_defaults_to_one_copy_and_no_tags() -> None:
    request = base_component(name="m", endpoint_name="e", model_name="my-model", memory_mb=1024)
    assert wire(request) == {
        "InferenceComponentName": "m",
        "EndpointName": "e",
        "Specification": {
            "ModelName": "my-model",
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024},
        },
        "RuntimeConfig": {"CopyCount": 1},
    }


def test_base_component_covers_every_spec_option() -> None:
    request = base_component(
        name="m",
        endpoint_name="e",
        image=IMAGE,
        memory_mb=2048,
        instance_type="ml.g5.2xlarge",
        model_download_timeout_s=600,
        startup_health_check_timeout_s=900,
        data_cache=True,
        placement="SPREAD",
        az_max_imbalance=1,
        metrics_path="/server/metrics",
        metrics_publish_frequency_s=30,
    )
    spec = wire(request)["Specification"]
    assert spec["InstanceType"] == "ml.g5.2xlarge"
    assert spec["StartupParameters"] == {
        "ModelDataDownloadTimeoutInSeconds": 600,
        "ContainerStartupHealthCheckTimeoutInSeconds": 900,
    }
    assert spec["DataCacheConfig"] == {"EnableCaching": True}
    assert spec["SchedulingConfig"] == {
        "PlacementStrategy": "SPREAD",
        "AvailabilityZoneBalance": {"EnforcementMode": "PERMISSIVE", "MaxImbalance": 1},
    }
    assert spec["Container"]["ContainerMetricsConfig"] == {
        "MetricsEndpoints": [
            {"MetricsEndpointPath": "/server/metrics", "MetricPublishFrequencyInSeconds": 30}
        ]
    }


def test_az_balance_without_limit_and_metrics_default_path() -> None:
    spec = base_spec(
        memory_mb=1024,
        image=IMAGE,
        placement=models.InferenceComponentPlacementStrategy.BINPACK,
        az_balance=True,
        metrics_publish_frequency_s=60,
    )
    assert wire(spec.scheduling_config) == {
        "PlacementStrategy": "BINPACK",
        "AvailabilityZoneBalance": {"EnforcementMode": "PERMISSIVE"},
    }
    assert spec.container is not None
    assert spec.container.container_metrics_config is not None
    endpoints = spec.container.container_metrics_config.metrics_endpoints
    assert endpoints is not None
    assert endpoints[0].metrics_endpoint_path == DEFAULT_METRICS_PATH == "/metrics"


def test_instance_types_deploy_the_same_spec_on_each() -> None:
    request = base_component(
        name="m",
        endpoint_name="e",
        image=IMAGE,
        memory_mb=1024,
        accelerators=1,
        instance_types=["ml.g5.2xlarge", models.ProductionVariantInstanceType.ML_G6_2XLARGE],
    )
    assert request.specification is None
    assert request.specifications is not None
    assert [s.instance_type for s in request.specifications] == ["ml.g5.2xlarge", "ml.g6.2xlarge"]
    assert {s.compute_resource_requirements for s in request.specifications} == {
        models.InferenceComponentComputeResourceRequirements(
            min_memory_required_in_mb=1024, number_of_accelerator_devices_required=1
        )
    }


def test_specifications_give_full_control_per_instance_type() -> None:
    specs = [
        base_spec(instance_type="ml.g5.2xlarge", image=IMAGE, memory_mb=16_384, accelerators=1),
        base_spec(instance_type="ml.g5.12xlarge", image=IMAGE, memory_mb=65_536, accelerators=4),
    ]
    request = base_component(name="m", endpoint_name="e", specifications=specs, copies=3)
    assert request.specifications == specs
    assert request.runtime_config == models.InferenceComponentRuntimeConfig(copy_count=3)


def test_environment_and_specifications_are_copied_not_shared() -> None:
    environment = {"A": "1"}
    specs = [base_spec(instance_type="ml.g5.2xlarge", image=IMAGE, memory_mb=1024)]
    request = base_component(
        name="m", endpoint_name="e", image=IMAGE, memory_mb=1024, environment=environment
    )
    environment["B"] = "2"
    assert request.specification is not None
    assert request.specification.container is not None
    assert request.specification.container.environment == {"A": "1"}
    from_specs = base_component(name="m", endpoint_name="e", specifications=specs)
    specs.append(specs[0])
    assert from_specs.specifications is not None
    assert len(from_specs.specifications) == 1


def test_base_component_raises_every_problem_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        base_component(
            name="bad name!",
            endpoint_name="e",
            artifact_url="s3://b/model.zip",
            environment={"1BAD": TOKEN},
            memory_mb=64,
            copies=0,
            instance_type="ml.g5.12xl",
            tags={f"k{i}": "v" for i in range(51)},
        )
    error = caught.value
    assert error.operation == "CreateInferenceComponent"
    assert {(p.path, p.rule) for p in error.problems} == {
        ("InferenceComponentName", "pattern"),
        # the unknown instance type is only a warning (the service decides): not raised
        ('Specification.Container.Environment["1BAD"]', "pattern"),
        ("Specification.ComputeResourceRequirements.MinMemoryRequiredInMb", "min"),
        ("Specification", "ic.base-model-or-image"),
        ("Specification.Container.ArtifactUrl", "ic.base-artifact-tar-gz"),
        ("RuntimeConfig.CopyCount", "ic.copy-count-positive"),
        ("Tags", "max_length"),
    }
    message = str(error)
    assert message.startswith("CreateInferenceComponent request has 7 problems:")
    assert len(message.splitlines()) == 8
    assert TOKEN not in message


def test_an_unknown_instance_type_alone_is_a_warning_the_builder_accepts() -> None:
    request = base_component(
        name="ok", endpoint_name="e", image="img", memory_mb=1024, instance_type="ml.g9.xlarge"
    )
    problems = validate(request)
    assert [(p.path, p.rule, p.severity) for p in problems] == [
        ("Specification.InstanceType", "enum", "warning")
    ]


def test_validate_false_returns_the_request_unchecked() -> None:
    request = base_component(
        name="bad name!", endpoint_name="e", image=IMAGE, memory_mb=64, validate=False
    )
    assert request.inference_component_name == "bad name!"
    assert {p.rule for p in validate(request)} == {"pattern", "min"}


def test_placement_is_needed_for_az_balance() -> None:
    with pytest.raises(ValidationError) as caught:
        base_component(name="m", endpoint_name="e", image=IMAGE, memory_mb=1024, az_balance=True)
    assert [(p.path, p.rule) for p in caught.value.problems] == [
        ("Specification.SchedulingConfig.PlacementStrategy", "required")
    ]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"image": IMAGE}, "needs memory_mb"),
        (
            {"memory_mb": 1024, "specifications": [base_spec(memory_mb=1024, image=IMAGE)]},
            "specifications and memory_mb",
        ),
        (
            {"az_balance": True, "specifications": [base_spec(memory_mb=1024, image=IMAGE)]},
            "specifications and az_balance",
        ),
        (
            {
                "memory_mb": 1024,
                "image": IMAGE,
                "instance_type": "ml.g5.xlarge",
                "instance_types": ["ml.g5.2xlarge"],
            },
            "instance_type or instance_types",
        ),
    ],
)
def test_impossible_argument_combinations_are_type_errors(
    kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(TypeError, match=match):
        base_component(name="m", endpoint_name="e", **kwargs)


# --------------------------------------------------------------------------- adapters


def test_adapter_component_holds_only_base_and_artifact() -> None:
    request = adapter_component(
        name="llama-ja",
        endpoint_name="shared-gpu",
        base_component_name="llama-3-8b",
        artifact_url="s3://adapters/ja/",
        tags={"lang": "ja"},
    )
    assert wire(request) == {
        "InferenceComponentName": "llama-ja",
        "EndpointName": "shared-gpu",
        "Specification": {
            "BaseInferenceComponentName": "llama-3-8b",
            "Container": {"ArtifactUrl": "s3://adapters/ja/"},
        },
        "Tags": [{"Key": "lang", "Value": "ja"}],
    }
    assert request.variant_name is None
    assert request.runtime_config is None


def test_adapter_component_validates() -> None:
    with pytest.raises(ValidationError) as caught:
        adapter_component(
            name="a", endpoint_name="e", base_component_name="base_1", artifact_url="ftp://x"
        )
    assert {(p.path, p.rule) for p in caught.value.problems} == {
        ("Specification.BaseInferenceComponentName", "pattern"),
        ("Specification.Container.ArtifactUrl", "pattern"),
    }


def test_adapter_spec() -> None:
    spec = adapter_spec(base_component_name="base", artifact_url="s3://a/b")
    assert wire(spec) == {
        "BaseInferenceComponentName": "base",
        "Container": {"ArtifactUrl": "s3://a/b"},
    }


# --------------------------------------------------------------------------- updates


def test_update_with_rolling_deployment() -> None:
    request = update_component(
        name="llama-3-8b",
        specification=base_spec(image=IMAGE + "-v2", memory_mb=24_576, accelerators=1),
        copies=4,
        deployment=rolling_deployment(
            batch_copies=1,
            wait_s=300,
            timeout_s=3600,
            rollback_batch_percent=100,
            alarms=["p99-latency", "5xx-rate"],
        ),
    )
    assert isinstance(request, models.UpdateInferenceComponentInput)
    assert wire(request) == {
        "InferenceComponentName": "llama-3-8b",
        "Specification": {
            "Container": {"Image": IMAGE + "-v2"},
            "ComputeResourceRequirements": {
                "NumberOfAcceleratorDevicesRequired": 1,
                "MinMemoryRequiredInMb": 24_576,
            },
        },
        "RuntimeConfig": {"CopyCount": 4},
        "DeploymentConfig": {
            "RollingUpdatePolicy": {
                "MaximumBatchSize": {"Type": "COPY_COUNT", "Value": 1},
                "WaitIntervalInSeconds": 300,
                "MaximumExecutionTimeoutInSeconds": 3600,
                "RollbackMaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 100},
            },
            "AutoRollbackConfiguration": {
                "Alarms": [{"AlarmName": "p99-latency"}, {"AlarmName": "5xx-rate"}]
            },
        },
    }


def test_rolling_deployment_by_percent_without_alarms() -> None:
    deployment = rolling_deployment(batch_percent=20, wait_s=0, rollback_batch_copies=2)
    assert wire(deployment) == {
        "RollingUpdatePolicy": {
            "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 20},
            "WaitIntervalInSeconds": 0,
            "RollbackMaximumBatchSize": {"Type": "COPY_COUNT", "Value": 2},
        }
    }


def test_update_copies_only_and_several_specifications() -> None:
    assert wire(update_component(name="x", copies=0)) == {
        "InferenceComponentName": "x",
        "RuntimeConfig": {"CopyCount": 0},
    }
    specs = [
        base_spec(instance_type="ml.g5.xlarge", image=IMAGE, memory_mb=1024),
        base_spec(instance_type="ml.g6.xlarge", image=IMAGE, memory_mb=1024),
    ]
    request = update_component(name="x", specifications=specs)
    assert request.specifications == specs


def test_update_raises_every_problem() -> None:
    with pytest.raises(ValidationError) as caught:
        update_component(
            name="x",
            copies=4,
            deployment=rolling_deployment(
                batch_percent=75, wait_s=4000, rollback_batch_copies=8, alarms=[""] * 11
            ),
        )
    policy = "DeploymentConfig.RollingUpdatePolicy"
    assert caught.value.operation == "UpdateInferenceComponent"
    pairs = {(p.path, p.rule) for p in caught.value.problems}
    assert pairs == {
        (f"{policy}.MaximumBatchSize.Value", "ic.rolling-batch-percent"),
        (f"{policy}.WaitIntervalInSeconds", "max"),
        (f"{policy}.RollbackMaximumBatchSize.Value", "ic.rolling-batch-copies"),
        ("DeploymentConfig.AutoRollbackConfiguration.Alarms", "max_length"),
        *{
            (f"DeploymentConfig.AutoRollbackConfiguration.Alarms[{i}].AlarmName", rule)
            for i in range(11)
            for rule in ("min_length", "pattern")
        },
    }


def test_update_that_changes_nothing_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"ic\.update-nothing"):
        update_component(name="x")
    assert update_component(name="x", validate=False).runtime_config is None


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "needs batch_copies or batch_percent"),
        ({"batch_copies": 1, "batch_percent": 10}, "batch_copies or batch_percent, not both"),
        (
            {"batch_copies": 1, "rollback_batch_copies": 1, "rollback_batch_percent": 5},
            "rollback_batch_copies or rollback_batch_percent",
        ),
    ],
)
def test_rolling_deployment_argument_errors(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(TypeError, match=match):
        rolling_deployment(wait_s=0, **kwargs)


def test_builders_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        base_component("m", "e")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        rolling_deployment(1, 0)  # type: ignore[call-arg]

"""A corpus of requests with exactly the problems each must produce — and nothing else.

Every case is a botocore-style request dict built by changing one known-valid request.
It is validated twice: as the dict (``validate(d, Shape)``) and, unless the change cannot
be represented in a model, as the model ``converter.structure`` makes of it; both must
report exactly the expected ``(path, rule)`` pairs.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import attrs
import pytest

from ic_sdk import models
from ic_sdk.serde import converter
from ic_sdk.validation import Problem, validate

CREATE = models.CreateInferenceComponentInput
UPDATE = models.UpdateInferenceComponentInput
RUNTIME = models.UpdateInferenceComponentRuntimeConfigInput

SECRET = "hf_Sup3rSecretTokenValue"

BASE_SPEC: dict[str, Any] = {
    "ModelName": "llama-3-8b-model",
    "Container": {
        "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0",
        "ArtifactUrl": "s3://models/llama-3-8b/model.tar.gz",
        "Environment": {"HF_TOKEN": SECRET, "OPTION_TENSOR_PARALLEL_DEGREE": "1"},
    },
    "StartupParameters": {
        "ModelDataDownloadTimeoutInSeconds": 600,
        "ContainerStartupHealthCheckTimeoutInSeconds": 900,
    },
    "ComputeResourceRequirements": {
        "NumberOfAcceleratorDevicesRequired": 1.0,
        "NumberOfCpuCoresRequired": 2.0,
        "MinMemoryRequiredInMb": 8192,
        "MaxMemoryRequiredInMb": 16384,
    },
}

BASE: dict[str, Any] = {
    "InferenceComponentName": "llama-3-8b",
    "EndpointName": "shared-gpu-endpoint",
    "VariantName": "AllTraffic",
    "Specification": BASE_SPEC,
    "RuntimeConfig": {"CopyCount": 1},
    "Tags": [{"Key": "team", "Value": "search"}],
}

ADAPTER: dict[str, Any] = {
    "InferenceComponentName": "llama-3-8b-ja",
    "EndpointName": "shared-gpu-endpoint",
    "Specification": {
        "BaseInferenceComponentName": "llama-3-8b",
        "Container": {"ArtifactUrl": "s3://adapters/llama-3-8b/ja/"},
    },
}

UPDATE_REQ: dict[str, Any] = {
    "InferenceComponentName": "llama-3-8b",
    "Specification": BASE_SPEC,
    "RuntimeConfig": {"CopyCount": 4},
    "DeploymentConfig": {
        "RollingUpdatePolicy": {
            "MaximumBatchSize": {"Type": "COPY_COUNT", "Value": 1},
            "WaitIntervalInSeconds": 60,
            "MaximumExecutionTimeoutInSeconds": 1800,
            "RollbackMaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 100},
        },
        "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "p99-latency-high"}]},
    },
}

DELETE = object()
_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def changed(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with dotted paths (``A.B[0].C``, ``__`` for ``.``) set."""
    out = copy.deepcopy(base)
    for raw, value in changes.items():
        parts: list[str | int] = [
            int(i) if i else name for i, name in _PART.findall(raw.replace("__", "."))
        ]
        node: Any = out
        for part in parts[:-1]:
            if isinstance(part, str) and part not in node:
                node[part] = {}
            node = node[part]
        if value is DELETE:
            del node[parts[-1]]
        else:
            node[parts[-1]] = copy.deepcopy(value)
    return out


def spec_for(instance_type: str, **changes: Any) -> dict[str, Any]:
    return changed(BASE_SPEC, InstanceType=instance_type, **changes)


@attrs.frozen
class Case:
    id: str
    request: Any
    expected: frozenset[tuple[str, str]]
    shape: type = CREATE
    #: the change cannot be carried by a model (e.g. a list where a structure belongs)
    dict_only: bool = False


def case(
    id: str,
    request: Any,
    *expected: tuple[str, str],
    shape: type = CREATE,
    dict_only: bool = False,
) -> Case:
    return Case(id, request, frozenset(expected), shape, dict_only)


def env(n: int) -> dict[str, str]:
    return {f"VAR_{i}": str(i) for i in range(n)}


def tags(n: int) -> list[dict[str, str]]:
    return [{"Key": f"k{i}", "Value": f"v{i}"} for i in range(n)]


SPEC = "Specification"
CONTAINER = "Specification.Container"
COMPUTE = "Specification.ComputeResourceRequirements"
POLICY = "DeploymentConfig.RollingUpdatePolicy"

INVALID: list[Case] = [
    # --- names
    case(
        "name-too-long",
        changed(BASE, InferenceComponentName="x" * 64),
        ("InferenceComponentName", "max_length"),
    ),
    case(
        "name-100-chars-with-bang",
        changed(BASE, InferenceComponentName="a" * 99 + "!"),
        ("InferenceComponentName", "max_length"),
        ("InferenceComponentName", "pattern"),
    ),
    case(
        "name-leading-hyphen",
        changed(BASE, InferenceComponentName="-llama"),
        ("InferenceComponentName", "pattern"),
    ),
    case("endpoint-empty", changed(BASE, EndpointName=""), ("EndpointName", "pattern")),
    case(
        "variant-underscore",
        changed(BASE, VariantName="All_Traffic"),
        ("VariantName", "pattern"),
    ),
    case(
        "name-missing",
        changed(BASE, InferenceComponentName=DELETE),
        ("InferenceComponentName", "required"),
    ),
    case(
        "name-and-endpoint-none",
        changed(BASE, InferenceComponentName=None, EndpointName=DELETE),
        ("InferenceComponentName", "required"),
        ("EndpointName", "required"),
    ),
    case(
        "name-not-a-string",
        changed(BASE, InferenceComponentName=42),
        ("InferenceComponentName", "type"),
    ),
    # --- unknown members (dict input; a structured model keeps them as unknown too)
    case(
        "unknown-top-level",
        changed(BASE, Specificaton={"ModelName": "x"}),
        ("Specificaton", "unknown"),
    ),
    case(
        "unknown-nested",
        changed(BASE, **{"Specification.Container.Enviroment": {"A": "b"}}),
        ("Specification.Container.Enviroment", "unknown"),
    ),
    case(
        "unknown-snake-case",
        changed(BASE, copy_count=2),
        ("copy_count", "unknown"),
    ),
    case(
        "unknown-non-string-key",
        {**BASE, 1: "x"},
        ("1", "unknown"),
        dict_only=True,
    ),
    # --- runtime config
    case(
        "copy-count-string",
        changed(BASE, **{"RuntimeConfig.CopyCount": "two"}),
        ("RuntimeConfig.CopyCount", "type"),
    ),
    case(
        "copy-count-zero-on-create",
        changed(BASE, **{"RuntimeConfig.CopyCount": 0}),
        ("RuntimeConfig.CopyCount", "ic.copy-count-positive"),
    ),
    case(
        "copy-count-negative",
        changed(BASE, **{"RuntimeConfig.CopyCount": -1}),
        ("RuntimeConfig.CopyCount", "min"),
    ),
    case(
        "copy-count-float",
        changed(BASE, **{"RuntimeConfig.CopyCount": 1.5}),
        ("RuntimeConfig.CopyCount", "type"),
    ),
    case(
        "runtime-config-empty",
        changed(BASE, RuntimeConfig={}),
        ("RuntimeConfig.CopyCount", "required"),
    ),
    # --- instance types and enums
    case(
        "instance-type-typo",
        changed(BASE, **{"Specification.InstanceType": "ml.g5.12xl"}),
        ("Specification.InstanceType", "enum"),
    ),
    case(
        "placement-lowercase",
        changed(BASE, **{"Specification.SchedulingConfig": {"PlacementStrategy": "spread"}}),
        ("Specification.SchedulingConfig.PlacementStrategy", "enum"),
    ),
    # --- container
    case(
        "env-key-starts-with-digit",
        changed(BASE, **{"Specification.Container.Environment.1BAD": "x"}),
        ('Specification.Container.Environment["1BAD"]', "pattern"),
    ),
    case(
        "env-101-entries",
        changed(BASE, **{"Specification.Container.Environment": env(101)}),
        ("Specification.Container.Environment", "max_length"),
    ),
    case(
        "env-value-too-long",
        changed(BASE, **{"Specification.Container.Environment.BIG": SECRET * 50}),
        ('Specification.Container.Environment["BIG"]', "max_length"),
    ),
    case(
        "env-value-not-string",
        changed(BASE, **{"Specification.Container.Environment.PORT": 8080}),
        ('Specification.Container.Environment["PORT"]', "type"),
    ),
    case(
        "env-is-a-list",
        changed(BASE, **{"Specification.Container.Environment": ["A=b"]}),
        ("Specification.Container.Environment", "type"),
        dict_only=True,
    ),
    case(
        "artifact-url-ftp",
        changed(BASE, **{"Specification.Container.ArtifactUrl": "ftp://host/model.tar.gz"}),
        ("Specification.Container.ArtifactUrl", "pattern"),
    ),
    case(
        "artifact-url-zip",
        changed(BASE, **{"Specification.Container.ArtifactUrl": "s3://models/model.zip"}),
        ("Specification.Container.ArtifactUrl", "ic.base-artifact-tar-gz"),
    ),
    case(
        "image-with-space",
        changed(BASE, **{"Specification.Container.Image": "my image:1"}),
        ("Specification.Container.Image", "pattern"),
    ),
    case(
        "image-too-long",
        changed(BASE, **{"Specification.Container.Image": "i" * 256}),
        ("Specification.Container.Image", "max_length"),
    ),
    # --- compute
    case(
        "memory-below-128",
        changed(BASE, **{f"{COMPUTE}.MinMemoryRequiredInMb": 64}),
        (f"{COMPUTE}.MinMemoryRequiredInMb", "min"),
    ),
    case(
        "memory-missing",
        changed(BASE, **{f"{COMPUTE}.MinMemoryRequiredInMb": DELETE}),
        (f"{COMPUTE}.MinMemoryRequiredInMb", "required"),
    ),
    case(
        "memory-max-below-min",
        changed(BASE, **{f"{COMPUTE}.MaxMemoryRequiredInMb": 4096}),
        (f"{COMPUTE}.MaxMemoryRequiredInMb", "ic.memory-min-le-max"),
    ),
    case(
        "cpu-cores-too-few",
        changed(BASE, **{f"{COMPUTE}.NumberOfCpuCoresRequired": 0.1}),
        (f"{COMPUTE}.NumberOfCpuCoresRequired", "min"),
    ),
    case(
        "accelerators-zero",
        changed(BASE, **{f"{COMPUTE}.NumberOfAcceleratorDevicesRequired": 0}),
        (f"{COMPUTE}.NumberOfAcceleratorDevicesRequired", "min"),
    ),
    case(
        "accelerators-bool",
        changed(BASE, **{f"{COMPUTE}.NumberOfAcceleratorDevicesRequired": True}),
        (f"{COMPUTE}.NumberOfAcceleratorDevicesRequired", "type"),
    ),
    case(
        "accelerators-nan",
        changed(BASE, **{f"{COMPUTE}.NumberOfAcceleratorDevicesRequired": float("nan")}),
        (f"{COMPUTE}.NumberOfAcceleratorDevicesRequired", "type"),
    ),
    case(
        "startup-timeouts-out-of-range",
        changed(
            BASE,
            **{
                "Specification.StartupParameters.ModelDataDownloadTimeoutInSeconds": 30,
                "Specification.StartupParameters.ContainerStartupHealthCheckTimeoutInSeconds": 4000,
            },
        ),
        ("Specification.StartupParameters.ModelDataDownloadTimeoutInSeconds", "min"),
        ("Specification.StartupParameters.ContainerStartupHealthCheckTimeoutInSeconds", "max"),
    ),
    # --- tags
    case("tags-51", changed(BASE, Tags=tags(51)), ("Tags", "max_length")),
    case(
        "tag-key-empty",
        changed(BASE, **{"Tags[0].Key": ""}),
        ("Tags[0].Key", "min_length"),
    ),
    case(
        "tag-value-bad-char",
        changed(BASE, Tags=[*tags(3), {"Key": "owner", "Value": "a<b>"}]),
        ("Tags[3].Value", "pattern"),
    ),
    case(
        "tag-value-missing",
        changed(BASE, Tags=[{"Key": "team"}]),
        ("Tags[0].Value", "required"),
    ),
    case(
        "tag-key-129",
        changed(BASE, **{"Tags[0].Key": "k" * 129}),
        ("Tags[0].Key", "max_length"),
    ),
    case(
        "tags-as-mapping",
        changed(BASE, Tags={"team": "search"}),
        ("Tags", "type"),
        dict_only=True,
    ),
    case(
        "tags-entry-none",
        changed(BASE, Tags=[None]),
        ("Tags[0]", "type"),
        dict_only=True,
    ),
    # --- Specification / Specifications
    case(
        "spec-and-specs",
        changed(BASE, Specifications=[spec_for("ml.g5.2xlarge")]),
        ("Specifications", "ic.spec-xor-specifications"),
    ),
    case(
        "no-spec",
        changed(BASE, Specification=DELETE),
        ("Specification", "ic.spec-xor-specifications"),
    ),
    case(
        "specs-empty",
        changed(BASE, Specification=DELETE, Specifications=[]),
        ("Specifications", "min_length"),
    ),
    case(
        "specs-six",
        changed(
            BASE,
            Specification=DELETE,
            Specifications=[
                spec_for(t)
                for t in (
                    "ml.g5.xlarge",
                    "ml.g5.2xlarge",
                    "ml.g5.4xlarge",
                    "ml.g5.8xlarge",
                    "ml.g5.12xlarge",
                    "ml.g5.16xlarge",
                )
            ],
        ),
        ("Specifications", "max_length"),
    ),
    case(
        "specs-duplicate-instance-type",
        changed(
            BASE,
            Specification=DELETE,
            Specifications=[
                spec_for("ml.g5.2xlarge"),
                spec_for("ml.g6.2xlarge"),
                spec_for("ml.g5.2xlarge"),
            ],
        ),
        ("Specifications[2].InstanceType", "ic.specifications-distinct-instance-types"),
    ),
    case(
        "specs-entry-without-instance-type",
        changed(BASE, Specification=DELETE, Specifications=[BASE_SPEC, spec_for("ml.g5.xlarge")]),
        ("Specifications[0].InstanceType", "ic.specifications-instance-type"),
    ),
    case(
        "specs-env-key-bad",
        changed(
            BASE,
            Specification=DELETE,
            Specifications=[
                spec_for("ml.g5.xlarge"),
                spec_for("ml.g6.xlarge", **{"Container.Environment.1BAD": "x"}),
            ],
        ),
        ('Specifications[1].Container.Environment["1BAD"]', "pattern"),
    ),
    case(
        "spec-is-a-list",
        changed(BASE, Specification=[BASE_SPEC]),
        ("Specification", "type"),
        dict_only=True,
    ),
    # --- base component rules
    case(
        "base-without-compute",
        changed(BASE, **{"Specification.ComputeResourceRequirements": DELETE}),
        ("Specification.ComputeResourceRequirements", "ic.base-compute-required"),
    ),
    case(
        "base-without-model-or-image",
        changed(
            BASE, **{"Specification.ModelName": DELETE, "Specification.Container.Image": DELETE}
        ),
        ("Specification", "ic.base-model-or-image"),
    ),
    # --- data cache, scheduling, metrics
    case(
        "data-cache-empty",
        changed(BASE, **{"Specification.DataCacheConfig": {}}),
        ("Specification.DataCacheConfig.EnableCaching", "required"),
    ),
    case(
        "data-cache-string",
        changed(BASE, **{"Specification.DataCacheConfig": {"EnableCaching": "yes"}}),
        ("Specification.DataCacheConfig.EnableCaching", "type"),
    ),
    case(
        "az-balance-broken",
        changed(
            BASE,
            **{
                "Specification.SchedulingConfig": {
                    "PlacementStrategy": "SPREAD",
                    "AvailabilityZoneBalance": {"MaxImbalance": 101},
                }
            },
        ),
        ("Specification.SchedulingConfig.AvailabilityZoneBalance.EnforcementMode", "required"),
        ("Specification.SchedulingConfig.AvailabilityZoneBalance.MaxImbalance", "max"),
    ),
    case(
        "metrics-frequency-45",
        changed(
            BASE,
            **{
                "Specification.Container.ContainerMetricsConfig": {
                    "MetricsEndpoints": [
                        {"MetricsEndpointPath": "/metrics", "MetricPublishFrequencyInSeconds": 45}
                    ]
                }
            },
        ),
        (
            "Specification.Container.ContainerMetricsConfig.MetricsEndpoints[0]"
            ".MetricPublishFrequencyInSeconds",
            "ic.metrics-publish-frequency",
        ),
    ),
    case(
        "metrics-two-endpoints-bad-path",
        changed(
            BASE,
            **{
                "Specification.Container.ContainerMetricsConfig": {
                    "MetricsEndpoints": [
                        {"MetricsEndpointPath": "/metrics"},
                        {"MetricsEndpointPath": "metrics/../x"},
                    ]
                }
            },
        ),
        ("Specification.Container.ContainerMetricsConfig.MetricsEndpoints", "max_length"),
        (
            "Specification.Container.ContainerMetricsConfig.MetricsEndpoints[1].MetricsEndpointPath",
            "pattern",
        ),
    ),
    # --- adapters
    case(
        "adapter-with-compute",
        changed(
            ADAPTER,
            **{"Specification.ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024}},
        ),
        ("Specification.ComputeResourceRequirements", "ic.adapter-no-compute"),
    ),
    case(
        "adapter-without-artifact",
        changed(ADAPTER, **{"Specification.Container": DELETE}),
        ("Specification.Container.ArtifactUrl", "ic.adapter-artifact-required"),
    ),
    case(
        "adapter-with-variant-and-copies",
        changed(ADAPTER, VariantName="AllTraffic", RuntimeConfig={"CopyCount": 1}),
        ("VariantName", "ic.adapter-no-variant"),
        ("RuntimeConfig", "ic.adapter-no-runtime-config"),
    ),
    case(
        "adapter-with-image-and-model",
        changed(
            ADAPTER,
            **{"Specification.ModelName": "m", "Specification.Container.Image": "img:1"},
        ),
        ("Specification.ModelName", "ic.adapter-extra-field"),
        ("Specification.Container.Image", "ic.adapter-extra-field"),
    ),
    case(
        "adapter-base-name-bad",
        changed(ADAPTER, **{"Specification.BaseInferenceComponentName": "base_1"}),
        ("Specification.BaseInferenceComponentName", "pattern"),
    ),
    # --- updates
    case(
        "update-nothing",
        {"InferenceComponentName": "llama-3-8b"},
        ("", "ic.update-nothing"),
        shape=UPDATE,
    ),
    case(
        "update-batch-percent-75",
        changed(
            UPDATE_REQ, **{f"{POLICY}.MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 75}}
        ),
        (f"{POLICY}.MaximumBatchSize.Value", "ic.rolling-batch-percent"),
        shape=UPDATE,
    ),
    case(
        "update-rollback-percent-150",
        changed(UPDATE_REQ, **{f"{POLICY}.RollbackMaximumBatchSize.Value": 150}),
        (f"{POLICY}.RollbackMaximumBatchSize.Value", "ic.rollback-batch-percent"),
        shape=UPDATE,
    ),
    case(
        "update-batch-more-copies-than-set",
        changed(UPDATE_REQ, **{f"{POLICY}.MaximumBatchSize.Value": 8}),
        (f"{POLICY}.MaximumBatchSize.Value", "ic.rolling-batch-copies"),
        shape=UPDATE,
    ),
    case(
        "update-batch-zero",
        changed(UPDATE_REQ, **{f"{POLICY}.MaximumBatchSize.Value": 0}),
        (f"{POLICY}.MaximumBatchSize.Value", "min"),
        shape=UPDATE,
    ),
    case(
        "update-wait-and-timeout-out-of-range",
        changed(
            UPDATE_REQ,
            **{
                f"{POLICY}.WaitIntervalInSeconds": 4000,
                f"{POLICY}.MaximumExecutionTimeoutInSeconds": 300,
            },
        ),
        (f"{POLICY}.WaitIntervalInSeconds", "max"),
        (f"{POLICY}.MaximumExecutionTimeoutInSeconds", "min"),
        shape=UPDATE,
    ),
    case(
        "update-alarms-empty",
        changed(UPDATE_REQ, **{"DeploymentConfig.AutoRollbackConfiguration.Alarms": []}),
        ("DeploymentConfig.AutoRollbackConfiguration.Alarms", "min_length"),
        shape=UPDATE,
    ),
    case(
        "update-alarm-name-blank",
        changed(
            UPDATE_REQ, **{"DeploymentConfig.AutoRollbackConfiguration.Alarms[0].AlarmName": "   "}
        ),
        ("DeploymentConfig.AutoRollbackConfiguration.Alarms[0].AlarmName", "pattern"),
        shape=UPDATE,
    ),
    case(
        "update-batch-type-typo",
        changed(UPDATE_REQ, **{f"{POLICY}.MaximumBatchSize.Type": "COPIES"}),
        (f"{POLICY}.MaximumBatchSize.Type", "enum"),
        shape=UPDATE,
    ),
    case(
        "update-deployment-without-policy",
        changed(UPDATE_REQ, DeploymentConfig={}),
        ("DeploymentConfig.RollingUpdatePolicy", "required"),
        shape=UPDATE,
    ),
    case(
        "update-spec-and-specs",
        changed(UPDATE_REQ, Specifications=[spec_for("ml.g5.xlarge")]),
        ("Specifications", "ic.spec-xor-specifications"),
        shape=UPDATE,
    ),
    case(
        "update-unknown-member",
        changed(UPDATE_REQ, DesiredCopies=3),
        ("DesiredCopies", "unknown"),
        shape=UPDATE,
    ),
    case(
        "update-runtime-config-missing",
        {"InferenceComponentName": "llama-3-8b"},
        ("DesiredRuntimeConfig", "required"),
        shape=RUNTIME,
    ),
    case(
        "root-not-a-mapping",
        ["InferenceComponentName", "x"],
        ("", "type"),
        dict_only=True,
    ),
    case(
        "everything-at-once",
        changed(
            BASE,
            InferenceComponentName="bad name!",
            Specifications=[spec_for("ml.g5.xlarge")],
            Tags=tags(51),
            **{
                "RuntimeConfig.CopyCount": 0,
                "Specification.InstanceType": "ml.g5.12xl",
                "Specification.Container.Environment.1BAD": "x",
                f"{COMPUTE}.MinMemoryRequiredInMb": 64,
            },
        ),
        ("InferenceComponentName", "pattern"),
        ("Specifications", "ic.spec-xor-specifications"),
        ("Tags", "max_length"),
        ("RuntimeConfig.CopyCount", "ic.copy-count-positive"),
        ("Specification.InstanceType", "enum"),
        ('Specification.Container.Environment["1BAD"]', "pattern"),
        (f"{COMPUTE}.MinMemoryRequiredInMb", "min"),
    ),
]

VALID: list[Case] = [
    case("base", BASE),
    case(
        "base-minimal",
        {
            "InferenceComponentName": "m",
            "EndpointName": "e",
            "Specification": {
                "ModelName": "model",
                "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 128},
            },
        },
    ),
    case("image-without-model", changed(BASE, **{"Specification.ModelName": DELETE})),
    case(
        "name-63-chars",
        changed(BASE, InferenceComponentName="a" + "-" * 61 + "b", EndpointName="e" * 63),
    ),
    case(
        "several-instance-types",
        changed(
            BASE,
            Specification=DELETE,
            Specifications=[spec_for("ml.g5.2xlarge"), spec_for("ml.g6e.2xlarge")],
        ),
    ),
    case("adapter", ADAPTER),
    case("update-full", UPDATE_REQ, shape=UPDATE),
    case(
        "update-copies-only",
        {"InferenceComponentName": "x", "RuntimeConfig": {"CopyCount": 0}},
        shape=UPDATE,
    ),
    case(
        "update-specs-percent-batch",
        changed(
            UPDATE_REQ,
            Specification=DELETE,
            RuntimeConfig=DELETE,
            Specifications=[spec_for("ml.g5.xlarge"), spec_for("ml.g5.2xlarge")],
            **{
                f"{POLICY}.MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50},
                f"{POLICY}.RollbackMaximumBatchSize": {"Type": "COPY_COUNT", "Value": 10},
            },
        ),
        shape=UPDATE,
    ),
    case(
        "scale-to-zero",
        {"InferenceComponentName": "x", "DesiredRuntimeConfig": {"CopyCount": 0}},
        shape=RUNTIME,
    ),
    case(
        "every-option",
        changed(
            BASE,
            **{
                "Specification.InstanceType": "ml.g5.12xlarge",
                "Specification.DataCacheConfig": {"EnableCaching": True},
                "Specification.SchedulingConfig": {
                    "PlacementStrategy": "BINPACK",
                    "AvailabilityZoneBalance": {"EnforcementMode": "PERMISSIVE", "MaxImbalance": 0},
                },
                "Specification.Container.ContainerMetricsConfig": {
                    "MetricsEndpoints": [
                        {
                            "MetricsEndpointPath": "/server/metrics",
                            "MetricPublishFrequencyInSeconds": 30,
                        }
                    ]
                },
            },
        ),
    ),
    case(
        "unicode-tags-50",
        changed(
            BASE,
            Tags=[
                *tags(48),
                {"Key": "チーム", "Value": "検索 ß é"},
                {"Key": "a:b/c=d+e-f@g", "Value": ""},
            ],
        ),
    ),
    case("env-100", changed(BASE, **{"Specification.Container.Environment": env(100)})),
    case(
        "ints-where-floats-belong",
        changed(
            BASE,
            **{
                f"{COMPUTE}.NumberOfAcceleratorDevicesRequired": 4,
                f"{COMPUTE}.NumberOfCpuCoresRequired": 1,
            },
        ),
    ),
    case("none-counts-as-absent", changed(BASE, VariantName=None, Tags=None)),
    case("describe", {"InferenceComponentName": "x"}, shape=models.DescribeInferenceComponentInput),
]


def _pairs(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.path, p.rule) for p in problems}


def test_corpus_is_big_enough() -> None:
    assert len(INVALID) >= 40
    assert len(VALID) >= 10
    assert len({c.id for c in INVALID + VALID}) == len(INVALID) + len(VALID)


@pytest.mark.parametrize("c", INVALID, ids=lambda c: c.id)
def test_invalid_dict_reports_exactly(c: Case) -> None:
    problems = validate(c.request, c.shape)
    assert _pairs(problems) == c.expected
    assert len(problems) == len(c.expected), "a problem was reported twice"


@pytest.mark.parametrize("c", [c for c in INVALID if not c.dict_only], ids=lambda c: c.id)
def test_invalid_model_reports_exactly(c: Case) -> None:
    model: Any = converter.structure(c.request, c.shape)
    problems = validate(model)
    assert _pairs(problems) == c.expected
    assert len(problems) == len(c.expected)


@pytest.mark.parametrize("c", VALID, ids=lambda c: c.id)
def test_valid_has_no_problems(c: Case) -> None:
    assert validate(c.request, c.shape) == []
    assert validate(converter.structure(c.request, c.shape)) == []


@pytest.mark.parametrize("c", INVALID + VALID, ids=lambda c: c.id)
def test_never_mutates_and_never_leaks_the_secret(c: Case) -> None:
    before = copy.deepcopy(c.request)
    problems = validate(c.request, c.shape)
    assert c.request == before
    for p in problems:
        assert SECRET not in p.message
        assert SECRET not in str(p)

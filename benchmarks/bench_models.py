"""Import time of the models and serde speed, against sagemaker-core and pydantic v2.

Run through ``nox -s bench``. Every number is printed beside a baseline measured in the
same run, as a ratio (lower is better for ic_sdk).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import subprocess
import sys
from typing import Any

from _util import command_time, per_op, record
from pydantic import BaseModel, ConfigDict, Field

from ic_sdk import models
from ic_sdk.serde import converter

BENCH = "models"
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # measure imports as users see them


IMPORT = "import ic_sdk; from ic_sdk.models import DescribeInferenceComponentOutput"
#: Shape modules the import above may load (each class lives in its own module, loaded
#: through importlib on first use, which ``-X importtime`` does not show).
SHAPE_MODULES_BOUND = 10


def shape_modules_loaded(code: str = IMPORT) -> list[str]:
    """The ``ic_sdk.models`` shape modules in ``sys.modules`` after ``code``, fresh process."""
    probe = (
        f"{code}; import sys; print('\\n'.join(m for m in sys.modules "
        "if m.startswith('ic_sdk.models.') and '._shapes.' in m))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return out.split()


def bench_import() -> None:
    print("import time (median of 15 fresh interpreters, wall)")
    leak = subprocess.run(
        [sys.executable, "-c", IMPORT + "; import sys; print('aiobotocore' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    bare = command_time("pass")
    ours = command_time(IMPORT)
    shapes = shape_modules_loaded()
    try:
        version = importlib.metadata.version("sagemaker-core")
    except importlib.metadata.PackageNotFoundError:
        version = None
    theirs = command_time("import sagemaker_core.main.resources", runs=5) if version else None
    record(
        BENCH,
        "import",
        "import ic_sdk + DescribeInferenceComponentOutput (wall, incl. start-up)",
        ours * 1e3,
        "ms",
        baseline=theirs * 1e3 if theirs else bare * 1e3,
        baseline_label=f"sagemaker-core {version}" if theirs else "python -c pass",
        readme="import (`import ic_sdk` + the Describe shape)",
        note=f"interpreter start-up alone: {bare * 1e3:.1f} ms; aiobotocore imported: {leak}"
        + ("" if theirs else "; sagemaker-core not installed, so no comparison with it"),
    )
    record(
        BENCH,
        "import_shape_modules",
        "shape modules loaded by that import",
        len(shapes),
        "loaded",
        target=f"value <= {SHAPE_MODULES_BOUND}",
        readme="shape modules that import loads (of 1,900+)",
        note=", ".join(m.rsplit(".", 1)[1] for m in shapes),
    )


# --- pydantic v2 equivalents of the same shapes (aliases = wire names) ----------------


class _P(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=True)


class PDeployedImage(_P):
    specified_image: str | None = Field(None, alias="SpecifiedImage")
    resolved_image: str | None = Field(None, alias="ResolvedImage")
    resolution_time: dt.datetime | None = Field(None, alias="ResolutionTime")


class PContainerSummary(_P):
    deployed_image: PDeployedImage | None = Field(None, alias="DeployedImage")
    artifact_url: str | None = Field(None, alias="ArtifactUrl")
    environment: dict[str, str] | None = Field(None, alias="Environment")


class PCompute(_P):
    number_of_cpu_cores_required: float | None = Field(None, alias="NumberOfCpuCoresRequired")
    number_of_accelerator_devices_required: float | None = Field(
        None, alias="NumberOfAcceleratorDevicesRequired"
    )
    min_memory_required_in_mb: int = Field(alias="MinMemoryRequiredInMb")
    max_memory_required_in_mb: int | None = Field(None, alias="MaxMemoryRequiredInMb")


class PStartup(_P):
    model_data_download_timeout_in_seconds: int | None = Field(
        None, alias="ModelDataDownloadTimeoutInSeconds"
    )
    container_startup_health_check_timeout_in_seconds: int | None = Field(
        None, alias="ContainerStartupHealthCheckTimeoutInSeconds"
    )


class PSpecSummary(_P):
    model_name: str | None = Field(None, alias="ModelName")
    container: PContainerSummary | None = Field(None, alias="Container")
    startup_parameters: PStartup | None = Field(None, alias="StartupParameters")
    compute_resource_requirements: PCompute | None = Field(
        None, alias="ComputeResourceRequirements"
    )
    base_inference_component_name: str | None = Field(None, alias="BaseInferenceComponentName")


class PRuntimeSummary(_P):
    desired_copy_count: int | None = Field(None, alias="DesiredCopyCount")
    current_copy_count: int | None = Field(None, alias="CurrentCopyCount")


class PDescribe(_P):
    inference_component_name: str = Field(alias="InferenceComponentName")
    inference_component_arn: str = Field(alias="InferenceComponentArn")
    endpoint_name: str = Field(alias="EndpointName")
    endpoint_arn: str = Field(alias="EndpointArn")
    variant_name: str | None = Field(None, alias="VariantName")
    failure_reason: str | None = Field(None, alias="FailureReason")
    specification: PSpecSummary | None = Field(None, alias="Specification")
    runtime_config: PRuntimeSummary | None = Field(None, alias="RuntimeConfig")
    creation_time: dt.datetime = Field(alias="CreationTime")
    last_modified_time: dt.datetime = Field(alias="LastModifiedTime")
    inference_component_status: str | None = Field(None, alias="InferenceComponentStatus")


class PContainer(_P):
    image: str | None = Field(None, alias="Image")
    artifact_url: str | None = Field(None, alias="ArtifactUrl")
    environment: dict[str, str] | None = Field(None, alias="Environment")


class PSpec(_P):
    model_name: str | None = Field(None, alias="ModelName")
    container: PContainer | None = Field(None, alias="Container")
    startup_parameters: PStartup | None = Field(None, alias="StartupParameters")
    compute_resource_requirements: PCompute | None = Field(
        None, alias="ComputeResourceRequirements"
    )


class PRuntime(_P):
    copy_count: int = Field(alias="CopyCount")


class PTag(_P):
    key: str = Field(alias="Key")
    value: str = Field(alias="Value")


class PCreate(_P):
    inference_component_name: str = Field(alias="InferenceComponentName")
    endpoint_name: str = Field(alias="EndpointName")
    variant_name: str | None = Field(None, alias="VariantName")
    specification: PSpec | None = Field(None, alias="Specification")
    runtime_config: PRuntime | None = Field(None, alias="RuntimeConfig")
    tags: list[PTag] | None = Field(None, alias="Tags")


NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
DESCRIBE: dict[str, Any] = {
    "InferenceComponentName": "llama3-8b-base",
    "InferenceComponentArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-component/llama3-8b-base",
    "EndpointName": "shared-g5",
    "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/shared-g5",
    "VariantName": "AllTraffic",
    "Specification": {
        "ModelName": "llama3-8b",
        "Container": {
            "DeployedImage": {
                "SpecifiedImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124",
                "ResolvedImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference@sha256:0123456789abcdef",
                "ResolutionTime": NOW,
            },
            "ArtifactUrl": "s3://bucket/llama3-8b/model.tar.gz",
            "Environment": {"OPTION_MAX_MODEL_LEN": "8192", "OPTION_ROLLING_BATCH": "lmi-dist"},
        },
        "StartupParameters": {
            "ModelDataDownloadTimeoutInSeconds": 1200,
            "ContainerStartupHealthCheckTimeoutInSeconds": 1200,
        },
        "ComputeResourceRequirements": {
            "NumberOfAcceleratorDevicesRequired": 1.0,
            "MinMemoryRequiredInMb": 16384,
            "MaxMemoryRequiredInMb": 32768,
        },
    },
    "RuntimeConfig": {"DesiredCopyCount": 2, "CurrentCopyCount": 2},
    "CreationTime": NOW,
    "LastModifiedTime": NOW,
    "InferenceComponentStatus": "InService",
}


def bench_serde() -> None:
    create = models.CreateInferenceComponentInput(
        inference_component_name="llama3-8b-base",
        endpoint_name="shared-g5",
        variant_name="AllTraffic",
        specification=models.InferenceComponentSpecification(
            model_name="llama3-8b",
            container=models.InferenceComponentContainerSpecification(
                image="763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0",
                artifact_url="s3://bucket/llama3-8b/model.tar.gz",
                environment={"OPTION_MAX_MODEL_LEN": "8192", "HF_TOKEN": "hf_xxx"},
            ),
            startup_parameters=models.InferenceComponentStartupParameters(
                model_data_download_timeout_in_seconds=1200,
                container_startup_health_check_timeout_in_seconds=1200,
            ),
            compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
                number_of_accelerator_devices_required=1.0,
                min_memory_required_in_mb=16384,
                max_memory_required_in_mb=32768,
            ),
        ),
        runtime_config=models.InferenceComponentRuntimeConfig(copy_count=2),
        tags=[models.Tag(key="team", value="ml"), models.Tag(key="cost-center", value="42")],
    )
    wire_create = converter.unstructure(create)
    pcreate = PCreate.model_validate(wire_create)
    assert pcreate.model_dump(by_alias=True, exclude_none=True) == wire_create
    assert (
        converter.unstructure(
            converter.structure(DESCRIBE, models.DescribeInferenceComponentOutput)
        )
        == DESCRIBE
    )

    structure = converter.get_structure_hook(models.DescribeInferenceComponentOutput)
    unstructure = converter.get_unstructure_hook(models.CreateInferenceComponentInput)
    Desc = models.DescribeInferenceComponentOutput
    s_ours = per_op(lambda: structure(DESCRIBE, Desc))
    s_conv = per_op(lambda: converter.structure(DESCRIBE, Desc))
    s_pyd = per_op(lambda: PDescribe.model_validate(DESCRIBE))
    u_ours = per_op(lambda: unstructure(create))
    u_conv = per_op(lambda: converter.unstructure(create))
    u_pyd = per_op(lambda: pcreate.model_dump(by_alias=True, exclude_none=True))
    print("serde (best of 7, per operation; ratio = ic_sdk / pydantic v2, <= 1.0 is the goal)")
    record(
        BENCH,
        "structure_describe",
        "converter.structure(DescribeInferenceComponent response)",
        s_conv * 1e6,
        "µs",
        baseline=s_pyd * 1e6,
        baseline_label="pydantic v2 model_validate",
        readme="parse a Describe response",
        note=f"its cached hook called directly: {s_ours * 1e6:.2f} µs",
    )
    record(
        BENCH,
        "unstructure_create",
        "converter.unstructure(CreateInferenceComponentInput)",
        u_conv * 1e6,
        "µs",
        baseline=u_pyd * 1e6,
        baseline_label="pydantic v2 model_dump(by_alias, exclude_none)",
        readme="build a Create request dict",
        note=f"its cached hook called directly: {u_ours * 1e6:.2f} µs",
    )


if __name__ == "__main__":
    print(f"== bench_models (python {sys.version.split()[0]}) ==")
    bench_import()
    bench_serde()

"""The whole life of an IC deployment through a raw aiobotocore client (no ic_sdk facade).

model -> endpoint config -> endpoint -> base IC -> adapter IC -> invoke (both kinds) ->
scale -> update with a rolling policy -> delete everything, checking each status
transition and each error the service gives on the way.
"""

from __future__ import annotations

import json
from typing import Any

from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from tests.testing.emulator_support import (
    IMAGE,
    ROLE_ARN,
    SETTLE,
    VARIANT,
    adapter_request,
    base_request,
    expect_error,
    ic_endpoint_config,
    runtime_config,
)

ARN = "arn:aws:sagemaker:us-east-1:123456789012"


async def status_of(sagemaker: Any, name: str) -> str:
    described = await sagemaker.describe_inference_component(InferenceComponentName=name)
    return str(described["InferenceComponentStatus"])


async def invoke(runtime: Any, component: str | None, payload: object) -> dict[str, Any]:
    kwargs = {"InferenceComponentName": component} if component else {}
    response = await runtime.invoke_endpoint(
        EndpointName="ep", Body=json.dumps(payload), ContentType="application/json", **kwargs
    )
    assert response["InvokedProductionVariant"] == VARIANT
    document: dict[str, Any] = json.loads(await response["Body"].read())
    return document


async def invoke_stream(runtime: Any, component: str, payload: object) -> list[bytes]:
    response = await runtime.invoke_endpoint_with_response_stream(
        EndpointName="ep", Body=json.dumps(payload), InferenceComponentName=component
    )
    return [event["PayloadPart"]["Bytes"] async for event in response["Body"]]


async def test_full_lifecycle(
    sm: LocalSageMaker, sagemaker: Any, runtime: Any, clock: FakeClock
) -> None:
    # -- model and endpoint configs ---------------------------------------------------
    created = await sagemaker.create_model(
        ModelName="llama", PrimaryContainer={"Image": IMAGE}, ExecutionRoleArn=ROLE_ARN
    )
    assert created["ModelArn"] == f"{ARN}:model/llama"
    model = await sagemaker.describe_model(ModelName="llama")
    assert model["PrimaryContainer"] == {"Image": IMAGE}
    await expect_error(
        sagemaker.create_model(ModelName="llama", PrimaryContainer={"Image": IMAGE}),
        "ValidationException",
        f'Cannot create already existing model "{ARN}:model/llama".',
    )
    # A classic endpoint config (variants name models) cannot host components.
    await sagemaker.create_endpoint_config(
        EndpointConfigName="model-config",
        ProductionVariants=[
            {"VariantName": VARIANT, "ModelName": "llama", "InstanceType": "ml.g5.xlarge"}
        ],
    )
    await sagemaker.create_endpoint_config(**ic_endpoint_config("ic-config"))
    config = await sagemaker.describe_endpoint_config(EndpointConfigName="ic-config")
    assert config["ExecutionRoleArn"] == ROLE_ARN
    assert config["EndpointConfigArn"] == f"{ARN}:endpoint-config/ic-config"

    # -- endpoint: Creating -> InService ----------------------------------------------------
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="ic-config")
    await sagemaker.create_endpoint(EndpointName="model-ep", EndpointConfigName="model-config")
    described = await sagemaker.describe_endpoint(EndpointName="ep")
    assert described["EndpointStatus"] == "Creating"
    await expect_error(
        sagemaker.create_inference_component(**base_request("base", "ep")),
        "ValidationException",
        "inference components can be created only on an InService endpoint",
    )
    clock.advance(SETTLE)
    described = await sagemaker.describe_endpoint(EndpointName="ep")
    assert described["EndpointStatus"] == "InService"
    assert described["ProductionVariants"][0]["CurrentInstanceCount"] == 1
    await expect_error(
        sagemaker.create_inference_component(**base_request("base", "model-ep")),
        "ValidationException",
        "Inference Components are not supported in this Endpoint",
    )

    # -- base component: Creating -> InService ------------------------------------------
    await expect_error(
        sagemaker.create_inference_component(**base_request("base", "ep", copies=0)),
        "ValidationException",
        "Inference components copy count an integer larger than 0",
    )
    created = await sagemaker.create_inference_component(**base_request("base", "ep"))
    assert created["InferenceComponentArn"] == f"{ARN}:inference-component/base"
    described = await sagemaker.describe_inference_component(InferenceComponentName="base")
    assert described["InferenceComponentStatus"] == "Creating"
    assert described["RuntimeConfig"] == runtime_config(1, 0)
    assert described["Specification"]["Container"]["DeployedImage"]["SpecifiedImage"] == IMAGE
    assert "FailureReason" not in described
    # Not ready yet: no capacity to invoke, no adapters, no deleting the endpoint.
    await expect_error(
        invoke(runtime, "base", {}), "ValidationError", "has no capacity to process this request"
    )
    await expect_error(
        sagemaker.create_inference_component(**adapter_request("adapter", "ep", "base")),
        "ValidationException",
        "must be InService to create an adapter inference component; its status is Creating",
    )
    await expect_error(
        sagemaker.delete_endpoint(EndpointName="ep"),
        "ValidationException",
        "while it hosts inference components: base (Creating)",
    )
    clock.advance(SETTLE)
    described = await sagemaker.describe_inference_component(InferenceComponentName="base")
    assert described["InferenceComponentStatus"] == "InService"
    assert described["RuntimeConfig"] == runtime_config(1, 1)
    assert described["LastModifiedTime"] > described["CreationTime"]

    # -- adapter component: inherits the base's variant and compute ------------------------
    bad_adapter = adapter_request("bad-adapter", "ep", "base")
    bad_adapter["Specification"]["ComputeResourceRequirements"] = {"MinMemoryRequiredInMb": 1024}
    await expect_error(
        sagemaker.create_inference_component(**bad_adapter, VariantName=VARIANT),
        "ValidationException",
        "VariantName must not be set for an adapter",
    )
    await sagemaker.create_inference_component(**adapter_request("adapter", "ep", "base"))
    adapter = await sagemaker.describe_inference_component(InferenceComponentName="adapter")
    assert adapter["InferenceComponentStatus"] == "Creating"
    assert adapter["VariantName"] == VARIANT
    assert adapter["Specification"]["BaseInferenceComponentName"] == "base"
    assert "RuntimeConfig" not in adapter
    clock.advance(SETTLE)
    assert await status_of(sagemaker, "adapter") == "InService"

    # -- invoke both kinds -------------------------------------------------------------
    answer = await invoke(runtime, "base", {"inputs": "hi"})
    assert answer == {
        "endpoint": "ep",
        "variant": VARIANT,
        "inference_component": "base",
        "input": {"inputs": "hi"},
    }
    answer = await invoke(runtime, "adapter", {"inputs": "hi"})
    assert answer["inference_component"] == "adapter"
    assert answer["base_inference_component"] == "base"
    parts = await invoke_stream(runtime, "adapter", {"inputs": "hi"})
    assert len(parts) > 1
    assert json.loads(b"".join(parts)) == answer
    await expect_error(
        invoke(runtime, None, {}),
        "ValidationError",
        "Inference Component Name header is required for endpoints to which you plan to deploy "
        "inference components.",
    )

    # -- scale: UpdateInferenceComponentRuntimeConfig -------------------------------------
    await sagemaker.update_inference_component_runtime_config(
        InferenceComponentName="base", DesiredRuntimeConfig={"CopyCount": 3}
    )
    described = await sagemaker.describe_inference_component(InferenceComponentName="base")
    assert described["InferenceComponentStatus"] == "Updating"
    assert described["RuntimeConfig"] == runtime_config(3, 1)
    await expect_error(
        sagemaker.update_inference_component_runtime_config(
            InferenceComponentName="base", DesiredRuntimeConfig={"CopyCount": 2}
        ),
        "ValidationException",
        "while its status is Updating",
    )
    clock.advance(SETTLE)
    described = await sagemaker.describe_inference_component(InferenceComponentName="base")
    assert described["InferenceComponentStatus"] == "InService"
    assert described["RuntimeConfig"] == runtime_config(3, 3)
    # Four A10Gs on the one instance, one per copy: a fifth copy does not fit.
    await expect_error(
        sagemaker.update_inference_component_runtime_config(
            InferenceComponentName="base", DesiredRuntimeConfig={"CopyCount": 5}
        ),
        "ResourceLimitExceeded",
        "5 copies requested, only 4 fit",
    )
    await expect_error(
        sagemaker.update_inference_component_runtime_config(
            InferenceComponentName="adapter", DesiredRuntimeConfig={"CopyCount": 2}
        ),
        "ValidationException",
        "is an adapter",
    )

    # -- update with a rolling policy -----------------------------------------------------
    new_spec = base_request("base", "ep", image=f"{IMAGE}-v2", memory=16384)["Specification"]
    deployment = {
        "RollingUpdatePolicy": {
            "MaximumBatchSize": {"Type": "COPY_COUNT", "Value": 1},
            "WaitIntervalInSeconds": 60,
            "MaximumExecutionTimeoutInSeconds": 1800,
            "RollbackMaximumBatchSize": {"Type": "COPY_COUNT", "Value": 1},
        }
    }
    updated = await sagemaker.update_inference_component(
        InferenceComponentName="base", Specification=new_spec, DeploymentConfig=deployment
    )
    assert updated["InferenceComponentArn"] == f"{ARN}:inference-component/base"
    described = await sagemaker.describe_inference_component(InferenceComponentName="base")
    assert described["InferenceComponentStatus"] == "Updating"
    assert described["LastDeploymentConfig"] == deployment
    # Three batches of one copy, each baked for 60 s: the old specification shows until
    # the last is done.
    clock.advance(SETTLE)
    described = await sagemaker.describe_inference_component(InferenceComponentName="base")
    assert described["InferenceComponentStatus"] == "Updating"
    assert described["Specification"]["Container"]["DeployedImage"]["SpecifiedImage"] == IMAGE
    clock.advance(3 * 61)
    described = await sagemaker.describe_inference_component(InferenceComponentName="base")
    assert described["InferenceComponentStatus"] == "InService"
    assert described["Specification"]["Container"]["DeployedImage"]["SpecifiedImage"] == (
        f"{IMAGE}-v2"
    )
    assert described["Specification"]["ComputeResourceRequirements"]["MinMemoryRequiredInMb"] == (
        16384
    )
    assert described["RuntimeConfig"]["CurrentCopyCount"] == 3

    # -- list, tags ---------------------------------------------------------------------
    listed = await sagemaker.list_inference_components(EndpointNameEquals="ep", SortBy="Name")
    assert [c["InferenceComponentName"] for c in listed["InferenceComponents"]] == [
        "base",
        "adapter",
    ]
    assert {c["InferenceComponentStatus"] for c in listed["InferenceComponents"]} == {"InService"}
    await sagemaker.add_tags(
        ResourceArn=f"{ARN}:inference-component/base", Tags=[{"Key": "team", "Value": "ml"}]
    )
    tags = await sagemaker.list_tags(ResourceArn=f"{ARN}:inference-component/base")
    assert tags["Tags"] == [{"Key": "team", "Value": "ml"}]

    # -- delete everything: Deleting -> gone ---------------------------------------------------
    await expect_error(
        sagemaker.delete_endpoint(EndpointName="ep"),
        "ValidationException",
        "while it hosts inference components: adapter (InService), base (InService)",
    )
    await expect_error(
        sagemaker.delete_inference_component(InferenceComponentName="base"),
        "ValidationException",
        "is a base inference component for one or more associated adapter inference components",
    )
    await sagemaker.delete_inference_component(InferenceComponentName="adapter")
    assert await status_of(sagemaker, "adapter") == "Deleting"
    await expect_error(
        sagemaker.delete_inference_component(InferenceComponentName="adapter"),
        "ValidationException",
        "DELETE_IN_PROGRESS",
    )
    # Still an adapter of base while it is being deleted.
    await expect_error(
        sagemaker.delete_inference_component(InferenceComponentName="base"),
        "ValidationException",
        "is a base inference component for one or more associated",
    )
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.describe_inference_component(InferenceComponentName="adapter"),
        "ValidationException",
        f'Could not find inference component "{ARN}:inference-component/adapter".',
    )
    await sagemaker.delete_inference_component(InferenceComponentName="base")
    assert await status_of(sagemaker, "base") == "Deleting"
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.describe_inference_component(InferenceComponentName="base"),
        "ValidationException",
        "Could not find inference component",
    )
    await expect_error(
        sagemaker.list_tags(ResourceArn=f"{ARN}:inference-component/base"),
        "ValidationException",
        "Could not find resource",
    )
    await sagemaker.delete_endpoint(EndpointName="ep")
    described = await sagemaker.describe_endpoint(EndpointName="ep")
    assert described["EndpointStatus"] == "Deleting"
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.describe_endpoint(EndpointName="ep"),
        "ValidationException",
        f'Could not find endpoint "{ARN}:endpoint/ep".',
    )
    await expect_error(
        invoke(runtime, "base", {}),
        "ValidationError",
        "Endpoint ep of account 123456789012 not found.",
    )
    await sagemaker.delete_endpoint_config(EndpointConfigName="ic-config")
    await sagemaker.delete_model(ModelName="llama")
    await expect_error(
        sagemaker.describe_model(ModelName="llama"),
        "ValidationException",
        f'Could not find model "{ARN}:model/llama".',
    )
    listed = await sagemaker.list_inference_components()
    assert listed["InferenceComponents"] == []

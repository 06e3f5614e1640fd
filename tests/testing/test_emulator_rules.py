"""The service's rules beyond the happy path, one at a time (raw aiobotocore client)."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from botocore.exceptions import EventStreamError

from ic_sdk.clock import FakeClock
from ic_sdk.testing import Invocation, LocalSageMaker, ModelError, Reply
from tests.client_support import raw_client
from tests.testing.conftest import NO_RETRIES
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


async def describe(sagemaker: Any, name: str) -> dict[str, Any]:
    described: dict[str, Any] = await sagemaker.describe_inference_component(
        InferenceComponentName=name
    )
    return described


async def deploy_base(sagemaker: Any, clock: FakeClock, name: str = "base", **kw: Any) -> None:
    await sagemaker.create_inference_component(**base_request(name, "ep", **kw))
    clock.advance(SETTLE)


# -- request validation ------------------------------------------------------------------


async def test_invalid_request_lists_every_problem(sagemaker: Any, endpoint: str) -> None:
    # botocore itself checks only required, types and minimums; the rest reaches the service.
    request = base_request("bad_name!", endpoint)
    request["Specification"]["Container"]["Environment"] = {"1BAD": "super-secret-token"}
    request["Specification"]["StartupParameters"] = {"ModelDataDownloadTimeoutInSeconds": 7200}
    error = await expect_error(
        sagemaker.create_inference_component(**request),
        "ValidationException",
        "validation errors detected: ",
    )
    message = error.response["Error"]["Message"]
    assert message.startswith("3 validation errors detected: ")
    assert "'inferenceComponentName'" in message
    assert "'specification.startupParameters.modelDataDownloadTimeoutInSeconds'" in message
    assert "'specification.container.environment" in message
    assert "super-secret-token" not in message


async def test_name_too_long_reaches_the_service_and_is_refused(
    sagemaker: Any, endpoint: str
) -> None:
    # botocore checks no max length; the service does.
    await expect_error(
        sagemaker.describe_inference_component(InferenceComponentName="x" * 64),
        "ValidationException",
        f"1 validation error detected: Value '{'x' * 64}' at 'inferenceComponentName' failed to "
        "satisfy constraint: Member must have length less than or equal to 63",
    )


async def test_spec_and_specifications_exclusive(sagemaker: Any, endpoint: str) -> None:
    request = base_request("both", endpoint)
    request["Specifications"] = [{**request["Specification"], "InstanceType": "ml.g5.12xlarge"}]
    await expect_error(
        sagemaker.create_inference_component(**request),
        "ValidationException",
        "Exactly one of Specification or Specifications must be provided.",
    )
    del request["Specification"], request["Specifications"]
    await expect_error(
        sagemaker.create_inference_component(**request),
        "ValidationException",
        "Exactly one of Specification or Specifications must be provided.",
    )


async def test_specifications_place_the_entry_of_the_variant_instance_type(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    spec = base_request("multi", endpoint)["Specification"]
    request = base_request("multi", endpoint)
    del request["Specification"]
    request["Specifications"] = [
        {**spec, "InstanceType": "ml.g6.12xlarge"},
        {
            **spec,
            "InstanceType": "ml.g5.12xlarge",
            "ComputeResourceRequirements": {
                "MinMemoryRequiredInMb": 1024,
                "NumberOfAcceleratorDevicesRequired": 4,
            },
        },
    ]
    await sagemaker.create_inference_component(**request)
    clock.advance(SETTLE)
    described = await describe(sagemaker, "multi")
    assert [s["InstanceType"] for s in described["Specifications"]] == [
        "ml.g6.12xlarge",
        "ml.g5.12xlarge",
    ]
    # The g5 entry takes all four GPUs of the only instance.
    await expect_error(
        sagemaker.create_inference_component(**base_request("more", endpoint)),
        "ResourceLimitExceeded",
        "1 copy requested, only 0 fit",
    )


async def test_base_needs_compute_and_a_model_or_image(sagemaker: Any, endpoint: str) -> None:
    request = base_request("c", endpoint)
    del request["Specification"]["ComputeResourceRequirements"]
    del request["Specification"]["Container"]
    await expect_error(
        sagemaker.create_inference_component(**request),
        "ValidationException",
        "Specification.ComputeResourceRequirements is required; Specification: either "
        "ModelName or Container.Image is required.",
    )
    request = base_request("c", endpoint)
    request["Specification"]["ModelName"] = "no-such-model"
    await expect_error(
        sagemaker.create_inference_component(**request),
        "ValidationException",
        f'Could not find model "{ARN}:model/no-such-model".',
    )
    request = base_request("c", endpoint)
    del request["RuntimeConfig"]
    await expect_error(
        sagemaker.create_inference_component(**request),
        "ValidationException",
        "RuntimeConfig is required",
    )


async def test_names_are_unique_ignoring_case(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await deploy_base(sagemaker, clock, "Base")
    await expect_error(
        sagemaker.create_inference_component(**base_request("base", endpoint)),
        "ValidationException",
        f'Cannot create already existing inference component "{ARN}:inference-component/base".',
    )
    assert (await describe(sagemaker, "BASE"))["InferenceComponentName"] == "Base"


# -- endpoints -----------------------------------------------------------------------


async def test_a_config_whose_variant_names_no_model_needs_a_role(sagemaker: Any) -> None:
    variant = {"VariantName": VARIANT, "InstanceType": "ml.g5.xlarge"}
    await expect_error(
        sagemaker.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[variant]),
        "ValidationException",
        "ExecutionRoleArn is required when a production variant specifies no ModelName "
        f"(variants without a model: {VARIANT}).",
    )
    await expect_error(
        sagemaker.describe_endpoint_config(EndpointConfigName="c"), "ValidationException"
    )


@pytest.mark.parametrize(("role", "model"), [(None, "m"), (ROLE_ARN, "m")], ids=["model", "both"])
async def test_ic_endpoints_need_a_role_and_no_model(
    sagemaker: Any, clock: FakeClock, role: str | None, model: str | None
) -> None:
    await sagemaker.create_model(ModelName="m", PrimaryContainer={"Image": IMAGE})
    variant: dict[str, Any] = {"VariantName": VARIANT, "InstanceType": "ml.g5.xlarge"}
    config: dict[str, Any] = {"EndpointConfigName": "c", "ProductionVariants": [variant]}
    if model:
        variant["ModelName"] = model
    if role:
        config["ExecutionRoleArn"] = role
    await sagemaker.create_endpoint_config(**config)
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.create_inference_component(**base_request("ic", "ep")),
        "ValidationException",
        "Inference Components are not supported in this Endpoint. Please make sure this endpoint "
        "can deploy inference components.",
    )


async def test_endpoint_refers_to_existing_things(sagemaker: Any) -> None:
    await expect_error(
        sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="nope"),
        "ValidationException",
        f'Could not find endpoint configuration "{ARN}:endpoint-config/nope".',
    )
    await expect_error(
        sagemaker.create_inference_component(**base_request("ic", "nope")),
        "ValidationException",
        f'Could not find endpoint "{ARN}:endpoint/nope".',
    )
    await expect_error(
        sagemaker.create_endpoint_config(
            EndpointConfigName="c", ProductionVariants=[{"VariantName": "v", "ModelName": "nope"}]
        ),
        "ValidationException",
        f'Could not find model "{ARN}:model/nope".',
    )


async def test_failed_endpoint(sm: LocalSageMaker, sagemaker: Any, clock: FakeClock) -> None:
    sm.faults.fail_next_create("ep", reason="CapacityError: no ml.g5.12xlarge available")
    await sagemaker.create_endpoint_config(**ic_endpoint_config("c"))
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
    clock.advance(SETTLE)
    described = await sagemaker.describe_endpoint(EndpointName="ep")
    assert described["EndpointStatus"] == "Failed"
    assert described["FailureReason"] == "CapacityError: no ml.g5.12xlarge available"
    await expect_error(
        sagemaker.create_inference_component(**base_request("ic", "ep")),
        "ValidationException",
        "is Failed and cannot host inference components",
    )
    await sagemaker.delete_endpoint(EndpointName="ep")
    clock.advance(SETTLE)
    await expect_error(sagemaker.describe_endpoint(EndpointName="ep"), "ValidationException")


async def test_lenient_endpoint_status_is_configurable(clock: FakeClock) -> None:
    emulator = LocalSageMaker(clock=clock, require_in_service_endpoint=False)
    async with (
        emulator as sm,
        raw_client(sm, config=NO_RETRIES) as sagemaker,
    ):
        await sagemaker.create_endpoint_config(**ic_endpoint_config("c"))
        await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
        await sagemaker.create_inference_component(**base_request("ic", "ep"))
        assert (await describe(sagemaker, "ic"))["InferenceComponentStatus"] == "Creating"


# -- component lifecycle -------------------------------------------------------------------


async def test_failed_create_keeps_reason_and_frees_capacity(
    sm: LocalSageMaker, sagemaker: Any, runtime: Any, endpoint: str, clock: FakeClock
) -> None:
    sm.faults.fail_next_create(
        "ic", reason="CapacityError: Unable to provision requested ML compute"
    )
    await sagemaker.create_inference_component(**base_request("ic", endpoint, accelerators=4))
    assert (await describe(sagemaker, "ic"))["InferenceComponentStatus"] == "Creating"
    clock.advance(SETTLE)
    described = await describe(sagemaker, "ic")
    assert described["InferenceComponentStatus"] == "Failed"
    assert described["FailureReason"] == "CapacityError: Unable to provision requested ML compute"
    assert described["RuntimeConfig"] == runtime_config(1, 0)
    await expect_error(
        runtime.invoke_endpoint(EndpointName="ep", Body=b"{}", InferenceComponentName="ic"),
        "ValidationError",
        "no capacity",
    )
    # The failed component holds nothing: all four GPUs are free again.
    await sagemaker.create_inference_component(**base_request("other", endpoint, accelerators=4))
    await sagemaker.delete_inference_component(InferenceComponentName="ic")
    clock.advance(SETTLE)
    await expect_error(describe(sagemaker, "ic"), "ValidationException", "Could not find")


async def test_failed_update_rolls_back_and_the_reason_stays(
    sm: LocalSageMaker, sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await deploy_base(sagemaker, clock)
    new_spec = base_request("base", endpoint, image=f"{IMAGE}-broken")["Specification"]
    sm.faults.fail_next_update("base", reason="Health check failed for the new copies")
    await sagemaker.update_inference_component(
        InferenceComponentName="base", Specification=new_spec, RuntimeConfig={"CopyCount": 2}
    )
    updating = await describe(sagemaker, "base")
    assert updating["InferenceComponentStatus"] == "Updating"
    assert updating["RuntimeConfig"]["DesiredCopyCount"] == 2
    clock.advance(SETTLE)
    rolled_back = await describe(sagemaker, "base")
    assert rolled_back["InferenceComponentStatus"] == "InService"
    assert rolled_back["FailureReason"] == "Health check failed for the new copies"
    assert rolled_back["Specification"]["Container"]["DeployedImage"]["SpecifiedImage"] == IMAGE
    assert rolled_back["RuntimeConfig"] == runtime_config(1, 1)
    # A later successful update does not clear it.
    await sagemaker.update_inference_component_runtime_config(
        InferenceComponentName="base", DesiredRuntimeConfig={"CopyCount": 2}
    )
    clock.advance(SETTLE)
    later = await describe(sagemaker, "base")
    assert later["InferenceComponentStatus"] == "InService"
    assert later["RuntimeConfig"] == runtime_config(2, 2)
    assert later["FailureReason"] == "Health check failed for the new copies"


async def test_update_rules(sagemaker: Any, endpoint: str, clock: FakeClock) -> None:
    await expect_error(
        sagemaker.update_inference_component(
            InferenceComponentName="ghost", RuntimeConfig={"CopyCount": 1}
        ),
        "ValidationException",
        "Could not find inference component",
    )
    await sagemaker.create_inference_component(**base_request("base", endpoint))
    await expect_error(
        sagemaker.update_inference_component(
            InferenceComponentName="base", RuntimeConfig={"CopyCount": 2}
        ),
        "ValidationException",
        "while its status is Creating",
    )
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.update_inference_component(
            InferenceComponentName="base",
            DeploymentConfig={
                "RollingUpdatePolicy": {
                    "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50},
                    "WaitIntervalInSeconds": 0,
                }
            },
        ),
        "ValidationException",
        "needs a Specification, Specifications or a RuntimeConfig",
    )
    # Scaling to zero is how autoscaling parks a component; create refuses it, update not.
    await sagemaker.update_inference_component_runtime_config(
        InferenceComponentName="base", DesiredRuntimeConfig={"CopyCount": 0}
    )
    clock.advance(SETTLE)
    assert (await describe(sagemaker, "base"))["RuntimeConfig"]["CurrentCopyCount"] == 0


async def test_delete_while_creating_does_not_come_back(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.create_inference_component(**base_request("ic", endpoint))
    await sagemaker.delete_inference_component(InferenceComponentName="ic")
    assert (await describe(sagemaker, "ic"))["InferenceComponentStatus"] == "Deleting"
    clock.advance(SETTLE)
    await expect_error(describe(sagemaker, "ic"), "ValidationException", "Could not find")


# -- adapters ----------------------------------------------------------------------------


async def test_adapter_rules(sagemaker: Any, endpoint: str, clock: FakeClock) -> None:
    await expect_error(
        sagemaker.create_inference_component(**adapter_request("a", endpoint, "ghost")),
        "ValidationException",
        f'Could not find base inference component "{ARN}:inference-component/ghost".',
    )
    await deploy_base(sagemaker, clock)
    with_runtime = adapter_request("a", endpoint, "base")
    with_runtime["RuntimeConfig"] = {"CopyCount": 1}
    with_runtime["Specification"]["Container"] = {"Image": IMAGE}
    error = await expect_error(
        sagemaker.create_inference_component(**with_runtime), "ValidationException"
    )
    message = error.response["Error"]["Message"]
    assert "RuntimeConfig must not be set for an adapter" in message
    assert "no Container.Image" in message
    assert "Container.ArtifactUrl is required for an adapter" in message
    await sagemaker.create_inference_component(**adapter_request("a", endpoint, "base"))
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.create_inference_component(**adapter_request("b", endpoint, "a")),
        "ValidationException",
        "is an adapter and cannot be the base of another adapter",
    )
    # Adapters take no capacity: the base's copies serve them.
    await sagemaker.create_inference_component(**base_request("big", endpoint, accelerators=3))
    # Only the adapter's Specification can change.
    await sagemaker.update_inference_component(
        InferenceComponentName="a",
        Specification={"Container": {"ArtifactUrl": "s3://adapters/a-v2/"}},
    )
    assert (await describe(sagemaker, "a"))["InferenceComponentStatus"] == "Updating"
    clock.advance(SETTLE)
    described = await describe(sagemaker, "a")
    assert described["Specification"] == {
        "BaseInferenceComponentName": "base",
        "Container": {"ArtifactUrl": "s3://adapters/a-v2/"},
    }


async def test_adapter_on_another_endpoint_is_refused(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await deploy_base(sagemaker, clock)
    await sagemaker.create_endpoint_config(**ic_endpoint_config("c2"))
    await sagemaker.create_endpoint(EndpointName="ep2", EndpointConfigName="c2")
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.create_inference_component(**adapter_request("a", "ep2", "base")),
        "ValidationException",
        "Base inference component base is hosted on endpoint ep, not ep2.",
    )


# -- capacity ----------------------------------------------------------------------------


async def test_copy_larger_than_an_instance(sagemaker: Any, clock: FakeClock) -> None:
    await sagemaker.create_endpoint_config(
        **ic_endpoint_config("cpu", instance_type="ml.m5.xlarge")
    )
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="cpu")
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.create_inference_component(**base_request("gpu", "ep", cpus=1, memory=1024)),
        "ResourceLimitExceeded",
        "Inference component gpu cannot be placed: one copy requires 1 accelerator device(s), "
        "1 CPU core(s), 1024 MiB memory, more than one ml.m5.xlarge instance has "
        "(4 vCPU, 16384 MiB memory).",
    )
    await sagemaker.create_inference_component(
        **base_request("cpu", "ep", accelerators=None, cpus=2, memory=4096)
    )


async def test_components_share_the_variant(sagemaker: Any, clock: FakeClock) -> None:
    await sagemaker.create_endpoint_config(**ic_endpoint_config("c", count=2))
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
    clock.advance(SETTLE)
    # Two instances of 4 GPUs: 3 copies of 2 GPUs fit (two on one, one on the other) ...
    await sagemaker.create_inference_component(**base_request("a", "ep", accelerators=2, copies=3))
    # ... leaving room for exactly one single-GPU copies pair.
    await expect_error(
        sagemaker.create_inference_component(**base_request("b", "ep", copies=3)),
        "ResourceLimitExceeded",
        "Insufficient capacity for inference component b on variant AllTraffic of endpoint ep: "
        "3 copies requested, only 2 fit.",
    )
    await sagemaker.create_inference_component(**base_request("b", "ep", copies=2))


async def test_managed_instance_scaling_raises_capacity(sagemaker: Any, clock: FakeClock) -> None:
    await sagemaker.create_endpoint_config(**ic_endpoint_config("c", scaling=(1, 2)))
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
    clock.advance(SETTLE)
    await sagemaker.create_inference_component(**base_request("a", "ep", copies=8))
    described = await sagemaker.describe_endpoint(EndpointName="ep")
    assert described["ProductionVariants"][0]["ManagedInstanceScaling"]["MaxInstanceCount"] == 2


# -- list ------------------------------------------------------------------------------


async def test_list_filters_sorting_and_pages(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    for name in ("c-one", "a-two", "b-three"):
        await sagemaker.create_inference_component(**base_request(name, endpoint))
        clock.advance(2)
    clock.advance(SETTLE)
    await sagemaker.delete_inference_component(InferenceComponentName="b-three")

    async def names(**kwargs: Any) -> list[str]:
        listed = await sagemaker.list_inference_components(**kwargs)
        return [c["InferenceComponentName"] for c in listed["InferenceComponents"]]

    assert await names() == ["b-three", "a-two", "c-one"]  # newest first by default
    assert await names(SortBy="Name", SortOrder="Ascending") == ["a-two", "b-three", "c-one"]
    assert await names(StatusEquals="Deleting") == ["b-three"]
    assert await names(NameContains="TWO") == ["a-two"]
    assert await names(EndpointNameEquals="other") == []
    assert await names(VariantNameEquals=VARIANT, SortBy="Status") == [
        "c-one",
        "a-two",
        "b-three",
    ]
    first = await sagemaker.list_inference_components(MaxResults=2, SortBy="Name")
    assert [c["InferenceComponentName"] for c in first["InferenceComponents"]] == [
        "c-one",
        "b-three",
    ]
    second = await sagemaker.list_inference_components(
        MaxResults=2, SortBy="Name", NextToken=first["NextToken"]
    )
    assert [c["InferenceComponentName"] for c in second["InferenceComponents"]] == ["a-two"]
    assert "NextToken" not in second
    oldest = first["InferenceComponents"][0]["CreationTime"]  # c-one
    bound = oldest + datetime.timedelta(seconds=1)
    assert await names(CreationTimeAfter=bound) == ["b-three", "a-two"]
    assert await names(CreationTimeBefore=bound) == ["c-one"]
    assert await names(LastModifiedTimeAfter=bound + datetime.timedelta(seconds=5)) == ["b-three"]
    await expect_error(
        sagemaker.list_inference_components(NextToken="garbage"),
        "ValidationException",
        "The NextToken is invalid.",
    )
    paginator = sagemaker.get_paginator("list_inference_components")
    pages = [page async for page in paginator.paginate(PaginationConfig={"PageSize": 1})]
    assert len(pages) == 3


# -- runtime ---------------------------------------------------------------------------


async def test_model_endpoints_refuse_the_component_header(
    sagemaker: Any, runtime: Any, clock: FakeClock
) -> None:
    await sagemaker.create_model(ModelName="m", PrimaryContainer={"Image": IMAGE})
    await sagemaker.create_endpoint_config(
        EndpointConfigName="c", ProductionVariants=[{"VariantName": "v1", "ModelName": "m"}]
    )
    await sagemaker.create_endpoint(EndpointName="classic", EndpointConfigName="c")
    await expect_error(
        runtime.invoke_endpoint(EndpointName="classic", Body=b"{}"),
        "ValidationError",
        "Endpoint classic of account 123456789012 not found.",
    )
    clock.advance(SETTLE)
    response = await runtime.invoke_endpoint(EndpointName="classic", Body=b'"hello"')
    assert json.loads(await response["Body"].read()) == {
        "endpoint": "classic",
        "variant": "v1",
        "input": "hello",
    }
    await expect_error(
        runtime.invoke_endpoint(EndpointName="classic", Body=b"{}", InferenceComponentName="x"),
        "ValidationError",
        "Inference Component Name header is not allowed",
    )


async def test_unknown_component_on_endpoint(runtime: Any, endpoint: str) -> None:
    await expect_error(
        runtime.invoke_endpoint(EndpointName=endpoint, Body=b"{}", InferenceComponentName="nope"),
        "ValidationError",
        "Inference Component nope not found for endpoint ep.",
    )


async def test_custom_handlers(
    sm: LocalSageMaker, sagemaker: Any, runtime: Any, endpoint: str, clock: FakeClock
) -> None:
    seen: list[Invocation] = []

    async def handler(invocation: Invocation) -> Reply:
        seen.append(invocation)
        prompt = invocation.json()
        assert isinstance(prompt, dict)
        return Reply(
            body=json.dumps({"generated_text": prompt["inputs"].upper()}).encode(),
            custom_attributes="tokens=2",
        )

    async def tokens(invocation: Invocation) -> AsyncIterator[str]:
        for word in ("Hello", " ", "world"):
            yield word

    sm.set_handler("base", handler, stream=tokens)
    await deploy_base(sagemaker, clock)
    response = await runtime.invoke_endpoint(
        EndpointName=endpoint,
        InferenceComponentName="base",
        Body=b'{"inputs": "hi"}',
        ContentType="application/json",
        Accept="application/json",
        CustomAttributes="trace=1",
    )
    assert json.loads(await response["Body"].read()) == {"generated_text": "HI"}
    assert response["ContentType"] == "application/json"
    assert response["CustomAttributes"] == "tokens=2"
    assert seen[0].inference_component_name == "base"
    assert seen[0].custom_attributes == "trace=1"
    assert seen[0].accept == "application/json"
    assert not seen[0].streaming

    streamed = await runtime.invoke_endpoint_with_response_stream(
        EndpointName=endpoint, InferenceComponentName="base", Body=b"{}", Accept="text/plain"
    )
    assert streamed["ContentType"] == "text/plain"
    parts = [event["PayloadPart"]["Bytes"] async for event in streamed["Body"]]
    assert parts == [b"Hello", b" ", b"world"]

    sm.set_handler("base")  # back to the echo
    response = await runtime.invoke_endpoint(
        EndpointName=endpoint, InferenceComponentName="base", Body=b"{}"
    )
    assert json.loads(await response["Body"].read())["inference_component"] == "base"


async def test_model_errors(
    sm: LocalSageMaker, sagemaker: Any, runtime: Any, endpoint: str, clock: FakeClock
) -> None:
    async def broken(invocation: Invocation) -> bytes:
        raise ModelError("CUDA out of memory", status=503)

    async def crashes(invocation: Invocation) -> bytes:
        raise RuntimeError("boom")

    async def breaks_midway(invocation: Invocation) -> AsyncIterator[bytes]:
        yield b"partial"
        raise ModelError("generation failed", status=500)

    await deploy_base(sagemaker, clock, "a")
    await deploy_base(sagemaker, clock, "b")
    sm.set_handler("a", broken, stream=breaks_midway)
    sm.set_handler("b", crashes)

    error = await expect_error(
        runtime.invoke_endpoint(EndpointName=endpoint, InferenceComponentName="a", Body=b"{}"),
        "ModelError",
        'Received server error (503) from primary with message "CUDA out of memory".',
        status=424,
    )
    assert error.response["OriginalStatusCode"] == 503
    assert error.response["OriginalMessage"] == "CUDA out of memory"
    assert error.response["LogStreamArn"].endswith(":log-group:/aws/sagemaker/Endpoints/ep")
    error = await expect_error(
        runtime.invoke_endpoint(EndpointName=endpoint, InferenceComponentName="b", Body=b"{}"),
        "ModelError",
        "RuntimeError: boom",
        status=424,
    )
    assert error.response["OriginalStatusCode"] == 500

    streamed = await runtime.invoke_endpoint_with_response_stream(
        EndpointName=endpoint, InferenceComponentName="a", Body=b"{}"
    )
    events = aiter(streamed["Body"])
    assert (await anext(events))["PayloadPart"]["Bytes"] == b"partial"
    with pytest.raises(EventStreamError) as info:
        await anext(events)
    assert info.value.response["Error"] == {
        "Code": "ModelStreamError",
        "Message": "generation failed",
    }
    # A failure before the first chunk is a plain ModelError.
    await expect_error(
        runtime.invoke_endpoint_with_response_stream(
            EndpointName=endpoint, InferenceComponentName="b", Body=b"{}"
        ),
        "ModelError",
        status=424,
    )


async def test_payload_limit(runtime: Any, sagemaker: Any, endpoint: str, clock: FakeClock) -> None:
    await deploy_base(sagemaker, clock)
    await expect_error(
        runtime.invoke_endpoint(
            EndpointName=endpoint,
            InferenceComponentName="base",
            Body=io.BytesIO(b"x" * (6 * 1024 * 1024 + 1)),
        ),
        "ValidationError",
        "exceeds the maximum of 6291456 bytes",
        status=413,
    )

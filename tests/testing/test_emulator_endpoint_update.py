"""LocalSageMaker: UpdateEndpoint, with plain aiobotocore (one attempt, no retries).

Updating, then InService on the new config; the previous config stays; refusals of what
the service refuses (an endpoint not InService, a Failed one, a config that cannot host
the components placed); a failed update rolls back with a FailureReason that the next
update clears.
"""

from __future__ import annotations

from typing import Any

from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from tests.testing.emulator_support import (
    SETTLE,
    adapter_request,
    base_request,
    expect_error,
    ic_endpoint_config,
)


async def test_update_goes_updating_then_in_service_on_the_new_config(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.create_endpoint_config(**ic_endpoint_config("ic-config-2", count=2))
    before = await sagemaker.describe_endpoint(EndpointName="ep")
    answer = await sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="ic-config-2")
    assert answer["EndpointArn"] == before["EndpointArn"]

    during = await sagemaker.describe_endpoint(EndpointName="ep")
    assert during["EndpointStatus"] == "Updating"
    assert during["EndpointConfigName"] == "ic-config"  # the config in effect
    pending = during["PendingDeploymentSummary"]
    assert pending["EndpointConfigName"] == "ic-config-2"
    assert pending["ProductionVariants"][0]["DesiredInstanceCount"] == 2
    assert during["LastModifiedTime"] >= before["LastModifiedTime"]

    clock.advance(SETTLE)
    after = await sagemaker.describe_endpoint(EndpointName="ep")
    assert after["EndpointStatus"] == "InService"
    assert after["EndpointConfigName"] == "ic-config-2"
    assert "PendingDeploymentSummary" not in after
    assert after["ProductionVariants"][0]["CurrentInstanceCount"] == 2
    # the previous config stays: the service never deletes configs
    old = await sagemaker.describe_endpoint_config(EndpointConfigName="ic-config")
    assert old["EndpointConfigName"] == "ic-config"


async def test_only_an_in_service_endpoint_can_be_updated(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.create_endpoint_config(**ic_endpoint_config("ic-config-2", count=2))
    await sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="ic-config-2")
    await expect_error(
        sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="ic-config"),
        "ValidationException",
        "Cannot update in-progress endpoint",
    )
    # a creating endpoint too
    await sagemaker.create_endpoint(EndpointName="fresh", EndpointConfigName="ic-config")
    await expect_error(
        sagemaker.update_endpoint(EndpointName="fresh", EndpointConfigName="ic-config-2"),
        "ValidationException",
        "Cannot update in-progress endpoint",
    )


async def test_missing_endpoint_or_config(sagemaker: Any, endpoint: str) -> None:
    await expect_error(
        sagemaker.update_endpoint(EndpointName="nope", EndpointConfigName="ic-config"),
        "ValidationException",
        "Could not find endpoint",
    )
    await expect_error(
        sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="nope"),
        "ValidationException",
        "Could not find endpoint configuration",
    )


async def test_a_failed_endpoint_can_only_be_deleted(
    sagemaker: Any, sm: LocalSageMaker, clock: FakeClock
) -> None:
    await sagemaker.create_endpoint_config(**ic_endpoint_config("ic-config"))
    sm.faults.fail_next_create("ep", reason="CapacityError: none left")
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="ic-config")
    clock.advance(SETTLE)
    await expect_error(
        sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="ic-config"),
        "ValidationException",
        "only operation that can be performed on a failed endpoint",
    )


async def test_a_failed_update_rolls_back_and_the_next_update_clears_the_reason(
    sagemaker: Any, sm: LocalSageMaker, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.create_endpoint_config(**ic_endpoint_config("ic-config-2", count=2))
    sm.faults.fail_next_update("ep", reason="Request to service failed. Could not place.")
    await sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="ic-config-2")
    clock.advance(SETTLE)
    rolled = await sagemaker.describe_endpoint(EndpointName="ep")
    assert rolled["EndpointStatus"] == "InService"
    assert rolled["EndpointConfigName"] == "ic-config"
    assert rolled["FailureReason"] == "Request to service failed. Could not place."

    await sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="ic-config-2")
    during = await sagemaker.describe_endpoint(EndpointName="ep")
    assert "FailureReason" not in during
    clock.advance(SETTLE)
    done = await sagemaker.describe_endpoint(EndpointName="ep")
    assert (done["EndpointStatus"], done["EndpointConfigName"]) == ("InService", "ic-config-2")
    assert "FailureReason" not in done


async def test_fewer_instances_must_still_hold_the_components(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    # Two instances of 4 GPUs hold 6 one-GPU copies; one instance cannot.
    await sagemaker.create_endpoint_config(**ic_endpoint_config("two", count=2))
    await sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="two")
    clock.advance(SETTLE)
    await sagemaker.create_inference_component(**base_request("base", "ep", copies=6))
    clock.advance(SETTLE)
    await sagemaker.create_inference_component(**adapter_request("ad", "ep", "base"))
    clock.advance(SETTLE)
    await sagemaker.create_endpoint_config(**ic_endpoint_config("one", count=1))
    await expect_error(
        sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="one"),
        "ResourceLimitExceeded",
        "6 copies running there now",
    )
    assert (await sagemaker.describe_endpoint(EndpointName="ep"))["EndpointStatus"] == "InService"
    # managed instance scaling up to 2 instances is room enough
    await sagemaker.create_endpoint_config(**ic_endpoint_config("elastic", scaling=(1, 2)))
    await sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="elastic")
    clock.advance(SETTLE)
    desc = await sagemaker.describe_endpoint(EndpointName="ep")
    assert desc["EndpointConfigName"] == "elastic"
    # the components still run, now on the new config's variant
    component = await sagemaker.describe_inference_component(InferenceComponentName="base")
    assert component["RuntimeConfig"]["CurrentCopyCount"] == 6


async def test_a_smaller_instance_type_must_still_fit_one_copy(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.create_inference_component(**base_request("base", "ep", accelerators=2))
    clock.advance(SETTLE)
    # ml.g5.xlarge has one GPU: a two-GPU copy fits nowhere
    await sagemaker.create_endpoint_config(
        **ic_endpoint_config("small", instance_type="ml.g5.xlarge", count=4)
    )
    await expect_error(
        sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="small"),
        "ResourceLimitExceeded",
        "cannot host the inference components",
    )


async def test_the_new_config_must_keep_the_components_variant(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.create_inference_component(**base_request("base", "ep"))
    clock.advance(SETTLE)
    renamed = ic_endpoint_config("renamed")
    renamed["ProductionVariants"][0]["VariantName"] = "Other"
    await sagemaker.create_endpoint_config(**renamed)
    await expect_error(
        sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="renamed"),
        "ValidationException",
        "has no variant AllTraffic, where inference components base",
    )
    # a config for models cannot host the components either
    await sagemaker.create_model(
        ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img:1"}
    )
    await sagemaker.create_endpoint_config(
        EndpointConfigName="models",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "m",
                "InstanceType": "ml.g5.12xlarge",
                "InitialInstanceCount": 1,
            }
        ],
    )
    await expect_error(
        sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="models"),
        "ValidationException",
        "Inference Components are not supported",
    )


ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


# -- UpdateEndpointWeightsAndCapacities ------------------------------------------------------


async def test_capacities_change_the_instance_count_until_the_next_update(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.update_endpoint_weights_and_capacities(
        EndpointName="ep",
        DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredInstanceCount": 3}],
    )
    during = await sagemaker.describe_endpoint(EndpointName="ep")
    variant = during["ProductionVariants"][0]
    assert during["EndpointStatus"] == "Updating"
    assert (variant["DesiredInstanceCount"], variant["CurrentInstanceCount"]) == (3, 1)
    await expect_error(
        sagemaker.update_endpoint_weights_and_capacities(
            EndpointName="ep",
            DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredInstanceCount": 2}],
        ),
        "ValidationException",
        "Cannot update in-progress endpoint",
    )
    clock.advance(SETTLE)
    variant = (await sagemaker.describe_endpoint(EndpointName="ep"))["ProductionVariants"][0]
    assert (variant["DesiredInstanceCount"], variant["CurrentInstanceCount"]) == (3, 3)
    # three instances hold what one could not
    await sagemaker.create_inference_component(**base_request("base", "ep", copies=10))
    # an UpdateEndpoint brings the new config's count (RetainAllVariantProperties: false)
    await sagemaker.create_endpoint_config(**ic_endpoint_config("three", count=3))
    await sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="three")
    clock.advance(SETTLE)
    variant = (await sagemaker.describe_endpoint(EndpointName="ep"))["ProductionVariants"][0]
    assert variant["CurrentInstanceCount"] == 3


async def test_capacities_must_hold_the_components_and_name_real_variants(
    sagemaker: Any, sm: LocalSageMaker, endpoint: str, clock: FakeClock
) -> None:
    await sagemaker.update_endpoint_weights_and_capacities(
        EndpointName="ep",
        DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredInstanceCount": 2}],
    )
    clock.advance(SETTLE)
    await sagemaker.create_inference_component(**base_request("base", "ep", copies=6))
    clock.advance(SETTLE)
    one = [{"VariantName": "AllTraffic", "DesiredInstanceCount": 1}]
    await expect_error(
        sagemaker.update_endpoint_weights_and_capacities(
            EndpointName="ep", DesiredWeightsAndCapacities=one
        ),
        "ResourceLimitExceeded",
        "6 copies running there now",
    )
    await expect_error(
        sagemaker.update_endpoint_weights_and_capacities(
            EndpointName="ep",
            DesiredWeightsAndCapacities=[{"VariantName": "Nope", "DesiredInstanceCount": 1}],
        ),
        "ValidationException",
        "Nope",
    )
    # a failed change rolls back to the previous count, with a reason
    sm.faults.fail_next_update("ep", reason="Request to service failed")
    await sagemaker.update_endpoint_weights_and_capacities(
        EndpointName="ep",
        DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredInstanceCount": 4}],
    )
    clock.advance(SETTLE)
    desc = await sagemaker.describe_endpoint(EndpointName="ep")
    assert desc["FailureReason"] == "Request to service failed"
    assert desc["ProductionVariants"][0]["DesiredInstanceCount"] == 2


async def test_a_config_for_components_needs_an_instance_type_on_every_variant(
    sagemaker: Any, endpoint: str
) -> None:
    # CreateEndpoint and UpdateEndpoint refuse it alike.
    request = ic_endpoint_config("no-type")
    del request["ProductionVariants"][0]["InstanceType"]
    await sagemaker.create_endpoint_config(**request)
    for call in (
        sagemaker.create_endpoint(EndpointName="other", EndpointConfigName="no-type"),
        sagemaker.update_endpoint(EndpointName="ep", EndpointConfigName="no-type"),
    ):
        await expect_error(call, "ValidationException", "needs an InstanceType on every")

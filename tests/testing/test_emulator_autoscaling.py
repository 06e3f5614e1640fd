"""LocalSageMaker's Application Auto Scaling and CloudWatch: protocols, rules, simulation."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import botocore.session
import pytest
from botocore import parsers, serialize
from botocore.exceptions import ClientError

from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from ic_sdk.testing._protocol import WireRequest
from tests.testing.emulator_support import SETTLE, base_request, ic_endpoint_config

DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
SCOPE = {
    "ServiceNamespace": "sagemaker",
    "ResourceId": "inference-component/ic",
    "ScalableDimension": DIMENSION,
}
ALARM = {
    "AlarmName": "no-capacity",
    "MetricName": "NoCapacityInvocationFailures",
    "Namespace": "AWS/SageMaker",
    "Statistic": "Maximum",
    "Dimensions": [{"Name": "InferenceComponentName", "Value": "ic"}],
    "Period": 30,
    "EvaluationPeriods": 1,
    "DatapointsToAlarm": 1,
    "Threshold": 1.0,
    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    "TreatMissingData": "missing",
}


@pytest.fixture
async def ic(sagemaker: Any, clock: FakeClock) -> str:
    """Component ``ic`` (1 copy) on an endpoint that may scale to zero instances."""
    await sagemaker.create_endpoint_config(**ic_endpoint_config("scaling", scaling=(0, 2)))
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="scaling")
    clock.advance(SETTLE)
    await sagemaker.create_inference_component(**base_request("ic", "ep"))
    clock.advance(SETTLE)
    return "ic"


# -- protocols -------------------------------------------------------------------------


def _model() -> Any:
    return botocore.session.get_session().get_service_model("cloudwatch")


async def _old_botocore_call(
    sm: LocalSageMaker, protocol: str, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """``operation`` as a botocore speaking ``protocol`` (``query`` or ``json``) sends it,
    its answer parsed as that botocore parses it."""
    op = _model().operation_model(operation)
    request = serialize.create_serializer(protocol).serialize_to_request(params, op)
    headers = dict(request["headers"])
    if protocol == "query":
        body = urlencode(request["body"]).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    else:
        body = request["body"]
        headers["X-Amz-Target"] = f"GraniteServiceVersion20100801.{operation}"
        headers["Content-Type"] = "application/x-amz-json-1.0"
    headers["Authorization"] = (
        "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/monitoring/aws4_request, "
        "SignedHeaders=host, Signature=y"
    )
    headers["X-Amz-Date"] = "20261201T000000Z"
    answer = await sm._service.handle(WireRequest.build("POST", "/", headers, body))
    assert isinstance(answer.body, bytes)
    parsed: dict[str, Any] = parsers.create_parser(protocol).parse(
        {
            "status_code": answer.status,
            "headers": {k.lower(): v for k, v in answer.headers.items()},
            "body": answer.body,
        },
        op.output_shape,
    )
    return parsed


@pytest.mark.parametrize("protocol", ["query", "json"])
async def test_cloudwatch_answers_older_botocore_protocols(
    sm: LocalSageMaker, ic: str, protocol: str, cloudwatch: Any
) -> None:
    await _old_botocore_call(sm, protocol, "PutMetricAlarm", {**ALARM, "AlarmActions": ["x"]})
    described = await _old_botocore_call(
        sm, protocol, "DescribeAlarms", {"AlarmNames": ["no-capacity"]}
    )
    (alarm,) = described["MetricAlarms"]
    assert alarm["Dimensions"] == ALARM["Dimensions"]
    assert alarm["AlarmActions"] == ["x"]
    assert alarm["Period"] == 30
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    # The current botocore (CBOR) sees the same alarm.
    (shown,) = (await cloudwatch.describe_alarms())["MetricAlarms"]
    assert shown["AlarmName"] == "no-capacity"
    assert shown["StateUpdatedTimestamp"] == alarm["StateUpdatedTimestamp"]
    failed = await _old_botocore_call(
        sm,
        protocol,
        "SetAlarmState",
        {"AlarmName": "missing", "StateValue": "ALARM", "StateReason": "test"},
    )
    assert failed["Error"]["Code"] == "ResourceNotFound"


async def test_cloudwatch_errors_reach_current_botocore_as_modeled_errors(
    cloudwatch: Any,
) -> None:
    with pytest.raises(cloudwatch.exceptions.ResourceNotFound):
        await cloudwatch.set_alarm_state(AlarmName="missing", StateValue="ALARM", StateReason="x")


# -- Application Auto Scaling rules ---------------------------------------------------------


async def test_policy_needs_a_registered_target(aas: Any, ic: str) -> None:
    with pytest.raises(aas.exceptions.ObjectNotFoundException) as caught:
        await aas.put_scaling_policy(
            **SCOPE,
            PolicyName="p",
            PolicyType="StepScaling",
            StepScalingPolicyConfiguration={
                "AdjustmentType": "ChangeInCapacity",
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
        )
    assert "No scalable target registered" in str(caught.value)


async def test_bounds_are_checked(aas: Any, ic: str) -> None:
    with pytest.raises(ClientError) as caught:
        await aas.register_scalable_target(**SCOPE, MinCapacity=3, MaxCapacity=1)
    assert caught.value.response["Error"]["Code"] == "ValidationException"


async def test_zero_needs_an_endpoint_that_scales_to_zero(
    aas: Any, sagemaker: Any, clock: FakeClock
) -> None:
    await sagemaker.create_endpoint_config(**ic_endpoint_config("fixed"))
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="fixed")
    clock.advance(SETTLE)
    await sagemaker.create_inference_component(**base_request("ic", "ep"))
    clock.advance(SETTLE)
    with pytest.raises(ClientError) as caught:
        await aas.register_scalable_target(**SCOPE, MinCapacity=0, MaxCapacity=2)
    assert "MinInstanceCount 0" in caught.value.response["Error"]["Message"]


async def test_deregistering_removes_policies_and_their_alarms(
    aas: Any, cloudwatch: Any, ic: str
) -> None:
    await aas.register_scalable_target(**SCOPE, MinCapacity=1, MaxCapacity=2)
    answer = await aas.put_scaling_policy(
        **SCOPE,
        PolicyName="tt",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 3.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"
            },
        },
    )
    assert len(answer["Alarms"]) == 2
    assert len((await cloudwatch.describe_alarms())["MetricAlarms"]) == 2
    await aas.deregister_scalable_target(**SCOPE)
    assert (await aas.describe_scaling_policies(ServiceNamespace="sagemaker"))[
        "ScalingPolicies"
    ] == []
    assert (await cloudwatch.describe_alarms())["MetricAlarms"] == []
    with pytest.raises(aas.exceptions.ObjectNotFoundException):
        await aas.deregister_scalable_target(**SCOPE)


# -- the simulation -------------------------------------------------------------------------


async def test_a_no_capacity_failure_fires_the_alarm_and_the_step_policy_adds_a_copy(
    sm: LocalSageMaker,
    aas: Any,
    cloudwatch: Any,
    sagemaker: Any,
    runtime: Any,
    clock: FakeClock,
    ic: str,
) -> None:
    changes: list[tuple[str, str, str]] = []
    sm.on_alarm(lambda name, old, new: changes.append((name, old, new)))
    await aas.register_scalable_target(**SCOPE, MinCapacity=0, MaxCapacity=2)
    await sagemaker.update_inference_component_runtime_config(
        InferenceComponentName="ic", DesiredRuntimeConfig={"CopyCount": 0}
    )
    clock.advance(SETTLE)
    step = await aas.put_scaling_policy(
        **SCOPE,
        PolicyName="zero",
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "Cooldown": 60,
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
        },
    )
    await cloudwatch.put_metric_alarm(**ALARM, AlarmActions=[step["PolicyARN"]])
    with pytest.raises(ClientError) as caught:
        await runtime.invoke_endpoint(EndpointName="ep", InferenceComponentName="ic", Body=b"{}")
    assert "has no capacity" in caught.value.response["Error"]["Message"]
    clock.advance(40)
    (alarm,) = (await cloudwatch.describe_alarms(AlarmNames=["no-capacity"]))["MetricAlarms"]
    assert alarm["StateValue"] == "ALARM"
    assert ("no-capacity", "INSUFFICIENT_DATA", "ALARM") in changes
    clock.advance(SETTLE)
    described = await sagemaker.describe_inference_component(InferenceComponentName="ic")
    assert described["RuntimeConfig"]["CurrentCopyCount"] == 1
    (activity,) = (await aas.describe_scaling_activities(ServiceNamespace="sagemaker"))[
        "ScalingActivities"
    ]
    assert activity["Description"] == "Setting desired copy count to 1."
    assert activity["StatusCode"] == "Successful"
    statistics = await cloudwatch.get_metric_statistics(
        Namespace="AWS/SageMaker",
        MetricName="NoCapacityInvocationFailures",
        Dimensions=[{"Name": "InferenceComponentName", "Value": "ic"}],
        StartTime=alarm["StateUpdatedTimestamp"].timestamp() - 600,
        EndTime=alarm["StateUpdatedTimestamp"].timestamp() + 600,
        Period=60,
        Statistics=["Sum"],
    )
    assert sum(p["Sum"] for p in statistics["Datapoints"]) == 1


async def test_traffic_counts_like_invocations(
    sm: LocalSageMaker, cloudwatch: Any, runtime: Any, clock: FakeClock, ic: str
) -> None:
    clock.advance(60 - clock.now() % 60)
    for _ in range(3):
        await runtime.invoke_endpoint(EndpointName="ep", InferenceComponentName="ic", Body=b"{}")
    assert sm.traffic("ic", 7).served == 7
    clock.advance(60)
    (alarm_free,) = (
        await cloudwatch.get_metric_statistics(
            Namespace="AWS/SageMaker",
            MetricName="Invocations",
            Dimensions=[{"Name": "InferenceComponentName", "Value": "ic"}],
            StartTime=time.time() - 3600,
            EndTime=time.time() + 3600,
            Period=60,
            Statistics=["Sum"],
        )
    )["Datapoints"]
    assert alarm_free["Sum"] == 10


async def test_metric_statistics_are_limited_to_1440_datapoints(cloudwatch: Any) -> None:
    with pytest.raises(ClientError) as caught:
        await cloudwatch.get_metric_statistics(
            Namespace="AWS/SageMaker",
            MetricName="Invocations",
            StartTime=0,
            EndTime=4_000_000_000,
            Period=60,
            Statistics=["Sum"],
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterCombination"


async def test_an_emulated_alarm_in_alarm_rolls_back_a_rolling_update(
    sagemaker: Any, cloudwatch: Any, clock: FakeClock, ic: str
) -> None:
    await cloudwatch.put_metric_alarm(
        **{
            **ALARM,
            "AlarmName": "p99-latency",
            "MetricName": "ModelLatency",
            # No data points: the next evaluations keep the state SetAlarmState gave it.
            "TreatMissingData": "ignore",
        }
    )
    await cloudwatch.set_alarm_state(
        AlarmName="p99-latency", StateValue="ALARM", StateReason="latency too high"
    )
    request = base_request("ic", "ep", image="example.com/model:v2")
    await sagemaker.update_inference_component(
        InferenceComponentName="ic",
        Specification=request["Specification"],
        DeploymentConfig={
            "RollingUpdatePolicy": {
                "MaximumBatchSize": {"Type": "COPY_COUNT", "Value": 1},
                "WaitIntervalInSeconds": 60,
            },
            "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "p99-latency"}]},
        },
    )
    clock.advance(120)
    described = await sagemaker.describe_inference_component(InferenceComponentName="ic")
    assert described["InferenceComponentStatus"] == "InService"
    assert "p99-latency" in described["FailureReason"]


async def test_late_data_points_count_when_the_alarm_next_evaluates(
    sm: LocalSageMaker, cloudwatch: Any, clock: FakeClock
) -> None:
    epoch = sm._service.simulations.of().cloudwatch.epoch
    await cloudwatch.put_metric_alarm(
        AlarmName="errors",
        Namespace="Custom",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=2,
        DatapointsToAlarm=2,
        Threshold=5.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    clock.advance(120 - clock.now() % 60 + 5)  # just past a minute, evaluated
    minute = clock.now() - clock.now() % 60
    (alarm,) = (await cloudwatch.describe_alarms())["MetricAlarms"]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    datum = {"MetricName": "Errors", "Value": 10.0}
    await cloudwatch.put_metric_data(
        Namespace="Custom",
        MetricData=[
            {**datum, "Timestamp": epoch + minute - 30},  # late: a period already evaluated
            {**datum, "Timestamp": epoch + minute + 30},
        ],
    )
    clock.advance(60)
    (alarm,) = (await cloudwatch.describe_alarms())["MetricAlarms"]
    assert alarm["StateValue"] == "ALARM"

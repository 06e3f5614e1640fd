"""LocalSageMaker's listings: every filter of every listing's input shape is honoured, and
every listing pages with one token scheme whose bad tokens get each service's error."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Awaitable, Callable
from typing import Any

import botocore.session
import pytest

from ic_sdk.clock import FakeClock
from ic_sdk.testing import _autoscaling, _cloudwatch, _list_ops, _tag_ops
from ic_sdk.testing._state import SAGEMAKER_OPERATIONS
from tests.testing.emulator_support import (
    ROLE_ARN,
    SETTLE,
    base_request,
    expect_error,
    ic_endpoint_config,
)

DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
NAMES = ("ic-a", "ic-b", "ic-c")


def _paged_inputs(service: str, operations: list[str]) -> dict[str, frozenset[str]]:
    """The input members of each of ``operations`` that pages (has a NextToken)."""
    model = botocore.session.get_session().get_service_model(service)
    out = {}
    for name in operations:
        shape = model.operation_model(name).input_shape
        members = shape.members if shape is not None else {}
        if "NextToken" in members:
            out[name] = frozenset(members)
    return out


def test_every_listing_honours_every_member_of_its_input_shape() -> None:
    sagemaker = _paged_inputs("sagemaker", sorted(SAGEMAKER_OPERATIONS))
    assert set(sagemaker) == {
        "ListModels",
        "ListEndpointConfigs",
        "ListEndpoints",
        "ListInferenceComponents",
        "ListTags",
    }
    assert sagemaker == {**_list_ops.FILTERS, **_tag_ops.FILTERS}
    aas = _paged_inputs("application-autoscaling", sorted(_autoscaling.FILTERS))
    assert aas == _autoscaling.FILTERS
    cloudwatch = _paged_inputs("cloudwatch", sorted(_cloudwatch.FILTERS))
    assert cloudwatch == _cloudwatch.FILTERS


def _tampered(token: str) -> str:
    """``token`` with its offset changed and re-encoded (the signature no longer fits)."""
    encoded, _, signature = token.partition(".")
    payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    forged = payload.replace(b'"offset":', b'"offset":1')
    return f"{base64.urlsafe_b64encode(forged).decode().rstrip('=')}.{signature}"


async def _pages(
    call: Callable[..., Awaitable[dict[str, Any]]],
    key: str,
    name: str,
    *,
    size_field: str = "MaxResults",
    **params: Any,
) -> list[list[str]]:
    """Every page of ``call`` at one item per page: the ``name`` of each item."""
    pages: list[list[str]] = []
    token = None
    while True:
        answer = await call(**params, **{size_field: 1}, **({"NextToken": token} if token else {}))
        pages.append([item[name] for item in answer[key]])
        token = answer.get("NextToken")
        if token is None:
            return pages


# -- SageMaker --------------------------------------------------------------------------


async def test_models_and_endpoint_configs_honour_creation_time_bounds(
    sagemaker: Any, clock: FakeClock
) -> None:
    for name in NAMES:
        await sagemaker.create_model(
            ModelName=name,
            ExecutionRoleArn=ROLE_ARN,
            PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"},
        )
        await sagemaker.create_endpoint_config(**ic_endpoint_config(name))
        clock.advance(60)
    models = (await sagemaker.list_models(SortOrder="Ascending"))["Models"]
    middle = models[1]["CreationTime"]
    after = middle - datetime.timedelta(seconds=1)
    before = middle + datetime.timedelta(seconds=1)

    async def names(operation: str, key: str, **bounds: Any) -> list[str]:
        answer = await getattr(sagemaker, operation)(SortOrder="Ascending", **bounds)
        return [item[f"{key[:-1]}Name"] for item in answer[key]]

    for operation, key in (("list_models", "Models"), ("list_endpoint_configs", "EndpointConfigs")):
        assert await names(operation, key, CreationTimeAfter=after) == ["ic-b", "ic-c"]
        assert await names(operation, key, CreationTimeBefore=before) == ["ic-a", "ic-b"]
        assert await names(operation, key, CreationTimeAfter=after, CreationTimeBefore=before) == [
            "ic-b"
        ]
        assert await _pages(getattr(sagemaker, operation), key, f"{key[:-1]}Name") == [
            ["ic-c"],
            ["ic-b"],
            ["ic-a"],
        ]


async def test_endpoints_honour_last_modified_bounds(sagemaker: Any, clock: FakeClock) -> None:
    await sagemaker.create_endpoint_config(**ic_endpoint_config("c"))
    for name in NAMES:
        await sagemaker.create_endpoint(EndpointName=name, EndpointConfigName="c")
        clock.advance(60)  # each settles (and is modified) a minute after the one before
    start = datetime.datetime.fromtimestamp(0, datetime.UTC)
    listed = (await sagemaker.list_endpoints(SortOrder="Ascending"))["Endpoints"]
    bound = listed[1]["LastModifiedTime"] - datetime.timedelta(seconds=1)
    after = await sagemaker.list_endpoints(LastModifiedTimeAfter=bound, SortOrder="Ascending")
    assert [e["EndpointName"] for e in after["Endpoints"]] == ["ic-b", "ic-c"]
    before = await sagemaker.list_endpoints(LastModifiedTimeBefore=start)
    assert before["Endpoints"] == []
    assert await _pages(sagemaker.list_endpoints, "Endpoints", "EndpointName") == [
        ["ic-c"],
        ["ic-b"],
        ["ic-a"],
    ]


async def test_a_sagemaker_token_that_was_altered_or_is_foreign_is_refused(
    sagemaker: Any, clock: FakeClock
) -> None:
    for name in NAMES:
        await sagemaker.create_endpoint_config(**ic_endpoint_config(name))
    first = await sagemaker.list_endpoint_configs(MaxResults=1)
    token = first["NextToken"]
    second = await sagemaker.list_endpoint_configs(MaxResults=1, NextToken=token)
    assert second["EndpointConfigs"] != first["EndpointConfigs"]
    for bad in (_tampered(token), "garbage", token[:-2]):
        await expect_error(
            sagemaker.list_endpoint_configs(MaxResults=1, NextToken=bad),
            "ValidationException",
            "The NextToken is invalid.",
        )
    # Another operation's token, or the same operation's for other filters.
    await expect_error(
        sagemaker.list_models(MaxResults=1, NextToken=token), "ValidationException", "NextToken"
    )
    await expect_error(
        sagemaker.list_endpoint_configs(MaxResults=1, NameContains="ic", NextToken=token),
        "ValidationException",
        "NextToken",
    )


async def test_list_tags_pages_and_checks_its_token(sagemaker: Any, endpoint: str) -> None:
    arn = (await sagemaker.describe_endpoint(EndpointName=endpoint))["EndpointArn"]
    await sagemaker.add_tags(
        ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(3)]
    )
    listed = await sagemaker.list_tags(ResourceArn=arn, MaxResults=50)
    assert [t["Key"] for t in listed["Tags"]] == ["k0", "k1", "k2"]
    assert "NextToken" not in listed
    await expect_error(
        sagemaker.list_tags(ResourceArn=arn, NextToken="garbage"),
        "ValidationException",
        "The NextToken is invalid.",
    )


# -- Application Auto Scaling ------------------------------------------------------------


@pytest.fixture
async def targets(sagemaker: Any, aas: Any, clock: FakeClock) -> list[str]:
    """Three components, each a registered scalable target with two step policies and
    one scaling activity."""
    await sagemaker.create_endpoint_config(**ic_endpoint_config("scaling", scaling=(1, 3)))
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="scaling")
    clock.advance(SETTLE)
    for name in NAMES:
        await sagemaker.create_inference_component(**base_request(name, "ep"))
    clock.advance(SETTLE)
    for name in NAMES:
        scope = {
            "ServiceNamespace": "sagemaker",
            "ResourceId": f"inference-component/{name}",
            "ScalableDimension": DIMENSION,
        }
        await aas.register_scalable_target(**scope, MinCapacity=1, MaxCapacity=2)
        for policy in ("out", "in"):
            await aas.put_scaling_policy(
                **scope,
                PolicyName=policy,
                PolicyType="StepScaling",
                StepScalingPolicyConfiguration={
                    "AdjustmentType": "ChangeInCapacity",
                    "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
                },
            )
        await aas.register_scalable_target(**scope, MinCapacity=2)  # one activity each
    return [f"inference-component/{n}" for n in NAMES]


async def test_application_autoscaling_pages_each_listing(aas: Any, targets: list[str]) -> None:
    scope = {"ServiceNamespace": "sagemaker"}
    found = await _pages(aas.describe_scalable_targets, "ScalableTargets", "ResourceId", **scope)
    assert found == [[t] for t in targets]
    policies = await _pages(aas.describe_scaling_policies, "ScalingPolicies", "PolicyARN", **scope)
    assert len(policies) == 6
    assert all(len(p) == 1 for p in policies)
    assert len({p[0] for p in policies}) == 6
    activities = await _pages(
        aas.describe_scaling_activities, "ScalingActivities", "ResourceId", **scope
    )
    assert activities == [[t] for t in reversed(targets)]  # newest first


async def test_application_autoscaling_refuses_bad_tokens_and_sizes(
    aas: Any, targets: list[str]
) -> None:
    scope = {"ServiceNamespace": "sagemaker"}
    token = (await aas.describe_scalable_targets(**scope, MaxResults=1))["NextToken"]
    for bad in (_tampered(token), "7", "garbage"):
        await expect_error(
            aas.describe_scalable_targets(**scope, MaxResults=1, NextToken=bad),
            "InvalidNextTokenException",
            "The next token supplied was invalid.",
        )
    # A token of DescribeScalableTargets is not one of DescribeScalingActivities.
    await expect_error(
        aas.describe_scaling_activities(**scope, MaxResults=1, NextToken=token),
        "InvalidNextTokenException",
    )
    # "This value can be between 1 and 10. The default value is 10." (DescribeScalingPolicies)
    await expect_error(
        aas.describe_scaling_policies(**scope, MaxResults=11), "ValidationException", "MaxResults"
    )
    assert len((await aas.describe_scaling_policies(**scope))["ScalingPolicies"]) == 6
    await expect_error(
        aas.describe_scalable_targets(**scope, MaxResults=51), "ValidationException", "MaxResults"
    )


async def test_scaling_activities_honour_the_scalable_dimension(
    aas: Any, targets: list[str]
) -> None:
    found = await aas.describe_scaling_activities(
        ServiceNamespace="sagemaker",
        ResourceId=targets[0],
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
    )
    assert found["ScalingActivities"] == []
    found = await aas.describe_scaling_activities(
        ServiceNamespace="sagemaker", ResourceId=targets[0], ScalableDimension=DIMENSION
    )
    assert [a["ResourceId"] for a in found["ScalingActivities"]] == [targets[0]]


# -- CloudWatch --------------------------------------------------------------------------


async def _alarms(cloudwatch: Any) -> None:
    for name in NAMES:
        await cloudwatch.put_metric_alarm(
            AlarmName=name,
            MetricName="Invocations",
            Namespace="Custom",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanThreshold",
        )


async def test_describe_alarms_pages_and_refuses_bad_tokens(cloudwatch: Any) -> None:
    await _alarms(cloudwatch)
    pages = await _pages(
        cloudwatch.describe_alarms, "MetricAlarms", "AlarmName", size_field="MaxRecords"
    )
    assert pages == [[n] for n in NAMES]
    token = (await cloudwatch.describe_alarms(MaxRecords=1))["NextToken"]
    for bad in (_tampered(token), "1", "garbage"):
        await expect_error(
            cloudwatch.describe_alarms(MaxRecords=1, NextToken=bad),
            "InvalidNextToken",
            "The next token specified is invalid.",
        )
    await expect_error(
        cloudwatch.describe_alarms(MaxRecords=1, AlarmNamePrefix="ic", NextToken=token),
        "InvalidNextToken",
    )


async def test_describe_alarms_honours_alarm_types_and_composite_families(
    cloudwatch: Any,
) -> None:
    await _alarms(cloudwatch)

    async def names(**params: Any) -> list[str]:
        answer = await cloudwatch.describe_alarms(**params)
        assert answer.get("CompositeAlarms", []) == []
        return [a["AlarmName"] for a in answer["MetricAlarms"]]

    assert await names(AlarmTypes=["MetricAlarm"]) == list(NAMES)
    assert await names(AlarmTypes=["CompositeAlarm"]) == []
    assert await names(ChildrenOfAlarmName="ic-a") == []  # not a composite alarm
    assert await names(ParentsOfAlarmName="ic-a") == []  # no composite alarm names it
    await expect_error(
        cloudwatch.describe_alarms(ParentsOfAlarmName="ic-a", StateValue="OK"),
        "ValidationError",
        "ParentsOfAlarmName",
    )
    await expect_error(
        cloudwatch.describe_alarms(AlarmNames=["ic-a"], AlarmNamePrefix="ic"),
        "ValidationError",
        "AlarmNamePrefix",
    )


async def test_alarm_names_are_at_most_100_a_request(cloudwatch: Any) -> None:
    await _alarms(cloudwatch)
    too_many = [*NAMES, *(f"none-{i}" for i in range(98))]
    for call in (cloudwatch.describe_alarms, cloudwatch.delete_alarms):
        await expect_error(
            call(AlarmNames=too_many), "ValidationError", "less than or equal to 100"
        )
    assert len((await cloudwatch.describe_alarms(AlarmNames=list(NAMES)))["MetricAlarms"]) == 3

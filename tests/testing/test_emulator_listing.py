"""LocalSageMaker's listings page with one token scheme whose bad tokens get each
service's error."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from ic_sdk.clock import FakeClock
from tests.testing.emulator_support import (
    SETTLE,
    base_request,
    expect_error,
    ic_endpoint_config,
)

DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
NAMES = ("ic-a", "ic-b", "ic-c")


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

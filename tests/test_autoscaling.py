"""Autoscaling through the client, against LocalSageMaker's simulated autoscaler (FakeClock)."""

from __future__ import annotations

from typing import Any

import pytest

from ic_sdk import (
    MalformedResponse,
    ServiceValidationError,
    TransportError,
    ValidationError,
    autoscaling,
    retry,
)
from ic_sdk.autoscaling import (
    COPY_DIMENSION,
    METRICS,
    TRACKING_POLICY,
    ZERO_POLICY,
    alarm_name,
    resource_id,
)
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.testing import FaultRule, LocalSageMaker
from ic_sdk.testing._resources import NO_CAPACITY_MESSAGE
from tests.client_support import ROLE, SESSION, base, facade

TARGET = 5.0
SCOPE = {"ServiceNamespace": "sagemaker", "ScalableDimension": COPY_DIMENSION}


def scalable_endpoint(sm: LocalSageMaker, clock: FakeClock, *, to_zero: bool = True) -> None:
    """An InService IC endpoint ``ep`` whose instances are managed (down to 0 if ``to_zero``)."""
    sm.add_endpoint(
        "ep", execution_role_arn=ROLE, min_instances=0 if to_zero else 1, max_instances=2
    )
    clock.advance(5.0)


@pytest.fixture
async def component(client: InferenceComponentClient, sm: LocalSageMaker, clock: FakeClock) -> str:
    """Base component ``llm`` (1 copy, InService) on a scale-to-zero-capable endpoint."""
    scalable_endpoint(sm, clock)
    await client.create_and_wait(base("llm"))
    return "llm"


async def to_minute(clock: FakeClock, client: InferenceComponentClient, name: str) -> None:
    clock.advance(60 - clock.now() % 60)
    await client.describe(name)


async def drive(
    sm: LocalSageMaker,
    client: InferenceComponentClient,
    clock: FakeClock,
    name: str,
    *,
    seconds: int,
    per_minute: int,
) -> list[tuple[float, int]]:
    """``per_minute`` invocations a minute for ``seconds`` (in 10 s steps); copies seen."""
    seen = []
    for _ in range(seconds // 10):
        if per_minute:
            sm.traffic(name, per_minute // 6)
        clock.advance(10)
        described = await client.describe(name)
        assert described.runtime_config is not None
        seen.append((clock.now(), described.runtime_config.current_copy_count or 0))
    return seen


async def test_load_4x_target_scales_1_to_4_after_three_datapoints_not_sooner(
    sm: LocalSageMaker, client: InferenceComponentClient, clock: FakeClock, component: str
) -> None:
    await client.autoscale(
        component, min_copies=1, max_copies=8, target=TARGET, scale_out_cooldown_s=300
    )
    await to_minute(clock, client, component)
    start = clock.now()
    seen = await drive(sm, client, clock, component, seconds=600, per_minute=int(4 * TARGET))
    first_four = next(t for t, copies in seen if copies == 4)
    # AlarmHigh needs 3 one-minute data points above the target: not before 3 minutes...
    assert all(copies == 1 for t, copies in seen if t < start + 180)
    # ...and at the first evaluation after them (plus the copies' provisioning).
    assert first_four - start <= 190
    view = await client.autoscaling(component)
    assert view is not None
    out = [a for a in view.activities if a.description == "Setting desired copy count to 4."]
    assert len(out) == 1
    assert out[0].status == "Successful"
    assert "AlarmHigh" in out[0].cause

    # 4 copies now each see the target: steady. Quadruple the load: the next scale-out
    # waits for the 300 s scale-out cooldown.
    steady = await drive(sm, client, clock, component, seconds=120, per_minute=int(4 * TARGET))
    assert {copies for _, copies in steady} == {4}
    seen = await drive(sm, client, clock, component, seconds=600, per_minute=int(16 * TARGET))
    eight = next(t for t, copies in seen if copies == 8)
    view = await client.autoscaling(component)
    assert view is not None
    starts = sorted(a.started for a in view.activities)
    assert len(starts) == 2
    assert (starts[1] - starts[0]).total_seconds() >= 300
    assert eight - start >= 180 + 300


async def test_idle_scales_in_to_min_copies_and_keeps_the_last_copy(
    sm: LocalSageMaker, client: InferenceComponentClient, clock: FakeClock, component: str
) -> None:
    await client.autoscale(component, min_copies=1, max_copies=4, target=TARGET)
    await to_minute(clock, client, component)
    await drive(sm, client, clock, component, seconds=300, per_minute=int(4 * TARGET))
    assert (await client.describe(component)).runtime_config.current_copy_count == 4  # type: ignore[union-attr]
    seen = await drive(sm, client, clock, component, seconds=40 * 60, per_minute=0)
    # AlarmLow needs 15 one-minute data points below 90 % of the target.
    assert all(copies == 4 for t, copies in seen if t < seen[0][0] + 14 * 60)
    assert seen[-1][1] == 1
    assert min(copies for _, copies in seen) == 1


async def test_scale_to_zero_and_back(
    sm: LocalSageMaker, client: InferenceComponentClient, clock: FakeClock, component: str
) -> None:
    view = await client.autoscale(component, min_copies=0, max_copies=2, target=TARGET)
    assert view.scales_to_zero
    assert view.alarm is not None
    await drive(sm, client, clock, component, seconds=20 * 60, per_minute=0)
    assert (await client.describe(component)).runtime_config.current_copy_count == 0  # type: ignore[union-attr]

    with pytest.raises(ServiceValidationError) as caught:
        await client.invoke(component, b"{}", content_type="application/json")
    assert caught.value.message == NO_CAPACITY_MESSAGE

    seen = await drive(sm, client, clock, component, seconds=60, per_minute=0)
    assert seen[-1][1] == 1
    answer = await client.invoke(component, b"{}", content_type="application/json")
    assert answer.body

    shown = await client.autoscaling(component)
    assert shown is not None
    story = [(a.description, a.status) for a in reversed(shown.activities)]
    assert story == [
        ("Setting desired copy count to 0.", "Successful"),
        ("Setting desired copy count to 1.", "Successful"),
    ]
    assert alarm_name(component) in shown.activities[0].cause


async def test_plain_clients_see_exactly_what_the_sdk_created(
    client: InferenceComponentClient, component: str, aas: Any, cloudwatch: Any
) -> None:
    view = await client.autoscale(
        component, min_copies=0, max_copies=3, target=2, metric="concurrent_requests_per_copy"
    )
    targets = (await aas.describe_scalable_targets(ServiceNamespace="sagemaker"))["ScalableTargets"]
    assert [(t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [
        (resource_id(component), 0, 3)
    ]
    policies = {
        p["PolicyName"]: p
        for p in (await aas.describe_scaling_policies(ServiceNamespace="sagemaker"))[
            "ScalingPolicies"
        ]
    }
    assert set(policies) == {TRACKING_POLICY, ZERO_POLICY}
    tracking = policies[TRACKING_POLICY]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking == {
        "TargetValue": 2.0,
        "PredefinedMetricSpecification": {
            "PredefinedMetricType": METRICS["concurrent_requests_per_copy"]
        },
        "ScaleInCooldown": 300,
        "ScaleOutCooldown": 60,
    }
    step = policies[ZERO_POLICY]["StepScalingPolicyConfiguration"]
    assert step["StepAdjustments"] == [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 1}]
    alarms = {a["AlarmName"]: a for a in (await cloudwatch.describe_alarms())["MetricAlarms"]}
    tracking_alarms = {a["AlarmName"] for a in policies[TRACKING_POLICY]["Alarms"]}
    assert set(alarms) == tracking_alarms | {alarm_name(component)}
    ours = alarms[alarm_name(component)]
    assert ours["AlarmActions"] == [policies[ZERO_POLICY]["PolicyARN"]]
    assert ours["MetricName"] == "NoCapacityInvocationFailures"
    assert ours["Dimensions"] == [{"Name": "InferenceComponentName", "Value": component}]
    # The typed view says the same.
    assert (view.min_copies, view.max_copies) == (0, 3)
    assert {p.name: p.arn for p in view.policies} == {
        n: p["PolicyARN"] for n, p in policies.items()
    }
    assert view.target_tracking is not None
    assert set(view.target_tracking.alarms) == tracking_alarms
    assert view.alarm is not None
    assert view.alarm.actions == tuple(ours["AlarmActions"])


async def test_remove_autoscaling_leaves_no_target_policy_or_alarm(
    client: InferenceComponentClient, component: str, aas: Any, cloudwatch: Any
) -> None:
    await client.autoscale(component, min_copies=0, max_copies=3, target=TARGET)
    assert await client.remove_autoscaling(component) is True
    assert (await aas.describe_scalable_targets(ServiceNamespace="sagemaker"))[
        "ScalableTargets"
    ] == []
    assert (await aas.describe_scaling_policies(ServiceNamespace="sagemaker"))[
        "ScalingPolicies"
    ] == []
    assert (await cloudwatch.describe_alarms())["MetricAlarms"] == []
    assert await client.autoscaling(component) is None
    assert await client.remove_autoscaling(component) is False  # idempotent


async def test_autoscale_is_idempotent_and_min_above_zero_drops_scale_from_zero(
    client: InferenceComponentClient, component: str, aas: Any, cloudwatch: Any
) -> None:
    first = await client.autoscale(component, min_copies=0, max_copies=3, target=TARGET)
    again = await client.autoscale(component, min_copies=0, max_copies=3, target=TARGET)
    assert (again.min_copies, again.max_copies) == (first.min_copies, first.max_copies)
    assert len((await cloudwatch.describe_alarms())["MetricAlarms"]) == 3
    view = await client.autoscale(component, min_copies=1, max_copies=3, target=TARGET)
    assert [p.name for p in view.policies] == [TRACKING_POLICY]
    assert view.alarm is None
    assert len((await cloudwatch.describe_alarms())["MetricAlarms"]) == 2


async def test_delete_and_wait_removes_autoscaling_first(
    client: InferenceComponentClient, component: str, aas: Any, cloudwatch: Any
) -> None:
    await client.autoscale(component, min_copies=0, max_copies=3, target=TARGET)
    await client.delete_and_wait(component)
    assert (await aas.describe_scalable_targets(ServiceNamespace="sagemaker"))[
        "ScalableTargets"
    ] == []
    assert (await cloudwatch.describe_alarms())["MetricAlarms"] == []


@pytest.mark.parametrize(
    ("kwargs", "path", "rule"),
    [
        ({"min_copies": 3, "max_copies": 2, "target": 5}, "min_copies", "autoscaling.bounds"),
        ({"min_copies": 1, "max_copies": 2, "target": 0}, "target", "min"),
        ({"min_copies": -1, "max_copies": 2, "target": 5}, "min_copies", "min"),
        (
            {"min_copies": 1, "max_copies": 2, "target": 5, "metric": "cpu"},
            "metric",
            "enum",
        ),
    ],
)
async def test_bad_arguments_fail_before_anything_is_sent(
    client: InferenceComponentClient,
    sm: LocalSageMaker,
    kwargs: dict[str, Any],
    path: str,
    rule: str,
) -> None:
    sm.faults.drop_connection(times=None)  # any request would fail differently
    with pytest.raises(ValidationError) as caught:
        await client.autoscale("llm", **kwargs)
    assert [(p.path, p.rule) for p in caught.value.problems] == [(path, rule)]


async def test_scale_to_zero_needs_an_endpoint_that_can_scale_to_zero(
    client: InferenceComponentClient, sm: LocalSageMaker, clock: FakeClock, aas: Any
) -> None:
    scalable_endpoint(sm, clock, to_zero=False)
    await client.create_and_wait(base("llm"))
    with pytest.raises(ValidationError) as caught:
        await client.autoscale("llm", min_copies=0, max_copies=2, target=TARGET)
    (problem,) = caught.value.problems
    assert problem.rule == "autoscaling.scale-to-zero"
    assert "MinInstanceCount 0" in problem.message
    assert (await aas.describe_scalable_targets(ServiceNamespace="sagemaker"))[
        "ScalableTargets"
    ] == []
    # Keeping a copy works on the same endpoint.
    view = await client.autoscale("llm", min_copies=1, max_copies=2, target=TARGET)
    assert view.min_copies == 1


async def test_retried_after_a_server_error(
    sm: LocalSageMaker, client: InferenceComponentClient, component: str
) -> None:
    sm.faults.server_error(times=2, operations="RegisterScalableTarget")
    view = await client.autoscale(component, min_copies=1, max_copies=2, target=TARGET)
    assert (view.min_copies, view.max_copies) == (1, 2)


async def test_throttled_mutations_are_retried(
    sm: LocalSageMaker, client: InferenceComponentClient, component: str, aas: Any
) -> None:
    mutations = [
        "RegisterScalableTarget",
        "PutScalingPolicy",
        "PutMetricAlarm",
        "DeregisterScalableTarget",
        "DeleteAlarms",
    ]
    rules = [sm.faults.throttle(times=1, operations=op) for op in mutations]
    view = await client.autoscale(component, min_copies=0, max_copies=2, target=TARGET)
    assert (view.min_copies, view.max_copies) == (0, 2)
    assert view.alarm is not None
    assert await client.remove_autoscaling(component) is True
    assert [r.fired for r in rules] == [1] * len(mutations)
    sm.faults.clear()
    assert await client.autoscaling(component) is None
    assert (await aas.describe_scalable_targets(ServiceNamespace="sagemaker"))[
        "ScalableTargets"
    ] == []


async def test_lost_answers_are_settled_by_describing(
    sm: LocalSageMaker,
    clock: FakeClock,
    component: str,
    aas: Any,
    cloudwatch: Any,
) -> None:
    # Each mutation is applied and then the connection drops; with one attempt a call,
    # only a description can tell that it worked.
    sm.faults.lose_answers(
        ["RegisterScalableTarget", "PutScalingPolicy", "PutMetricAlarm"], times=None
    )
    async with facade(sm, clock, retry_policy=retry.RetryPolicy(max_attempts=1)) as once:
        view = await once.autoscale(component, min_copies=0, max_copies=2, target=TARGET)
        assert [p.name for p in view.policies] == [ZERO_POLICY, TRACKING_POLICY]
        assert view.alarm is not None
        sm.faults.clear()
        sm.faults.lose_answers(["DeregisterScalableTarget", "DeleteAlarms"], times=None)
        assert await once.remove_autoscaling(component) is True
    assert (await aas.describe_scalable_targets(ServiceNamespace="sagemaker"))[
        "ScalableTargets"
    ] == []
    assert (await cloudwatch.describe_alarms())["MetricAlarms"] == []


async def test_a_request_that_never_arrived_is_reported_not_claimed(
    sm: LocalSageMaker, clock: FakeClock, component: str, aas: Any
) -> None:
    sm.faults.drop_connection(times=None, operations="PutScalingPolicy")
    async with facade(sm, clock, retry_policy=retry.RetryPolicy(max_attempts=2)) as twice:
        with pytest.raises(TransportError):
            await twice.autoscale(component, min_copies=1, max_copies=2, target=TARGET)
    policies = await aas.describe_scaling_policies(ServiceNamespace="sagemaker")
    assert policies["ScalingPolicies"] == []  # dropped unprocessed: nothing claimed
    sm.faults.clear()
    async with facade(sm, clock) as client:
        view = await client.autoscale(component, min_copies=1, max_copies=2, target=TARGET)
    assert [p.name for p in view.policies] == [TRACKING_POLICY]


@pytest.mark.filterwarnings(
    # aiobotocore warns once that it prefers httpx2; respx can only intercept httpx.
    "ignore:aiobotocore's httpx backend now prefers httpx2:DeprecationWarning"
)
async def test_autoscaling_behind_respx_without_a_socket(clock: FakeClock) -> None:
    from aiobotocore.config import AioConfig
    from aiobotocore.httpxsession import HttpxSession

    sm = LocalSageMaker(clock=clock)  # not started: respx answers for it
    with sm.mock():
        async with InferenceComponentClient(
            region="us-east-1",
            session=SESSION,
            clock=clock,
            config=AioConfig(http_session_cls=HttpxSession),
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ) as client:
            scalable_endpoint(sm, clock)
            await client.create_and_wait(base("llm"))
            view = await client.autoscale("llm", min_copies=0, max_copies=2, target=TARGET)
            assert view.alarm is not None
            await client.delete_and_wait("llm")
            assert await client.autoscaling("llm") is None


async def all_alarms(cloudwatch: Any) -> list[str]:
    pages = cloudwatch.get_paginator("describe_alarms").paginate()
    return [a["AlarmName"] async for page in pages for a in page["MetricAlarms"]]


async def alarm_on(cloudwatch: Any, name: str, component: str, *actions: str) -> None:
    """A scale-from-zero-like alarm ``name`` on ``component``, invoking ``actions``."""
    await cloudwatch.put_metric_alarm(
        AlarmName=name,
        AlarmActions=list(actions),
        MetricName="NoCapacityInvocationFailures",
        Namespace="AWS/SageMaker",
        Statistic="Maximum",
        Dimensions=[{"Name": "InferenceComponentName", "Value": component}],
        Period=30,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )


async def test_a_left_behind_alarm_is_shown_and_removed(
    client: InferenceComponentClient, component: str, cloudwatch: Any
) -> None:
    await alarm_on(cloudwatch, alarm_name(component), component)
    view = await client.autoscaling(component)
    assert view is not None
    assert not view.registered
    assert view.alarm is not None
    assert await client.remove_autoscaling(component) is True
    assert (await cloudwatch.describe_alarms())["MetricAlarms"] == []


async def test_concurrency_is_tracked_at_high_resolution(
    sm: LocalSageMaker, client: InferenceComponentClient, clock: FakeClock, component: str
) -> None:
    await client.autoscale(
        component, min_copies=1, max_copies=4, target=2, metric="concurrent_requests_per_copy"
    )
    await to_minute(clock, client, component)
    start = clock.now()
    seen = []
    for _ in range(12):  # eight requests in flight at once, for two minutes
        sm.traffic(component, 8, concurrency=8)
        clock.advance(10)
        described = await client.describe(component)
        assert described.runtime_config is not None
        seen.append((clock.now() - start, described.runtime_config.current_copy_count))
    # Three 10-second data points above 2 per copy: 1 -> ceil(1 * 8 / 2) = 4 within a minute.
    first = next(t for t, copies in seen if copies == 4)
    assert 30 <= first <= 50


# -- reads that page ---------------------------------------------------------------------
# Application Auto Scaling answers 10 policies a page, CloudWatch 50 alarms: every read
# follows NextToken, each page retried like any call.


async def alarms_on_zero_policy(
    client: InferenceComponentClient, cloudwatch: Any, component: str, count: int
) -> None:
    """Autoscale ``component`` to zero, and ``count`` more alarms invoking its step policy."""
    view = await client.autoscale(component, min_copies=0, max_copies=3, target=TARGET)
    zero = next(p.arn for p in view.policies if p.name == ZERO_POLICY)
    for i in range(count):
        await alarm_on(cloudwatch, f"also-{i:03}", component, zero)


async def test_every_page_of_policies_is_read_and_their_alarms_removed(
    client: InferenceComponentClient, component: str, aas: Any, cloudwatch: Any
) -> None:
    await client.autoscale(component, min_copies=0, max_copies=3, target=TARGET)
    for i in range(12):  # 14 policies in all: two pages
        answer = await aas.put_scaling_policy(
            **SCOPE,
            ResourceId=resource_id(component),
            PolicyName=f"extra-{i:02}",
            PolicyType="StepScaling",
            StepScalingPolicyConfiguration={
                "AdjustmentType": "ChangeInCapacity",
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
        )
        await alarm_on(cloudwatch, f"extra-{i:02}-alarm", component, answer["PolicyARN"])
    view = await client.autoscaling(component)
    assert view is not None
    assert sorted(p.name for p in view.policies) == sorted(
        [TRACKING_POLICY, ZERO_POLICY, *(f"extra-{i:02}" for i in range(12))]
    )
    assert await client.remove_autoscaling(component) is True
    assert await all_alarms(cloudwatch) == []


async def test_alarms_past_a_page_and_a_delete_batch_are_removed(
    client: InferenceComponentClient, component: str, cloudwatch: Any
) -> None:
    # 110 alarms invoking the scale-from-zero policy: three pages of DescribeAlarms, and
    # more names than one DeleteAlarms takes (100).
    await alarms_on_zero_policy(client, cloudwatch, component, 110)
    assert await client.remove_autoscaling(component) is True
    assert await all_alarms(cloudwatch) == []


async def test_a_page_that_fails_is_retried(
    sm: LocalSageMaker, client: InferenceComponentClient, component: str, cloudwatch: Any
) -> None:
    await alarms_on_zero_policy(client, cloudwatch, component, 60)
    faults: list[FaultRule] = []

    async def send(service: Any, method: str, wire: dict[str, Any], **kwargs: Any) -> Any:
        # The first request for a second page meets a throttle, a 5xx and a dropped
        # connection before it is answered.
        if "NextToken" in wire and not faults:
            faults.append(sm.faults.throttle(times=1))
            faults.append(sm.faults.server_error(times=1))
            faults.append(sm.faults.drop_connection(times=1))
        return await client._send_to(service, method, wire, **kwargs)

    assert await autoscaling.remove_autoscaling(send, component) is True
    assert [f.fired for f in faults] == [1, 1, 1]
    assert await all_alarms(cloudwatch) == []


async def test_a_service_repeating_a_token_is_an_error_not_a_loop() -> None:
    sent = 0

    async def send(service: Any, method: str, wire: dict[str, Any], **kwargs: Any) -> Any:
        nonlocal sent
        sent += 1
        return {"ScalingPolicies": [], "NextToken": "same"}

    with pytest.raises(MalformedResponse, match="same NextToken twice"):
        await autoscaling.autoscaling(send, "llm")
    assert sent < 10

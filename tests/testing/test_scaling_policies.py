"""The scaling policies' decisions, without the emulator around them."""

from __future__ import annotations

from typing import Any

from ic_sdk.testing._scaling_policies import (
    Policy,
    Target,
    record_scaling,
    step_copies,
    tracking_copies,
)

HIGH = "TargetTracking-inference-component/ic-AlarmHigh-1"
LOW = "TargetTracking-inference-component/ic-AlarmLow-1"


def target(**suspended: bool) -> Target:
    return Target(
        resource_id="inference-component/ic",
        component="ic",
        min_capacity=0,
        max_capacity=4,
        role_arn="role",
        created=0.0,
        arn="arn",
        suspended=dict(suspended),
    )


def tracking(**configuration: Any) -> Policy:
    return Policy(
        name="p",
        arn="arn:p",
        resource_id="inference-component/ic",
        policy_type="TargetTrackingScaling",
        configuration={"TargetValue": 5.0, **configuration},
        created=0.0,
    )


def stepping(*steps: dict[str, Any], **configuration: Any) -> Policy:
    return Policy(
        name="s",
        arn="arn:s",
        resource_id="inference-component/ic",
        policy_type="StepScaling",
        configuration={"StepAdjustments": list(steps), **configuration},
        created=0.0,
    )


def test_tracking_is_proportional_and_bounded() -> None:
    assert tracking_copies(tracking(), target(), HIGH, 12.0, 1, 0.0) == 3
    assert tracking_copies(tracking(), target(), HIGH, 100.0, 1, 0.0) == 4
    assert tracking_copies(tracking(), target(), LOW, 2.0, 3, 0.0) == 2
    # no per-copy metric at zero copies; a high alarm never scales in
    assert tracking_copies(tracking(), target(), HIGH, 12.0, 0, 0.0) is None
    assert tracking_copies(tracking(), target(), HIGH, 2.0, 3, 0.0) is None


def test_tracking_cooldowns_are_per_direction() -> None:
    policy = tracking(ScaleOutCooldown=60, ScaleInCooldown=600)
    record_scaling(policy, HIGH, 100.0)
    assert (policy.last_scale_out, policy.last_scale_in) == (100.0, None)
    assert tracking_copies(policy, target(), HIGH, 12.0, 1, 159.0) is None
    assert tracking_copies(policy, target(), HIGH, 12.0, 1, 160.0) == 3
    assert tracking_copies(policy, target(), LOW, 2.0, 3, 101.0) == 2  # not blocked by out
    record_scaling(policy, LOW, 200.0)
    assert tracking_copies(policy, target(), LOW, 2.0, 3, 799.0) is None


def test_suspension_blocks_only_its_direction() -> None:
    out_off = target(DynamicScalingOutSuspended=True)
    assert tracking_copies(tracking(), out_off, HIGH, 12.0, 1, 0.0) is None
    assert tracking_copies(tracking(), out_off, LOW, 2.0, 3, 0.0) == 2
    add_one = stepping({"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1})
    assert step_copies(add_one, out_off, 1.0, 3.0, 0, 0.0) is None
    assert step_copies(add_one, target(), 1.0, 3.0, 0, 0.0) == 1


def test_step_picks_the_interval_and_waits_its_cooldown() -> None:
    policy = stepping(
        {"MetricIntervalUpperBound": 5, "ScalingAdjustment": 50},
        {"MetricIntervalLowerBound": 5, "ScalingAdjustment": 100},
        AdjustmentType="PercentChangeInCapacity",
        Cooldown=30,
    )
    assert step_copies(policy, target(), 10.0, 12.0, 2, 0.0) == 3  # +50 % of 2
    assert step_copies(policy, target(), 10.0, 16.0, 2, 0.0) == 4  # +100 % of 2
    assert step_copies(policy, target(), 10.0, 12.0, 1, 0.0) is None  # +50 % of 1 rounds to 0
    record_scaling(policy, "any-alarm", 0.0)
    assert policy.last_step == 0.0
    assert step_copies(policy, target(), 10.0, 12.0, 2, 29.0) is None
    assert step_copies(policy, target(), 10.0, 12.0, 2, 30.0) == 3

"""The emulator's scaling policies: what they are and how many copies each asks for.

:mod:`ic_sdk.testing._autoscaling` serves the Application Auto Scaling operations and runs
the activities; this module holds its records (:class:`Target`, :class:`Policy`), the
predefined metrics target tracking watches, and the decisions an alarm's action makes
(the rules are described in that module's docstring): :func:`tracking_copies` and
:func:`step_copies` answer the copy count to set now (or ``None``), and
:func:`record_scaling` starts the cooldown once the change was accepted.
"""

from __future__ import annotations

import math
from typing import Final

import attrs

from ic_sdk.testing._resources import Wire, invalid

__all__ = [
    "PREDEFINED_METRICS",
    "SCALE_IN_SHARE",
    "MetricRule",
    "Policy",
    "Target",
    "metric_rule",
    "record_scaling",
    "step_copies",
    "tracking_copies",
]


@attrs.frozen(kw_only=True)
class MetricRule:
    """How target tracking watches one predefined metric."""

    metric: str
    statistic: str
    high_period: int
    high_points: int
    low_period: int = 60
    low_points: int = 15


#: Predefined metric type -> the CloudWatch metric its alarms watch.
PREDEFINED_METRICS: Final = {
    "SageMakerInferenceComponentInvocationsPerCopy": MetricRule(
        metric="InvocationsPerCopy", statistic="Sum", high_period=60, high_points=3
    ),
    "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution": MetricRule(
        metric="ConcurrentRequestsPerCopy", statistic="Average", high_period=10, high_points=3
    ),
}
#: AlarmLow's threshold, as a share of the target value.
SCALE_IN_SHARE: Final = 0.9


@attrs.define(kw_only=True, eq=False)
class Target:
    resource_id: str
    component: str
    min_capacity: int
    max_capacity: int
    role_arn: str
    created: float
    arn: str
    suspended: Wire


@attrs.define(kw_only=True, eq=False)
class Policy:
    name: str
    arn: str
    resource_id: str
    policy_type: str
    configuration: Wire
    created: float
    alarms: list[Wire] = attrs.Factory(list)
    last_scale_out: float | None = None
    last_scale_in: float | None = None
    last_step: float | None = None


def metric_rule(configuration: Wire) -> MetricRule:
    """The rule for a target tracking configuration's predefined metric (or a refusal)."""
    predefined = configuration.get("PredefinedMetricSpecification") or {}
    kind = predefined.get("PredefinedMetricType")
    rule = PREDEFINED_METRICS.get(str(kind))
    if rule is None:
        raise invalid(
            f"Predefined metric {kind!r} is not available for inference components; use "
            f"one of {', '.join(sorted(PREDEFINED_METRICS))}."
        )
    return rule


def tracking_copies(
    policy: Policy,
    target: Target,
    alarm_name: str,
    value: float | None,
    current: int,
    now: float,
) -> int | None:
    """The copies a target tracking policy sets when ``alarm_name`` fires, or ``None``."""
    if value is None or current == 0:
        return None  # no per-copy metric without a copy
    configuration = policy.configuration
    wanted = math.ceil(current * value / float(configuration["TargetValue"]) - 1e-9)
    bounded = min(max(wanted, target.min_capacity), target.max_capacity)
    out = _scales_out(alarm_name)
    if (bounded <= current if out else bounded >= current) or _suspended(target, bounded, current):
        return None
    if out:
        key, last = "ScaleOutCooldown", policy.last_scale_out
    else:
        key, last = "ScaleInCooldown", policy.last_scale_in
    if _cooling(last, float(configuration.get(key, 300)), now):
        return None
    return bounded


def step_copies(
    policy: Policy,
    target: Target,
    threshold: float,
    value: float | None,
    current: int,
    now: float,
) -> int | None:
    """The copies a step policy sets when its alarm (at ``threshold``) fires, or ``None``."""
    configuration = policy.configuration
    if _cooling(policy.last_step, float(configuration.get("Cooldown") or 0), now):
        return None
    difference = (value if value is not None else threshold) - threshold
    adjustment = None
    for step in configuration["StepAdjustments"]:
        lower = step.get("MetricIntervalLowerBound")
        upper = step.get("MetricIntervalUpperBound")
        if (lower is None or difference >= float(lower)) and (
            upper is None or difference < float(upper)
        ):
            adjustment = int(step["ScalingAdjustment"])
            break
    if adjustment is None:
        return None
    kind = configuration.get("AdjustmentType")
    if kind == "ExactCapacity":
        wanted = adjustment
    elif kind == "PercentChangeInCapacity":
        wanted = current + math.trunc(current * adjustment / 100)
    else:
        wanted = current + adjustment
    bounded = min(max(wanted, target.min_capacity), target.max_capacity)
    if bounded == current or _suspended(target, bounded, current):
        return None
    return bounded


def record_scaling(policy: Policy, alarm_name: str, now: float) -> None:
    """The policy's change (on ``alarm_name``) was accepted at ``now``: its cooldown starts."""
    if policy.policy_type != "TargetTrackingScaling":
        policy.last_step = now
    elif _scales_out(alarm_name):
        policy.last_scale_out = now
    else:
        policy.last_scale_in = now


def _scales_out(alarm_name: str) -> bool:
    return "-AlarmHigh-" in alarm_name


def _cooling(last: float | None, cooldown: float, now: float) -> bool:
    """Whether a policy that last scaled at ``last`` is still in its cooldown."""
    return last is not None and now - last < cooldown


def _suspended(target: Target, bounded: int, current: int) -> bool:
    """Whether moving the target from ``current`` to ``bounded`` copies is suspended."""
    if bounded > current:
        return bool(target.suspended.get("DynamicScalingOutSuspended"))
    if bounded < current:
        return bool(target.suspended.get("DynamicScalingInSuspended"))
    return False

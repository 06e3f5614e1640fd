"""Autoscaling of inference components, the part without I/O: names, the requests
:func:`ic_sdk.autoscaling.autoscale` sends, views of the answers, and the checks of its
arguments (whose ``autoscaling.*`` rule ids are in :data:`ic_sdk.validation.RULES`).

Cheap to import (no asyncio, no client): ``ic-sdk validate`` checks a spec's
``Autoscaling`` value with it. The calls that send these requests and reconcile their
answers are in :mod:`ic_sdk.autoscaling`, which re-exports every public name here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, Literal

import attrs

from ic_sdk._adapters import base_of
from ic_sdk.validation import Problem
from ic_sdk.validation._autoscaling import AUTOSCALING_RULES

__all__ = [
    "ALARM_PERIOD_S",
    "AUTOSCALING_RULES",
    "COPY_DIMENSION",
    "METRICS",
    "NAMESPACE",
    "RECENT_ACTIVITIES",
    "TRACKING_POLICY",
    "ZERO_COOLDOWN_S",
    "ZERO_POLICY",
    "Alarm",
    "Autoscaling",
    "Metric",
    "ScalingActivity",
    "ScalingPolicy",
    "alarm_name",
    "check",
    "resource_id",
    "scale_to_zero_problems",
    "scope",
    "tracking_policy",
    "view",
    "zero_alarm",
    "zero_policy",
]

Metric = Literal["invocations_per_copy", "concurrent_requests_per_copy"]

#: ``metric=`` -> Application Auto Scaling's predefined metric type.
METRICS: Final[Mapping[str, str]] = {
    "invocations_per_copy": "SageMakerInferenceComponentInvocationsPerCopy",
    "concurrent_requests_per_copy": (
        "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution"
    ),
}
NAMESPACE: Final = "sagemaker"
COPY_DIMENSION: Final = "sagemaker:inference-component:DesiredCopyCount"
#: Policy names ic_sdk uses (scoped to the component's scalable target).
TRACKING_POLICY: Final = "ic-sdk-target-tracking"
ZERO_POLICY: Final = "ic-sdk-scale-from-zero"
#: The scale-from-zero step policy and alarm, as the SageMaker Developer Guide sets them up.
ZERO_COOLDOWN_S: Final = 60
ALARM_PERIOD_S: Final = 30
#: Scaling activities :func:`autoscaling` shows.
RECENT_ACTIVITIES: Final = 20


def resource_id(name: str) -> str:
    """The scalable target's resource ID: ``inference-component/<name>``."""
    return f"inference-component/{name}"


def alarm_name(name: str) -> str:
    """The scale-from-zero alarm of component ``name``."""
    return f"ic-sdk-{name}-no-capacity"


# -- views -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ScalingPolicy:
    """One scaling policy of the component's scalable target."""

    name: str
    arn: str
    #: ``"TargetTrackingScaling"`` or ``"StepScaling"``.
    policy_type: str
    #: Target tracking: the target value and the predefined metric type.
    target: float | None = None
    metric: str | None = None
    scale_in_cooldown_s: int | None = None
    scale_out_cooldown_s: int | None = None
    #: Step scaling: the cooldown and the adjustments as ``(lower, upper, adjustment)``.
    cooldown_s: int | None = None
    steps: tuple[tuple[float | None, float | None, int], ...] = ()
    #: Names of the CloudWatch alarms Application Auto Scaling created for it.
    alarms: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Alarm:
    """A CloudWatch metric alarm (the scale-from-zero one)."""

    name: str
    arn: str
    state: str
    reason: str
    metric_name: str
    threshold: float
    period_s: int
    evaluation_periods: int
    actions: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ScalingActivity:
    """One scaling activity, as ``DescribeScalingActivities`` tells it."""

    activity_id: str
    description: str
    cause: str
    status: str
    started: datetime
    ended: datetime | None = None
    message: str | None = None


@attrs.frozen(kw_only=True)
class Autoscaling:
    """A component's autoscaling: bounds, policies, the scale-from-zero alarm, activities
    (most recent first)."""

    component: str
    min_copies: int
    max_copies: int
    policies: tuple[ScalingPolicy, ...] = ()
    #: ``False`` when no scalable target exists but a scale-from-zero alarm was left
    #: behind (bounds then read 0; :func:`remove_autoscaling` removes the alarm).
    registered: bool = True
    alarm: Alarm | None = None
    activities: tuple[ScalingActivity, ...] = ()

    @property
    def scales_to_zero(self) -> bool:
        """Whether the component may go to zero copies and come back."""
        return self.min_copies == 0

    @property
    def target_tracking(self) -> ScalingPolicy | None:
        return next((p for p in self.policies if p.policy_type == "TargetTrackingScaling"), None)


def _policy(raw: Mapping[str, Any]) -> ScalingPolicy:
    tracking = raw.get("TargetTrackingScalingPolicyConfiguration") or {}
    step = raw.get("StepScalingPolicyConfiguration") or {}
    predefined = tracking.get("PredefinedMetricSpecification") or {}
    return ScalingPolicy(
        name=str(raw.get("PolicyName", "")),
        arn=str(raw.get("PolicyARN", "")),
        policy_type=str(raw.get("PolicyType", "")),
        target=float(tracking["TargetValue"]) if "TargetValue" in tracking else None,
        metric=predefined.get("PredefinedMetricType"),
        scale_in_cooldown_s=tracking.get("ScaleInCooldown"),
        scale_out_cooldown_s=tracking.get("ScaleOutCooldown"),
        cooldown_s=step.get("Cooldown"),
        steps=tuple(
            (
                s.get("MetricIntervalLowerBound"),
                s.get("MetricIntervalUpperBound"),
                int(s.get("ScalingAdjustment", 0)),
            )
            for s in step.get("StepAdjustments") or []
        ),
        alarms=tuple(str(a.get("AlarmName", "")) for a in raw.get("Alarms") or []),
    )


def _alarm(raw: Mapping[str, Any]) -> Alarm:
    return Alarm(
        name=str(raw.get("AlarmName", "")),
        arn=str(raw.get("AlarmArn", "")),
        state=str(raw.get("StateValue", "")),
        reason=str(raw.get("StateReason", "")),
        metric_name=str(raw.get("MetricName", "")),
        threshold=float(raw.get("Threshold") or 0.0),
        period_s=int(raw.get("Period") or 0),
        evaluation_periods=int(raw.get("EvaluationPeriods") or 0),
        actions=tuple(str(a) for a in raw.get("AlarmActions") or []),
    )


def _activity(raw: Mapping[str, Any]) -> ScalingActivity:
    return ScalingActivity(
        activity_id=str(raw.get("ActivityId", "")),
        description=str(raw.get("Description", "")),
        cause=str(raw.get("Cause", "")),
        status=str(raw.get("StatusCode", "")),
        started=raw["StartTime"],
        ended=raw.get("EndTime"),
        message=raw.get("StatusMessage"),
    )


def view(
    name: str,
    target: Mapping[str, Any] | None,
    policies: list[Mapping[str, Any]],
    alarms: list[Mapping[str, Any]],
    activities: list[Mapping[str, Any]],
) -> Autoscaling | None:
    """The :class:`Autoscaling` of component ``name`` from the answers describing its
    scalable target, policies, scale-from-zero alarm and activities; ``None`` when none
    is set up."""
    if target is None:
        if not alarms:
            return None
        low = high = 0
    else:
        low, high = int(target["MinCapacity"]), int(target["MaxCapacity"])
    return Autoscaling(
        component=name,
        min_copies=low,
        max_copies=high,
        policies=tuple(
            _policy(p) for p in sorted(policies, key=lambda p: str(p.get("PolicyName")))
        ),
        alarm=_alarm(alarms[0]) if alarms else None,
        activities=tuple(_activity(a) for a in activities),
        registered=target is not None,
    )


# -- checks (no I/O) -----------------------------------------------------------------------


def check(
    *,
    min_copies: Any,
    max_copies: Any,
    target: Any,
    metric: Any,
    scale_in_cooldown_s: Any,
    scale_out_cooldown_s: Any,
) -> list[Problem]:
    """Every problem with :func:`autoscale`'s arguments (``path`` is the argument)."""
    problems: list[Problem] = []

    def integer(path: str, value: Any, low: int) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(Problem(path, "type", f"must be an integer, got {value!r}"))
            return False
        if value < low:
            problems.append(Problem(path, "min", f"must be at least {low}, got {value}"))
            return False
        return True

    bounds = integer("min_copies", min_copies, 0) & integer("max_copies", max_copies, 1)
    if bounds and min_copies > max_copies:
        problems.append(
            Problem(
                "min_copies",
                "autoscaling.bounds",
                f"min_copies ({min_copies}) must not exceed max_copies ({max_copies})",
            )
        )
    if isinstance(target, bool) or not isinstance(target, int | float):
        problems.append(Problem("target", "type", f"must be a number, got {target!r}"))
    elif not math.isfinite(target) or target <= 0:
        problems.append(Problem("target", "min", f"must be greater than 0, got {target}"))
    if metric not in METRICS:
        problems.append(
            Problem("metric", "enum", f"must be one of {', '.join(METRICS)}, got {metric!r}")
        )
    integer("scale_in_cooldown_s", scale_in_cooldown_s, 0)
    integer("scale_out_cooldown_s", scale_out_cooldown_s, 0)
    return problems


def scale_to_zero_problems(
    component: Mapping[str, Any], endpoint: Mapping[str, Any]
) -> list[Problem]:
    """Why ``component`` cannot scale to zero copies on ``endpoint`` (both descriptions,
    wire form), as the SageMaker Developer Guide's prerequisites say; ``[]`` if it can."""
    name = component.get("InferenceComponentName")
    where = f"endpoint {endpoint.get('EndpointName')!r}"
    problems: list[Problem] = []
    if base_of(component) is not None:
        problems.append(
            Problem(
                "name",
                "autoscaling.adapter",
                f"{name!r} is an adapter: it runs on its base component's copies; autoscale "
                "the base component instead",
            )
        )
        return problems
    status = endpoint.get("EndpointStatus")
    if status != "InService":
        problems.append(
            Problem(
                "min_copies",
                "autoscaling.scale-to-zero",
                f"scaling to zero needs {where} InService; it is {status}",
            )
        )
    variant_name = component.get("VariantName")
    variant: Mapping[str, Any] = next(
        (
            v
            for v in endpoint.get("ProductionVariants") or []
            if v.get("VariantName") == variant_name
        ),
        {},
    )
    scaling = variant.get("ManagedInstanceScaling") or {}
    if scaling.get("Status") != "ENABLED" or scaling.get("MinInstanceCount") != 0:
        problems.append(
            Problem(
                "min_copies",
                "autoscaling.scale-to-zero",
                f"scaling to zero needs variant {variant_name!r} of {where} to have "
                "ManagedInstanceScaling with Status ENABLED and MinInstanceCount 0 (it has "
                f"Status {scaling.get('Status')}, MinInstanceCount "
                f"{scaling.get('MinInstanceCount')}); create the endpoint config with it",
            )
        )
    return problems


# -- requests -----------------------------------------------------------------------------


def scope(name: str) -> dict[str, Any]:
    """The scalable target of component ``name`` (wire form)."""
    return {
        "ServiceNamespace": NAMESPACE,
        "ResourceId": resource_id(name),
        "ScalableDimension": COPY_DIMENSION,
    }


def tracking_policy(
    name: str,
    *,
    target: float,
    metric: Metric,
    scale_in_cooldown_s: int,
    scale_out_cooldown_s: int,
) -> dict[str, Any]:
    """PutScalingPolicy of the target tracking policy (:data:`TRACKING_POLICY`)."""
    return {
        **scope(name),
        "PolicyName": TRACKING_POLICY,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": float(target),
            "PredefinedMetricSpecification": {"PredefinedMetricType": METRICS[metric]},
            "ScaleInCooldown": scale_in_cooldown_s,
            "ScaleOutCooldown": scale_out_cooldown_s,
        },
    }


def zero_policy(name: str) -> dict[str, Any]:
    """PutScalingPolicy of the scale-from-zero step policy (:data:`ZERO_POLICY`): +1 copy."""
    return {
        **scope(name),
        "PolicyName": ZERO_POLICY,
        "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {
            "AdjustmentType": "ChangeInCapacity",
            "MetricAggregationType": "Maximum",
            "Cooldown": ZERO_COOLDOWN_S,
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
        },
    }


def zero_alarm(name: str, policy_arn: str) -> dict[str, Any]:
    """PutMetricAlarm of the scale-from-zero alarm: ``NoCapacityInvocationFailures`` of the
    component, at least 1 over :data:`ALARM_PERIOD_S`, invokes ``policy_arn``."""
    return {
        "AlarmName": alarm_name(name),
        "AlarmDescription": f"ic_sdk: add a copy of inference component {name} when it has none",
        "AlarmActions": [policy_arn],
        "MetricName": "NoCapacityInvocationFailures",
        "Namespace": "AWS/SageMaker",
        "Statistic": "Maximum",
        "Dimensions": [{"Name": "InferenceComponentName", "Value": name}],
        "Period": ALARM_PERIOD_S,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "missing",
    }

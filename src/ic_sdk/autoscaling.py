"""Autoscaling of inference components: target tracking, scale to zero and back.

```python
await client.autoscale("llama", min_copies=0, max_copies=4, target=5)
view = await client.autoscaling("llama")     # bounds, policies, alarm, recent activities
await client.remove_autoscaling("llama")     # target, policies and alarm, all gone
```

What :func:`autoscale` sets up, through Application Auto Scaling and CloudWatch:

- a **scalable target** ``inference-component/<name>`` on the dimension
  ``sagemaker:inference-component:DesiredCopyCount`` with the bounds;
- a **target tracking policy** (:data:`TRACKING_POLICY`) on the predefined metric
  ``SageMakerInferenceComponentInvocationsPerCopy`` (``metric="invocations_per_copy"``)
  or ``SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution``
  (``"concurrent_requests_per_copy"``); Application Auto Scaling creates its alarms;
- with ``min_copies=0``, scale from zero as the SageMaker Developer Guide describes it
  ("Scale an endpoint to zero instances"): a **step scaling policy**
  (:data:`ZERO_POLICY`, +1 copy, 60 s cooldown) and a **CloudWatch alarm**
  (:func:`alarm_name`) on ``NoCapacityInvocationFailures`` of that component
  (``AWS/SageMaker``, ``Maximum`` over 30 s, at least 1) that invokes it. Scaling to zero
  needs an InService endpoint whose variant has ``ManagedInstanceScaling`` enabled with
  ``MinInstanceCount`` 0; that is checked first.

Everything is validated before anything is sent (:class:`~ic_sdk.errors.ValidationError`
naming the argument and the rule), every call is idempotent (running :func:`autoscale`
twice leaves one target, one set of policies, one alarm), and a call whose answer was
lost is settled by describing what the service holds, not by the last HTTP answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import attrs

from ic_sdk._adapters import base_of
from ic_sdk.errors import (
    ResourceNotFound,
    ServiceError,
    ValidationError,
)
from ic_sdk.reconcile import matches
from ic_sdk.validation import Problem

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "AUTOSCALING_RULES",
    "COPY_DIMENSION",
    "METRICS",
    "TRACKING_POLICY",
    "ZERO_POLICY",
    "Alarm",
    "Autoscaling",
    "Metric",
    "ScalingActivity",
    "ScalingPolicy",
    "alarm_name",
    "autoscale",
    "autoscaling",
    "check",
    "remove_autoscaling",
    "resource_id",
    "scale_to_zero_problems",
]

logger = logging.getLogger("ic_sdk.autoscaling")

Metric = Literal["invocations_per_copy", "concurrent_requests_per_copy"]
Service = Literal["sagemaker", "application-autoscaling", "cloudwatch"]

#: Every ``autoscaling.*`` rule id a :class:`~ic_sdk.validation.Problem` of this module
#: can carry, with what it checks (the generic ids it also uses are in
#: :data:`ic_sdk.validation.RULES`).
AUTOSCALING_RULES: Final[Mapping[str, str]] = {
    "autoscaling.bounds": "min_copies (MinCopies) is greater than max_copies (MaxCopies).",
    "autoscaling.adapter": (
        "The component is an adapter: it runs on its base component's copies, which scale."
    ),
    "autoscaling.scale-to-zero": (
        "Scaling to zero copies needs an InService endpoint whose variant has "
        "ManagedInstanceScaling ENABLED with MinInstanceCount 0."
    ),
}

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
#: Application Auto Scaling's answer for a target or policy that is not there.
_NOT_FOUND: Final = "ObjectNotFoundException"
#: Scaling activities :func:`autoscaling` shows.
RECENT_ACTIVITIES: Final = 20


def resource_id(name: str) -> str:
    """The scalable target's resource ID: ``inference-component/<name>``."""
    return f"inference-component/{name}"


def alarm_name(name: str) -> str:
    """The scale-from-zero alarm of component ``name``."""
    return f"ic-sdk-{name}-no-capacity"


class Sender(Protocol):
    """How this module reaches the services (the client provides it): one call in wire
    form, retried on transient errors, errors mapped into :mod:`ic_sdk.errors`. A
    mutation passes ``applied``: when its answer may have been lost, the call's result
    is what ``applied()`` finds on the service (``None``: not applied, the error stands)."""

    async def __call__(
        self,
        service: Service,
        method: str,
        wire: dict[str, Any],
        *,
        applied: Callable[[], Awaitable[dict[str, Any] | None]] | None = None,
    ) -> dict[str, Any]: ...


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


def _raise(problems: Sequence[Problem], operation: str) -> None:
    if problems:
        raise ValidationError(problems, operation=operation)


# -- calls ------------------------------------------------------------------------------


def _scope(name: str) -> dict[str, Any]:
    return {
        "ServiceNamespace": NAMESPACE,
        "ResourceId": resource_id(name),
        "ScalableDimension": COPY_DIMENSION,
    }


async def _target(send: Sender, name: str) -> dict[str, Any] | None:
    answer = await send(
        "application-autoscaling",
        "describe_scalable_targets",
        {
            "ServiceNamespace": NAMESPACE,
            "ResourceIds": [resource_id(name)],
            "ScalableDimension": COPY_DIMENSION,
        },
    )
    targets: list[dict[str, Any]] = answer.get("ScalableTargets") or []
    return targets[0] if targets else None


async def _policies(send: Sender, name: str) -> list[dict[str, Any]]:
    answer = await send(
        "application-autoscaling",
        "describe_scaling_policies",
        {
            "ServiceNamespace": NAMESPACE,
            "ResourceId": resource_id(name),
            "ScalableDimension": COPY_DIMENSION,
        },
    )
    return list(answer.get("ScalingPolicies") or [])


async def _alarms(send: Sender, names: Sequence[str]) -> list[dict[str, Any]]:
    answer = await send("cloudwatch", "describe_alarms", {"AlarmNames": list(names)})
    return list(answer.get("MetricAlarms") or [])


async def _put_policy(send: Sender, name: str, wire: dict[str, Any]) -> str:
    kind = (
        "TargetTrackingScalingPolicyConfiguration"
        if wire["PolicyType"] == "TargetTrackingScaling"
        else "StepScalingPolicyConfiguration"
    )

    async def applied() -> dict[str, Any] | None:
        for policy in await _policies(send, name):
            if policy.get("PolicyName") == wire["PolicyName"] and matches(
                wire[kind], policy.get(kind) or {}
            ):
                return policy
        return None

    answer = await send("application-autoscaling", "put_scaling_policy", wire, applied=applied)
    return str(answer.get("PolicyARN"))


async def _delete_alarms(send: Sender, names: Sequence[str]) -> None:
    if not names:
        return

    async def gone() -> dict[str, Any] | None:
        return None if await _alarms(send, names) else {}

    with contextlib.suppress(ResourceNotFound):  # already gone
        await send("cloudwatch", "delete_alarms", {"AlarmNames": list(names)}, applied=gone)


async def _delete_policy(send: Sender, name: str, policy: str) -> None:
    async def gone() -> dict[str, Any] | None:
        return (
            None if any(p.get("PolicyName") == policy for p in await _policies(send, name)) else {}
        )

    try:
        await send(
            "application-autoscaling",
            "delete_scaling_policy",
            {**_scope(name), "PolicyName": policy},
            applied=gone,
        )
    except ServiceError as exc:
        if exc.code != _NOT_FOUND:
            raise


async def autoscale(
    send: Sender,
    name: str,
    *,
    min_copies: int,
    max_copies: int,
    target: float,
    metric: Metric = "invocations_per_copy",
    scale_in_cooldown_s: int = 300,
    scale_out_cooldown_s: int = 60,
) -> Autoscaling:
    """Register the scalable target and its policies (and scale from zero when
    ``min_copies`` is 0); the resulting :class:`Autoscaling`."""
    _raise(
        check(
            min_copies=min_copies,
            max_copies=max_copies,
            target=target,
            metric=metric,
            scale_in_cooldown_s=scale_in_cooldown_s,
            scale_out_cooldown_s=scale_out_cooldown_s,
        ),
        "autoscale",
    )
    component = await send(
        "sagemaker", "describe_inference_component", {"InferenceComponentName": name}
    )
    endpoint: dict[str, Any] = {}
    if min_copies == 0 and base_of(component) is None:
        endpoint = await send(
            "sagemaker", "describe_endpoint", {"EndpointName": component["EndpointName"]}
        )
    problems = scale_to_zero_problems(component, endpoint)
    if min_copies > 0:
        problems = [p for p in problems if p.rule != "autoscaling.scale-to-zero"]
    _raise(problems, "autoscale")

    register = {**_scope(name), "MinCapacity": min_copies, "MaxCapacity": max_copies}

    async def registered() -> dict[str, Any] | None:
        shown = await _target(send, name)
        return shown if shown is not None and matches(register, shown) else None

    await send("application-autoscaling", "register_scalable_target", register, applied=registered)
    await _put_policy(
        send,
        name,
        {
            **_scope(name),
            "PolicyName": TRACKING_POLICY,
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": float(target),
                "PredefinedMetricSpecification": {"PredefinedMetricType": METRICS[metric]},
                "ScaleInCooldown": scale_in_cooldown_s,
                "ScaleOutCooldown": scale_out_cooldown_s,
            },
        },
    )
    if min_copies == 0:
        await _scale_from_zero(send, name)
    else:  # a previous scale-to-zero setup would be left behind
        await _delete_alarms(
            send, [a["AlarmName"] for a in await _alarms(send, [alarm_name(name)])]
        )
        await _delete_policy(send, name, ZERO_POLICY)
    view = await autoscaling(send, name)
    assert view is not None
    return view


async def _scale_from_zero(send: Sender, name: str) -> None:
    arn = await _put_policy(
        send,
        name,
        {
            **_scope(name),
            "PolicyName": ZERO_POLICY,
            "PolicyType": "StepScaling",
            "StepScalingPolicyConfiguration": {
                "AdjustmentType": "ChangeInCapacity",
                "MetricAggregationType": "Maximum",
                "Cooldown": ZERO_COOLDOWN_S,
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
        },
    )
    alarm = {
        "AlarmName": alarm_name(name),
        "AlarmDescription": f"ic_sdk: add a copy of inference component {name} when it has none",
        "AlarmActions": [arn],
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

    async def created() -> dict[str, Any] | None:
        shown = await _alarms(send, [alarm_name(name)])
        keys = ("AlarmActions", "MetricName", "Namespace", "Dimensions", "Threshold", "Period")
        if shown and matches({k: alarm[k] for k in keys}, shown[0]):
            return {}
        return None

    await send("cloudwatch", "put_metric_alarm", alarm, applied=created)


async def autoscaling(send: Sender, name: str) -> Autoscaling | None:
    """The component's autoscaling, or ``None`` when none is set up."""
    target, policies, alarms, activities = await asyncio.gather(
        _target(send, name),
        _policies(send, name),
        _alarms(send, [alarm_name(name)]),
        send(
            "application-autoscaling",
            "describe_scaling_activities",
            {**_scope(name), "MaxResults": RECENT_ACTIVITIES},
        ),
    )
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
        activities=tuple(_activity(a) for a in activities.get("ScalingActivities") or []),
        registered=target is not None,
    )


async def remove_autoscaling(send: Sender, name: str) -> bool:
    """Remove the scalable target, its policies (and their alarms) and the scale-from-zero
    alarm; ``True`` if there was anything to remove."""
    target, policies, alarms = await asyncio.gather(
        _target(send, name), _policies(send, name), _alarms(send, [alarm_name(name)])
    )
    # Alarms that invoke this component's policies would be left pointing at nothing.
    arns = {p["PolicyARN"] for p in policies if p.get("PolicyType") == "StepScaling"}
    owned = {a["AlarmName"] for a in alarms}
    if arns:
        for arn in arns:
            answer = await send("cloudwatch", "describe_alarms", {"ActionPrefix": arn})
            owned.update(a["AlarmName"] for a in answer.get("MetricAlarms") or [])
    if target is not None:

        async def gone() -> dict[str, Any] | None:
            return None if await _target(send, name) is not None else {}

        try:
            await send(
                "application-autoscaling", "deregister_scalable_target", _scope(name), applied=gone
            )
        except ServiceError as exc:
            if exc.code != _NOT_FOUND:
                raise
    await _delete_alarms(send, sorted(owned))
    return target is not None or bool(owned)

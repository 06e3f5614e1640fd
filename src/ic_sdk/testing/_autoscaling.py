"""The emulator's Application Auto Scaling, for inference components, and its simulation.

Operations (``RegisterScalableTarget``, ``PutScalingPolicy``, ``Describe*``, ``Delete*``,
``DeregisterScalableTarget``) take and return botocore wire dicts; timestamps go out as
aware ``datetime`` objects. Only ``ServiceNamespace="sagemaker"`` with the
inference-component dimension is emulated; other resources are refused plainly.

The simulation follows the Application Auto Scaling User Guide:

- A target tracking policy creates and owns two CloudWatch alarms ("Application Auto
  Scaling creates and manages the CloudWatch alarms that invoke the scaling policy",
  https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html):
  ``AlarmHigh`` fires when the metric is above the target for 3 consecutive one-minute
  data points, ``AlarmLow`` when it is below 90 % of the target for 15 consecutive
  data points (the defaults target tracking uses: 3 data points within 3 minutes to scale
  out, 15 within 15 minutes to scale in). For the high-resolution metric
  ``ConcurrentRequestsPerCopyHighResolution`` (published every 10 seconds) ``AlarmHigh``
  looks at 3 ten-second data points; scale-in keeps the 15-minute window.
- The new capacity is proportional: ``ceil(capacity * metric / target)``, kept within
  the target's bounds ("the scaling policy adds or removes capacity as required to keep
  the metric at, or close to, the specified target value").
- Cooldowns (same page, "Define cooldown periods"): after a scale-out the policy does not
  scale out again until ``ScaleOutCooldown`` has passed; after a scale-in it does not scale
  in again until ``ScaleInCooldown`` has passed; a scale-out is never blocked by a scale-in
  cooldown. A step policy waits its ``Cooldown`` between its own activities.
- The minimum capacity protects the last copy: target tracking never goes below it, so
  only a target registered with ``MinCapacity=0`` scales to zero.
- Scale to zero and back (SageMaker Developer Guide, "Scale an endpoint to zero
  instances", https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html):
  with no copy, target tracking has no per-copy metric and does nothing; a step scaling
  policy invoked by an alarm on ``NoCapacityInvocationFailures`` adds the copy back.
- Each change is a scaling activity (``DescribeScalingActivities``): ``InProgress`` while
  the component updates, then ``Successful`` (or ``Failed`` with the service's answer).

The policies' records and decisions (how many copies, cooldowns, suspension) are in
:mod:`ic_sdk.testing._scaling_policies`; this module serves the operations, owns the
target tracking alarms and runs the activities.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Final, Protocol

import attrs

from ic_sdk.testing._cloudwatch import CloudWatch
from ic_sdk.testing._cloudwatch_emitter import DIMENSION, NAMESPACE
from ic_sdk.testing._paging import Paging
from ic_sdk.testing._resources import ServiceFault, Wire, invalid, stamp
from ic_sdk.testing._scaling_policies import (
    PREDEFINED_METRICS,
    SCALE_IN_SHARE,
    MetricRule,
    Policy,
    Target,
    metric_rule,
    record_scaling,
    step_copies,
    tracking_copies,
)

__all__ = [
    "COPY_DIMENSION",
    "FILTERS",
    "PREDEFINED_METRICS",
    "ApplicationAutoScaling",
    "Components",
    "resource_id",
]

SERVICE_NAMESPACE: Final = "sagemaker"
COPY_DIMENSION: Final = "sagemaker:inference-component:DesiredCopyCount"
_RESOURCE_PREFIX: Final = "inference-component/"
_ROLE: Final = (
    "arn:aws:iam::{account}:role/aws-service-role/sagemaker.application-autoscaling."
    "amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
)


#: Every request member each ``Describe*`` honours. ``IncludeNotScaledActivities`` adds
#: the activities that did not scale; the emulator records none (an alarm that cannot
#: change the capacity leaves no activity), so with or without it the answer is the same.
FILTERS: Final[dict[str, frozenset[str]]] = {
    "DescribeScalableTargets": frozenset(
        {"ServiceNamespace", "ResourceIds", "ScalableDimension", "MaxResults", "NextToken"}
    ),
    "DescribeScalingPolicies": frozenset(
        {
            "PolicyNames",
            "ServiceNamespace",
            "ResourceId",
            "ScalableDimension",
            "MaxResults",
            "NextToken",
        }
    ),
    "DescribeScalingActivities": frozenset(
        {
            "ServiceNamespace",
            "ResourceId",
            "ScalableDimension",
            "MaxResults",
            "NextToken",
            "IncludeNotScaledActivities",
        }
    ),
}


def _paging(operation: str, size: int) -> Paging:
    """Pages of at most ``size`` (the default too), as each operation's documentation
    says: 50 scalable targets or activities, 10 policies. A bad token is
    ``InvalidNextTokenException``, a bad size a ``ValidationException``."""
    return Paging(
        operation=operation,
        default=size,
        maximum=size,
        bad_token=lambda: ServiceFault(
            "InvalidNextTokenException", "The next token supplied was invalid."
        ),
        bad_limit=invalid,
    )


_PAGING: Final = {
    "DescribeScalableTargets": _paging("DescribeScalableTargets", 50),
    "DescribeScalingPolicies": _paging("DescribeScalingPolicies", 10),
    "DescribeScalingActivities": _paging("DescribeScalingActivities", 50),
}


class Components(Protocol):
    """What the simulation needs from the SageMaker side of the emulator."""

    def copies(self, name: str) -> tuple[int, int, bool] | None:
        """``(desired, current, in_service)`` of a component, ``None`` if it does not exist."""
        ...

    def set_copies(self, name: str, copies: int) -> None:
        """Ask for ``copies`` copies (raises ``ServiceFault`` as the service would)."""
        ...

    def scale_to_zero_problem(self, name: str) -> str | None:
        """Why the component's endpoint cannot scale to zero instances, or ``None``."""
        ...


def resource_id(component: str) -> str:
    return f"{_RESOURCE_PREFIX}{component}"


def _not_found(message: str) -> ServiceFault:
    return ServiceFault("ObjectNotFoundException", message)


@attrs.define(kw_only=True, eq=False)
class _Activity:
    activity_id: str
    resource_id: str
    component: str
    description: str
    cause: str
    started: float
    desired: int
    status: str = "InProgress"
    message: str | None = None
    ended: float | None = None

    def describe(self, epoch: float) -> Wire:
        out: Wire = {
            "ActivityId": self.activity_id,
            "ServiceNamespace": SERVICE_NAMESPACE,
            "ResourceId": self.resource_id,
            "ScalableDimension": COPY_DIMENSION,
            "Description": self.description,
            "Cause": self.cause,
            "StartTime": stamp(epoch + self.started),
            "StatusCode": self.status,
        }
        if self.ended is not None:
            out["EndTime"] = stamp(epoch + self.ended)
        if self.message is not None:
            out["StatusMessage"] = self.message
        return out


class ApplicationAutoScaling:
    """Scalable targets, policies and activities; alarms live in ``cloudwatch``."""

    def __init__(
        self,
        *,
        cloudwatch: CloudWatch,
        components: Components,
        region: str,
        account_id: str,
        on_watch: Callable[[str], None] | None = None,
    ) -> None:
        self.cloudwatch = cloudwatch
        self.components = components
        self.region = region
        self.account_id = account_id
        self._on_watch = on_watch
        self._targets: dict[str, Target] = {}
        self._policies: dict[tuple[str, str], Policy] = {}
        self._policy_by_arn: dict[str, Policy] = {}
        self._activities: list[_Activity] = []
        self._pending: list[_Activity] = []
        self._ids = itertools.count(1)
        self._now = 0.0
        cloudwatch.action_sink = self._alarm_action
        self.operations: dict[str, Callable[[Wire, float], Wire]] = {
            "RegisterScalableTarget": self.register_scalable_target,
            "DescribeScalableTargets": self.describe_scalable_targets,
            "DeregisterScalableTarget": self.deregister_scalable_target,
            "PutScalingPolicy": self.put_scaling_policy,
            "DescribeScalingPolicies": self.describe_scaling_policies,
            "DeleteScalingPolicy": self.delete_scaling_policy,
            "DescribeScalingActivities": self.describe_scaling_activities,
        }

    @property
    def _epoch(self) -> float:
        return self.cloudwatch.epoch

    # -- request checks ------------------------------------------------------------------

    @staticmethod
    def _namespace(body: Wire) -> None:
        namespace = body.get("ServiceNamespace")
        if namespace != SERVICE_NAMESPACE:
            raise invalid(f"Only the sagemaker service namespace is emulated, not {namespace!r}.")

    @classmethod
    def _resource(cls, body: Wire) -> str:
        """The request's resource ID, once its namespace, ID and dimension are ones emulated."""
        cls._namespace(body)
        rid = body.get("ResourceId")
        dimension = body.get("ScalableDimension")
        if not isinstance(rid, str) or not rid.startswith(_RESOURCE_PREFIX):
            raise invalid(
                f"Unsupported resource ID {rid!r}: only inference-component/<name> is emulated."
            )
        if dimension != COPY_DIMENSION:
            raise invalid(
                f"Unsupported scalable dimension {dimension!r} for resource {rid}; use "
                f"{COPY_DIMENSION}."
            )
        return rid

    @staticmethod
    def _where(rid: str) -> str:
        return (
            f"service namespace: {SERVICE_NAMESPACE}, resource ID: {rid}, scalable dimension: "
            f"{COPY_DIMENSION}"
        )

    def _target(self, rid: str) -> Target:
        target = self._targets.get(rid)
        if target is None:
            raise _not_found(f"No scalable target registered for {self._where(rid)}")
        return target

    # -- scalable targets ----------------------------------------------------------------

    def register_scalable_target(self, body: Wire, now: float) -> Wire:
        rid = self._resource(body)
        component = rid.removeprefix(_RESOURCE_PREFIX)
        existing = self._targets.get(rid)
        state = self.components.copies(component)
        if state is None:
            raise invalid(f"Inference component {component} does not exist.")
        low = body.get("MinCapacity")
        high = body.get("MaxCapacity")
        if existing is None and (low is None or high is None):
            raise invalid("MinCapacity and MaxCapacity are required to register a new target.")
        low = int(low) if low is not None else existing.min_capacity if existing else 0
        high = int(high) if high is not None else existing.max_capacity if existing else 0
        if low < 0 or high < 0:
            raise invalid("Capacities cannot be negative.")
        if low > high:
            raise invalid(
                f"Minimum capacity ({low}) cannot be greater than maximum capacity ({high})."
            )
        if low == 0:
            problem = self.components.scale_to_zero_problem(component)
            if problem is not None:
                raise invalid(problem)
        if existing is None:
            target = Target(
                resource_id=rid,
                component=component,
                min_capacity=low,
                max_capacity=high,
                role_arn=str(body.get("RoleARN") or _ROLE.format(account=self.account_id)),
                created=now,
                arn=(
                    f"arn:aws:application-autoscaling:{self.region}:{self.account_id}:"
                    f"scalable-target/{uuid.uuid4().hex[:28]}"
                ),
                suspended=dict(body.get("SuspendedState") or {}),
            )
            self._targets[rid] = target
            if self._on_watch is not None:
                self._on_watch(component)
        else:
            target = existing
            target.min_capacity, target.max_capacity = low, high
            if body.get("SuspendedState") is not None:
                target.suspended = dict(body["SuspendedState"])
        # A capacity outside the new bounds is brought inside them at once.
        desired = state[0]
        bounded = min(max(desired, low), high)
        if bounded != desired:
            self._scale(
                target,
                bounded,
                now,
                cause=(
                    f"minimum capacity was set to {low}"
                    if bounded > desired
                    else f"maximum capacity was set to {high}"
                ),
            )
        return {"ScalableTargetARN": target.arn}

    def describe_scalable_targets(self, body: Wire, now: float) -> Wire:
        self._namespace(body)
        wanted = body.get("ResourceIds")
        found = [t for t in self._targets.values() if not wanted or t.resource_id in wanted]
        dimension = body.get("ScalableDimension")
        if dimension and dimension != COPY_DIMENSION:
            found = []
        return _PAGING["DescribeScalableTargets"].answer(
            found, body, "ScalableTargets", self._describe_target
        )

    def _describe_target(self, t: Target) -> Wire:
        return {
            "ServiceNamespace": SERVICE_NAMESPACE,
            "ResourceId": t.resource_id,
            "ScalableDimension": COPY_DIMENSION,
            "MinCapacity": t.min_capacity,
            "MaxCapacity": t.max_capacity,
            "RoleARN": t.role_arn,
            "CreationTime": stamp(self._epoch + t.created),
            "SuspendedState": {
                "DynamicScalingInSuspended": bool(t.suspended.get("DynamicScalingInSuspended")),
                "DynamicScalingOutSuspended": bool(t.suspended.get("DynamicScalingOutSuspended")),
                "ScheduledScalingSuspended": bool(t.suspended.get("ScheduledScalingSuspended")),
            },
            "ScalableTargetARN": t.arn,
        }

    def deregister_scalable_target(self, body: Wire, now: float) -> Wire:
        rid = self._resource(body)
        if rid not in self._targets:
            raise _not_found(f"No scalable target found for {self._where(rid)}")
        self._drop_target(rid)
        return {}

    def _drop_target(self, rid: str) -> None:
        """The target of ``rid`` goes, with its policies (and their alarms)."""
        for policy in [p for p in self._policies.values() if p.resource_id == rid]:
            self._drop_policy(policy)
        self._targets.pop(rid, None)

    # -- policies -------------------------------------------------------------------------

    def put_scaling_policy(self, body: Wire, now: float) -> Wire:
        rid = self._resource(body)
        name = body.get("PolicyName")
        if not name:
            raise invalid("PolicyName is required.")
        target = self._target(rid)
        policy_type = body.get("PolicyType") or "StepScaling"
        if policy_type == "TargetTrackingScaling":
            configuration = dict(body.get("TargetTrackingScalingPolicyConfiguration") or {})
            rule = metric_rule(configuration)
            if float(configuration.get("TargetValue") or 0) <= 0:
                raise invalid("TargetValue must be greater than 0.")
        elif policy_type == "StepScaling":
            configuration = dict(body.get("StepScalingPolicyConfiguration") or {})
            if not configuration.get("StepAdjustments"):
                raise invalid("A step scaling policy needs at least one step adjustment.")
            if configuration.get("AdjustmentType") not in (
                "ChangeInCapacity",
                "ExactCapacity",
                "PercentChangeInCapacity",
            ):
                raise invalid(
                    "AdjustmentType must be ChangeInCapacity, ExactCapacity or PercentChangeInCapacity."
                )
        else:
            raise invalid(f"Policy type {policy_type} is not supported here.")
        existing = self._policies.get((rid, name))
        if existing is not None:
            self._drop_policy(existing)
        arn = (
            f"arn:aws:autoscaling:{self.region}:{self.account_id}:scalingPolicy:{uuid.uuid4()}:"
            f"resource/{SERVICE_NAMESPACE}/{rid}:policyName/{name}"
        )
        policy = Policy(
            name=str(name),
            arn=arn,
            resource_id=rid,
            policy_type=policy_type,
            configuration=configuration,
            created=existing.created if existing is not None else now,
        )
        if policy_type == "TargetTrackingScaling":
            policy.alarms = self._tracking_alarms(policy, target, rule, now)
        self._policies[(rid, policy.name)] = policy
        self._policy_by_arn[arn] = policy
        out: Wire = {"PolicyARN": arn}
        if policy.alarms:
            out["Alarms"] = [dict(a) for a in policy.alarms]
        return out

    def _tracking_alarms(
        self, policy: Policy, target: Target, rule: MetricRule, now: float
    ) -> list[Wire]:
        value = float(policy.configuration["TargetValue"])
        alarms: list[Wire] = []
        for side, period, points, threshold, comparison in (
            ("AlarmHigh", rule.high_period, rule.high_points, value, "GreaterThanThreshold"),
            (
                "AlarmLow",
                rule.low_period,
                rule.low_points,
                value * SCALE_IN_SHARE,
                "LessThanThreshold",
            ),
        ):
            if side == "AlarmLow" and policy.configuration.get("DisableScaleIn"):
                continue
            name = f"TargetTracking-{policy.resource_id}-{side}-{uuid.uuid4()}"
            self.cloudwatch.put_metric_alarm(
                {
                    "AlarmName": name,
                    "AlarmDescription": (
                        f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {policy.arn}."
                    ),
                    "Namespace": NAMESPACE,
                    "MetricName": rule.metric,
                    "Dimensions": [{"Name": DIMENSION, "Value": target.component}],
                    "Statistic": rule.statistic,
                    "Period": period,
                    "EvaluationPeriods": points,
                    "DatapointsToAlarm": points,
                    "Threshold": threshold,
                    "ComparisonOperator": comparison,
                    "AlarmActions": [policy.arn],
                },
                now,
            )
            alarm = self.cloudwatch.alarm(name)
            assert alarm is not None
            alarms.append({"AlarmName": name, "AlarmARN": alarm.arn})
        return alarms

    def _drop_policy(self, policy: Policy) -> None:
        for alarm in policy.alarms:
            if self.cloudwatch.alarm(alarm["AlarmName"]) is not None:
                self.cloudwatch.delete_alarms({"AlarmNames": [alarm["AlarmName"]]}, 0.0)
        self._policies.pop((policy.resource_id, policy.name), None)
        self._policy_by_arn.pop(policy.arn, None)

    def describe_scaling_policies(self, body: Wire, now: float) -> Wire:
        self._namespace(body)
        found = list(self._policies.values())
        if body.get("ResourceId"):
            found = [p for p in found if p.resource_id == body["ResourceId"]]
        if body.get("PolicyNames"):
            found = [p for p in found if p.name in body["PolicyNames"]]
        if body.get("ScalableDimension") and body["ScalableDimension"] != COPY_DIMENSION:
            found = []
        return _PAGING["DescribeScalingPolicies"].answer(
            found, body, "ScalingPolicies", self._describe_policy
        )

    def _describe_policy(self, p: Policy) -> Wire:
        entry: Wire = {
            "PolicyARN": p.arn,
            "PolicyName": p.name,
            "ServiceNamespace": SERVICE_NAMESPACE,
            "ResourceId": p.resource_id,
            "ScalableDimension": COPY_DIMENSION,
            "PolicyType": p.policy_type,
            "Alarms": [dict(a) for a in p.alarms],
            "CreationTime": stamp(self._epoch + p.created),
        }
        key = (
            "TargetTrackingScalingPolicyConfiguration"
            if p.policy_type == "TargetTrackingScaling"
            else "StepScalingPolicyConfiguration"
        )
        entry[key] = p.configuration
        return entry

    def delete_scaling_policy(self, body: Wire, now: float) -> Wire:
        rid = self._resource(body)
        policy = self._policies.get((rid, str(body.get("PolicyName"))))
        if policy is None:
            raise _not_found(
                f"No scaling policy found for {self._where(rid)}, policy name: "
                f"{body.get('PolicyName')}"
            )
        self._drop_policy(policy)
        return {}

    def describe_scaling_activities(self, body: Wire, now: float) -> Wire:
        self._namespace(body)
        found = list(reversed(self._activities))
        if body.get("ResourceId"):
            found = [a for a in found if a.resource_id == body["ResourceId"]]
        if body.get("ScalableDimension") and body["ScalableDimension"] != COPY_DIMENSION:
            found = []
        return _PAGING["DescribeScalingActivities"].answer(
            found,
            body,
            "ScalingActivities",
            lambda a: a.describe(self._epoch),
        )

    # -- the simulation -------------------------------------------------------------------

    def tick(self, now: float) -> None:
        """Bring in-progress activities up to date (called every 10 seconds)."""
        self._now = now
        if not self._pending:
            return
        for activity in list(self._pending):
            state = self.components.copies(activity.component)
            if state is None:
                activity.status, activity.ended = "Failed", now
                activity.message = "The inference component no longer exists."
                self._pending.remove(activity)
            elif state[2] and state[1] == activity.desired:
                activity.status, activity.ended = "Successful", now
                activity.message = (
                    f"Successfully set desired copy count to {activity.desired}. Change "
                    "successfully fulfilled by sagemaker."
                )
                self._pending.remove(activity)

    def forget(self, component: str) -> None:
        """The component was deleted: its target and policies go with it."""
        self._drop_target(resource_id(component))

    def _alarm_action(self, arn: str, alarm_name: str, value: float | None) -> None:
        policy = self._policy_by_arn.get(arn)
        if policy is None:
            return
        target = self._targets.get(policy.resource_id)
        if target is None:
            return
        state = self.components.copies(target.component)
        if state is None or not state[2]:
            return  # gone, or already changing: the next evaluation tries again
        now = self._now
        current = state[0]
        cause = f"monitor alarm {alarm_name} in state ALARM triggered policy {policy.name}"
        if policy.policy_type == "TargetTrackingScaling":
            copies = tracking_copies(policy, target, alarm_name, value, current, now)
        else:
            alarm = self.cloudwatch.alarm(alarm_name)
            threshold = alarm.threshold if alarm is not None else 0.0
            copies = step_copies(policy, target, threshold, value, current, now)
        if copies is not None and self._scale(target, copies, now, cause=cause):
            record_scaling(policy, alarm_name, now)

    def _scale(self, target: Target, copies: int, now: float, *, cause: str) -> bool:
        activity = _Activity(
            activity_id=str(uuid.UUID(int=next(self._ids))),
            resource_id=target.resource_id,
            component=target.component,
            description=f"Setting desired copy count to {copies}.",
            cause=cause,
            started=now,
            desired=copies,
        )
        self._activities.append(activity)
        try:
            self.components.set_copies(target.component, copies)
        except ServiceFault as exc:
            activity.status, activity.ended = "Failed", now
            activity.message = (
                f"Failed to set desired copy count to {copies}. Reason: {exc.message}"
            )
            return False
        self._pending.append(activity)
        return True

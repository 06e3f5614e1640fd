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
Every description reads all its pages (Application Auto Scaling answers 10 policies a
page, CloudWatch 50 alarms), so a component with more than a page of either is seen whole.

This module holds the calls (they send and reconcile through a :class:`Sender`); the
names, requests, views and checks they use have no I/O and live in
``ic_sdk._autoscaling_plan`` (re-exported here), which ``ic-sdk validate`` imports
without asyncio or a client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, Literal, Protocol

from ic_sdk._adapters import base_of
from ic_sdk._autoscaling_plan import (
    ALARM_PERIOD_S,
    AUTOSCALING_RULES,
    COPY_DIMENSION,
    METRICS,
    NAMESPACE,
    RECENT_ACTIVITIES,
    TRACKING_POLICY,
    ZERO_COOLDOWN_S,
    ZERO_POLICY,
    Alarm,
    Autoscaling,
    Metric,
    ScalingActivity,
    ScalingPolicy,
    alarm_name,
    check,
    resource_id,
    scale_to_zero_problems,
    scope,
    tracking_policy,
    view,
    zero_alarm,
    zero_policy,
)
from ic_sdk.errors import MalformedResponse, ResourceNotFound, ServiceError, ValidationError
from ic_sdk.reconcile import matches
from ic_sdk.validation import Problem

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
    "Sender",
    "alarm_name",
    "autoscale",
    "autoscaling",
    "check",
    "remove_autoscaling",
    "resource_id",
    "scale_to_zero_problems",
]

logger = logging.getLogger("ic_sdk.autoscaling")

Service = Literal["sagemaker", "application-autoscaling", "cloudwatch"]

#: Application Auto Scaling's answer for a target or policy that is not there.
_NOT_FOUND: Final = "ObjectNotFoundException"


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


def _raise(problems: Sequence[Problem], operation: str) -> None:
    if problems:
        raise ValidationError(problems, operation=operation)


# -- calls ------------------------------------------------------------------------------


#: The most alarm names one ``DescribeAlarms`` or ``DeleteAlarms`` takes (botocore
#: ``cloudwatch``: ``AlarmNames`` max 100).
_ALARM_NAMES_MAX: Final = 100


async def _read_all(
    send: Sender,
    service: Service,
    method: str,
    wire: dict[str, Any],
    key: str,
    *,
    most: int | None = None,
) -> list[dict[str, Any]]:
    """The items under ``key`` on every page of the read ``method``: the request is sent
    again with each answer's ``NextToken`` until an answer has none (or ``most`` items
    were read). Each page is one ``send``, retried as every call is; a service that
    answers the same token twice raises :class:`~ic_sdk.errors.MalformedResponse` rather
    than loop forever."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    request = wire
    while True:
        answer = await send(service, method, request)
        items.extend(answer.get(key) or ())
        token = answer.get("NextToken")
        if not token or (most is not None and len(items) >= most):
            return items if most is None else items[:most]
        if token in seen:
            raise MalformedResponse(
                f"{method} answered the same NextToken twice", operation=method, retryable=False
            )
        seen.add(token)
        request = {**wire, "NextToken": token}


async def _target(send: Sender, name: str) -> dict[str, Any] | None:
    targets = await _read_all(
        send,
        "application-autoscaling",
        "describe_scalable_targets",
        {
            "ServiceNamespace": NAMESPACE,
            "ResourceIds": [resource_id(name)],
            "ScalableDimension": COPY_DIMENSION,
        },
        "ScalableTargets",
    )
    return targets[0] if targets else None


async def _policies(send: Sender, name: str) -> list[dict[str, Any]]:
    return await _read_all(
        send,
        "application-autoscaling",
        "describe_scaling_policies",
        {
            "ServiceNamespace": NAMESPACE,
            "ResourceId": resource_id(name),
            "ScalableDimension": COPY_DIMENSION,
        },
        "ScalingPolicies",
    )


def _batches(names: Sequence[str]) -> list[list[str]]:
    """``names`` in lists of at most :data:`_ALARM_NAMES_MAX`."""
    return [list(names[i : i + _ALARM_NAMES_MAX]) for i in range(0, len(names), _ALARM_NAMES_MAX)]


async def _alarms(send: Sender, names: Sequence[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for batch in _batches(names):
        found += await _read_all(
            send, "cloudwatch", "describe_alarms", {"AlarmNames": batch}, "MetricAlarms"
        )
    return found


async def _alarms_acting_on(send: Sender, arn: str) -> list[dict[str, Any]]:
    """The alarms with an action starting with ``arn`` (a policy's)."""
    return await _read_all(
        send, "cloudwatch", "describe_alarms", {"ActionPrefix": arn}, "MetricAlarms"
    )


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
    for batch in _batches(names):
        await _delete_alarm_batch(send, batch)


async def _delete_alarm_batch(send: Sender, names: list[str]) -> None:
    async def gone() -> dict[str, Any] | None:
        return None if await _alarms(send, names) else {}

    with contextlib.suppress(ResourceNotFound):  # already gone
        await send("cloudwatch", "delete_alarms", {"AlarmNames": names}, applied=gone)


async def _delete_policy(send: Sender, name: str, policy: str) -> None:
    async def gone() -> dict[str, Any] | None:
        return (
            None if any(p.get("PolicyName") == policy for p in await _policies(send, name)) else {}
        )

    try:
        await send(
            "application-autoscaling",
            "delete_scaling_policy",
            {**scope(name), "PolicyName": policy},
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

    register = {**scope(name), "MinCapacity": min_copies, "MaxCapacity": max_copies}

    async def registered() -> dict[str, Any] | None:
        shown = await _target(send, name)
        return shown if shown is not None and matches(register, shown) else None

    await send("application-autoscaling", "register_scalable_target", register, applied=registered)
    await _put_policy(
        send,
        name,
        tracking_policy(
            name,
            target=target,
            metric=metric,
            scale_in_cooldown_s=scale_in_cooldown_s,
            scale_out_cooldown_s=scale_out_cooldown_s,
        ),
    )
    if min_copies == 0:
        await _scale_from_zero(send, name)
    else:  # a previous scale-to-zero setup would be left behind
        await _delete_alarms(
            send, [a["AlarmName"] for a in await _alarms(send, [alarm_name(name)])]
        )
        await _delete_policy(send, name, ZERO_POLICY)
    shown = await autoscaling(send, name)
    assert shown is not None
    return shown


async def _scale_from_zero(send: Sender, name: str) -> None:
    arn = await _put_policy(send, name, zero_policy(name))
    alarm = zero_alarm(name, arn)

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
        _read_all(
            send,
            "application-autoscaling",
            "describe_scaling_activities",
            {**scope(name), "MaxResults": RECENT_ACTIVITIES},
            "ScalingActivities",
            most=RECENT_ACTIVITIES,
        ),
    )
    return view(name, target, policies, alarms, activities)


async def remove_autoscaling(send: Sender, name: str) -> bool:
    """Remove the scalable target, its policies (and their alarms) and the scale-from-zero
    alarm; ``True`` if there was anything to remove."""
    target, policies, alarms = await asyncio.gather(
        _target(send, name), _policies(send, name), _alarms(send, [alarm_name(name)])
    )
    # Alarms that invoke this component's policies would be left pointing at nothing.
    arns = {p["PolicyARN"] for p in policies if p.get("PolicyType") == "StepScaling"}
    owned = {a["AlarmName"] for a in alarms}
    for arn in sorted(arns):
        owned.update(a["AlarmName"] for a in await _alarms_acting_on(send, arn))
    if target is not None:

        async def gone() -> dict[str, Any] | None:
            return None if await _target(send, name) is not None else {}

        try:
            await send(
                "application-autoscaling", "deregister_scalable_target", scope(name), applied=gone
            )
        except ServiceError as exc:
            if exc.code != _NOT_FOUND:
                raise
    await _delete_alarms(send, sorted(owned))
    return target is not None or bool(owned)

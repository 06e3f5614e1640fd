"""Deployments of a new specification, batch by batch on the clock.

``UpdateInferenceComponent`` with a new ``Specification`` replaces the running copies.
With a ``DeploymentConfig.RollingUpdatePolicy`` each step provisions a batch of new
copies (``MaximumBatchSize``), bakes it for ``WaitIntervalInSeconds`` while the
``AutoRollbackConfiguration`` alarms are watched, then retires a batch of old copies.
Without one the service deploys blue/green: one step with every new copy beside every
old one. Both fleets hold capacity during a step. Describe shows the old specification
until the last step is done; an alarm in ``ALARM`` (or an injected update failure, or
``MaximumExecutionTimeoutInSeconds`` running out) rolls back, restoring old copies
``RollbackMaximumBatchSize`` at a time (all at once by default), and leaves
``FailureReason`` set. See the "How the service behaves" guide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ic_sdk.testing._resources import Component, Status, Wire, invalid

if TYPE_CHECKING:
    from ic_sdk.testing._state import EmulatorState

__all__ = ["Rollout", "batch_size", "plan", "start"]


@attrs.define(kw_only=True, eq=False)
class Rollout:
    """A deployment of a new specification in progress."""

    specification: Wire | None
    specifications: list[Wire] | None
    #: Copies of the old specification wanted before (restored by a rollback).
    previous: int
    #: Copies of the new specification wanted.
    target: int
    #: Copies of the old specification running.
    old_copies: int
    #: Copies of the new specification running.
    new_copies: int = 0
    batch: int
    rollback_batch: int
    wait: float
    alarms: list[str] = attrs.Factory(list)
    deadline: float | None = None
    timeout: int | None = None
    #: An injected failure: the deployment rolls back with this reason.
    failure: str | None = None

    @property
    def entries(self) -> list[Wire]:
        if self.specification is not None:
            return [self.specification]
        return list(self.specifications or ())


def batch_size(size: Wire | None, copies: int, *, rollback: bool) -> int:
    """Copies per step for an ``InferenceComponentCapacitySize`` over ``copies`` copies.

    Rolling batches must be 5-50% of the copy count (``CAPACITY_PERCENT`` 5 to 50; a
    ``COPY_COUNT`` of at most half the copies, and 1 always); a rollback batch may be up
    to 100% (its default). A percentage rounds down, to at least one copy.
    """
    copies = max(copies, 1)
    if not size:
        return copies  # rollback default: 100% at once
    kind, value = size.get("Type"), int(size.get("Value") or 0)
    field = "RollbackMaximumBatchSize" if rollback else "MaximumBatchSize"
    if kind == "CAPACITY_PERCENT":
        low, high = (1, 100) if rollback else (5, 50)
        if not low <= value <= high:
            raise invalid(
                f"RollingUpdatePolicy.{field} of {value}% is invalid: a "
                f"{'rollback' if rollback else 'rolling'} batch must be between {low}% and "
                f"{high}% of the copy count of the inference component."
            )
        return max(1, copies * value // 100)
    most = copies if rollback else max(1, copies // 2)
    if value > most:
        raise invalid(
            f"RollingUpdatePolicy.{field} of {value} copies is invalid: a "
            f"{'rollback batch' if rollback else 'rolling batch'} must be at most "
            f"{'the copy count' if rollback else '50% of the copy count'} of the inference "
            f"component ({most} of {copies} copies)."
        )
    return value


def plan(
    state: EmulatorState,
    component: Component,
    *,
    specification: Wire | None,
    specifications: list[Wire] | None,
    target: int,
    deployment: Wire | None,
) -> Rollout:
    """The deployment an update asks for (``ValidationException`` on a bad policy)."""
    policy: Wire = (deployment or {}).get("RollingUpdatePolicy") or {}
    alarms = [
        str(a.get("AlarmName"))
        for a in ((deployment or {}).get("AutoRollbackConfiguration") or {}).get("Alarms") or ()
        if a.get("AlarmName")
    ]
    if policy:
        batch = batch_size(policy.get("MaximumBatchSize"), target, rollback=False)
        wait = float(policy.get("WaitIntervalInSeconds") or 0)
        timeout = policy.get("MaximumExecutionTimeoutInSeconds")
    else:  # blue/green: every new copy at once
        batch, wait, timeout = max(target, 1), 0.0, None
    rollback_batch = batch_size(
        policy.get("RollbackMaximumBatchSize"), component.desired, rollback=True
    )
    return Rollout(
        specification=specification,
        specifications=specifications,
        previous=component.desired,
        target=target,
        old_copies=component.current,
        batch=batch,
        rollback_batch=rollback_batch,
        wait=wait,
        alarms=alarms,
        deadline=state.timeline.now() + int(timeout) if timeout else None,
        timeout=int(timeout) if timeout else None,
    )


def start(state: EmulatorState, component: Component, rollout: Rollout) -> None:
    """Begin ``rollout``: the component is ``Updating`` until its last step is done."""
    component.rollout = rollout
    component.status = Status.UPDATING
    component.modified = state.wall()
    _provision(state, component, rollout)


def _provision(state: EmulatorState, component: Component, rollout: Rollout) -> None:
    rollout.new_copies += min(rollout.batch, max(rollout.target - rollout.new_copies, 0))
    state.later(
        state.delays.component_update,
        component,
        lambda: state.later(rollout.wait, component, lambda: _retire(state, component, rollout)),
    )


def _why_roll_back(state: EmulatorState, rollout: Rollout) -> str | None:
    if rollout.failure is not None:
        return rollout.failure
    firing = state.alarms.firing(state.account_id, state.region, rollout.alarms)
    if firing:
        return (
            "The deployment was rolled back because CloudWatch alarm(s) "
            f"{', '.join(firing)} went into ALARM state."
        )
    if rollout.deadline is not None and state.timeline.now() > rollout.deadline:
        return (
            "The deployment was rolled back because it exceeded "
            f"MaximumExecutionTimeoutInSeconds ({rollout.timeout} seconds)."
        )
    return None


def _retire(state: EmulatorState, component: Component, rollout: Rollout) -> None:
    reason = _why_roll_back(state, rollout)
    if reason is not None:
        component.failure_reason = reason
        _restore(state, component, rollout)
        return
    if rollout.new_copies >= rollout.target:
        rollout.old_copies = 0
    else:
        rollout.old_copies -= min(rollout.batch, rollout.old_copies)
    if rollout.old_copies or rollout.new_copies < rollout.target:
        _provision(state, component, rollout)
        return
    component.specification = rollout.specification
    component.specifications = rollout.specifications
    component.desired = component.current = rollout.target
    _done(state, component)


def _restore(state: EmulatorState, component: Component, rollout: Rollout) -> None:
    """One rollback step: bring back old copies, then retire as many new ones."""
    step = rollout.rollback_batch
    rollout.old_copies += min(step, max(rollout.previous - rollout.old_copies, 0))

    def retire() -> None:
        if rollout.old_copies >= rollout.previous:
            rollout.new_copies = 0
        else:
            rollout.new_copies -= min(step, rollout.new_copies)
        if rollout.new_copies:
            _restore(state, component, rollout)
            return
        component.desired = rollout.previous
        component.current = rollout.old_copies
        _done(state, component)

    state.later(state.delays.component_update, component, retire)


def _done(state: EmulatorState, component: Component) -> None:
    component.rollout = None
    component.status = Status.IN_SERVICE
    component.modified = state.wall()

"""Autoscaling, run on the emulator's clock: CloudWatch + Application Auto Scaling +
SageMaker's metrics, tied to the SageMaker state through a few hooks.

Every 10 seconds of emulator time (an event in the state's queue, so it interleaves
exactly with copies being added and removed) the simulation publishes the components'
metrics for the window just closed, evaluates the alarms whose period ends then (their
actions run the scaling policies) and settles finished scaling activities. The chain of
ticks starts with the first autoscaling, CloudWatch or runtime request.

The hook the rest of the emulator calls: :meth:`Simulation.observe` around every
invocation (served ones count, refused ones for want of a copy count as
``NoCapacityInvocationFailures``). Rolling updates see CloudWatch's alarm states through
:meth:`Simulations.alarm_state` (installed as the ``AlarmStates`` source), and
:meth:`Simulation.add_alarm_listener` tells about every state change.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from ic_sdk.testing._autoscaling import ApplicationAutoScaling
from ic_sdk.testing._cloudwatch import RESOLUTION, AlarmListener, CloudWatch
from ic_sdk.testing._cloudwatch_emitter import ComponentMetrics
from ic_sdk.testing._resources import NO_CAPACITY_MESSAGE, ServiceFault, Status

if TYPE_CHECKING:
    from ic_sdk.testing._state import Accounts, EmulatorState

__all__ = ["SimulatedTraffic", "Simulation", "Simulations", "jsonable"]

_T = TypeVar("_T")

_TICK: Final = RESOLUTION


@attrs.frozen
class SimulatedTraffic:
    """What :meth:`Simulation.traffic` did: requests served and refused for want of a copy."""

    served: int
    refused: int


def jsonable(value: Any) -> Any:
    """``value`` with every ``datetime`` as epoch seconds (JSON protocols' timestamps)."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def component_copies(state: EmulatorState, name: str) -> tuple[int, int, bool] | None:
    """``(desired, current, in_service)`` of base component ``name``; ``None`` if absent."""
    component = state.components.get(name.lower())
    if component is None or component.base is not None:
        return None
    return component.desired, component.current, component.status is Status.IN_SERVICE


class _Components:
    """The SageMaker side, as :class:`~ic_sdk.testing._autoscaling.Components` needs it."""

    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    def copies(self, name: str) -> tuple[int, int, bool] | None:
        return component_copies(self._state, name)

    def set_copies(self, name: str, copies: int) -> None:
        self._state.call(
            "UpdateInferenceComponentRuntimeConfig",
            {"InferenceComponentName": name, "DesiredRuntimeConfig": {"CopyCount": copies}},
        )

    def scale_to_zero_problem(self, name: str) -> str | None:
        component = self._state.component(name)
        endpoint = component.endpoint
        where = f"endpoint {endpoint.name}"
        if endpoint.status is not Status.IN_SERVICE:
            return (
                f"Cannot scale inference component {name} to zero: {where} is "
                f"{endpoint.status}, not InService."
            )
        variant = endpoint.config.variant(component.variant) or {}
        scaling = variant.get("ManagedInstanceScaling") or {}
        if scaling.get("Status") != "ENABLED" or scaling.get("MinInstanceCount") != 0:
            return (
                f"Cannot scale inference component {name} to zero: variant "
                f"{component.variant} of {where} needs ManagedInstanceScaling with "
                "Status ENABLED and MinInstanceCount 0."
            )
        return None


class Simulation:
    """CloudWatch and Application Auto Scaling for one :class:`EmulatorState`."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.cloudwatch = CloudWatch(
            region=state.region,
            account_id=state.account_id,
            epoch=state.timeline.wall() - state.timeline.now(),
        )
        self._components = _Components(state)
        self.metrics = ComponentMetrics(self.cloudwatch, self._current_copies)
        self.autoscaling = ApplicationAutoScaling(
            cloudwatch=self.cloudwatch,
            components=self._components,
            region=state.region,
            account_id=state.account_id,
            on_watch=self.metrics.watch,
        )
        self._running = False

    # -- the clock -------------------------------------------------------------------

    def start(self) -> None:
        """Start the 10-second ticks (idempotent)."""
        if self._running:
            return
        self._running = True
        first = (math.floor(self.state.timeline.now() / _TICK) + 1) * _TICK
        self.state.timeline.at(first, lambda: self._tick(first))

    def _tick(self, at: float) -> None:
        self.metrics.publish(at)
        self.autoscaling.tick(at)
        self.cloudwatch.evaluate(at)
        self.state.timeline.at(at + _TICK, lambda: self._tick(at + _TICK))

    def _current_copies(self, name: str) -> int | None:
        state = component_copies(self.state, name)
        return None if state is None else state[1]

    # -- requests -------------------------------------------------------------------

    def call(self, service: str, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """Run an ``application-autoscaling`` or ``cloudwatch`` operation."""
        self.start()
        self.state.settle()
        operations = (
            self.autoscaling.operations if service == "autoscaling" else self.cloudwatch.operations
        )
        handler = operations.get(operation)
        if handler is None:
            raise ServiceFault("UnknownOperationException", f"Unknown operation {operation}.")
        return handler(body, self.state.timeline.now())

    # -- runtime hooks -----------------------------------------------------------------

    async def observe(self, component: str | None, invocation: Callable[[], Awaitable[_T]]) -> _T:
        """Run ``invocation`` of ``component`` (its IC header; ``None`` for endpoints that
        host models), counting it in the component's metrics."""
        if not component:
            return await invocation()
        self.start()
        runner = self._runner(component)
        self.metrics.enter(runner)
        served = False
        try:
            answer = await invocation()
            served = True
            return answer
        except ServiceFault as exc:
            if exc.message == NO_CAPACITY_MESSAGE:
                self.metrics.no_capacity(runner, self.state.timeline.now())
            served = exc.code == "ModelError"  # the model was invoked, and failed
            raise
        finally:
            self.metrics.leave(runner, copies=self._current_copies(runner) if served else None)

    def _runner(self, component: str) -> str:
        """The component whose copies serve ``component`` (its base, for an adapter)."""
        found = self.state.components.get(component.lower())
        if found is None:
            return component
        return (found.base or found).name

    def add_alarm_listener(self, listener: AlarmListener) -> None:
        self.cloudwatch.add_listener(listener)

    # -- simulated load -------------------------------------------------------------------

    def traffic(
        self, component: str, requests: int, *, concurrency: float | None = None
    ) -> SimulatedTraffic:
        """``requests`` invocations of ``component`` now, without HTTP or handlers.

        They count exactly as served invocations do (or, with no copy, as refused ones
        with the runtime's no-capacity error). ``concurrency`` is how many are in flight at
        once (default: all of them at once, at most one per request).
        """
        self.start()
        self.state.settle()
        state = component_copies(self.state, component)
        if state is None:
            raise ServiceFault("ValidationError", f"Inference Component {component} not found.")
        current = state[1]
        if requests <= 0:
            return SimulatedTraffic(0, 0)
        if current == 0:
            self.metrics.no_capacity(component, self.state.timeline.now(), requests)
            return SimulatedTraffic(0, requests)
        self.metrics.invocations(
            component, current, requests, float(requests if concurrency is None else concurrency)
        )
        return SimulatedTraffic(requests, 0)


class Simulations:
    """One :class:`Simulation` per account and region of :class:`Accounts`, made on first use."""

    def __init__(self, accounts: Accounts) -> None:
        self._accounts = accounts
        self._simulations: dict[tuple[str, str], Simulation] = {}
        self._listeners: list[AlarmListener] = []

    def of(self, account_id: str | None = None, region: str | None = None) -> Simulation:
        state = self._accounts.state(account_id, region)
        key = (state.account_id, state.region)
        simulation = self._simulations.get(key)
        if simulation is None:
            simulation = self._simulations[key] = Simulation(state)
            for listener in self._listeners:
                simulation.add_alarm_listener(listener)
        return simulation

    def add_alarm_listener(self, listener: AlarmListener) -> None:
        """``listener(alarm_name, old, new)`` for alarms of every account and region."""
        self._listeners.append(listener)
        for simulation in self._simulations.values():
            simulation.add_alarm_listener(listener)

    def alarm_state(self, account_id: str, region: str, name: str) -> str | None:
        """The state of CloudWatch alarm ``name`` (an ``AlarmStates`` source)."""
        simulation = self._simulations.get((account_id, region))
        alarm = simulation.cloudwatch.alarm(name) if simulation is not None else None
        return alarm.state if alarm is not None else None

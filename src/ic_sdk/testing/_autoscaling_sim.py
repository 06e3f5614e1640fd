"""Autoscaling, run on the emulator's clock: CloudWatch + Application Auto Scaling +
SageMaker's metrics, tied to the SageMaker state through a few hooks.

Every 10 seconds of emulator time (an event in the state's queue, so it interleaves
exactly with copies being added and removed) the simulation publishes the components'
metrics for the window just closed, evaluates the alarms whose period ends then (their
actions run the scaling policies) and settles finished scaling activities. The chain of
ticks starts with the first autoscaling, CloudWatch or runtime request.

The hooks the rest of the emulator calls: :meth:`invocation_started` /
:meth:`invocation_finished` around every served invocation, :meth:`no_capacity` when an
invocation finds no copy. :meth:`add_alarm_listener` lets other features react to
alarms (rolling updates roll back when one of their alarms goes to ``ALARM``).
"""

from __future__ import annotations

import math
import time
from typing import Any, Final

import attrs

from ic_sdk.testing._autoscaling import ApplicationAutoScaling
from ic_sdk.testing._cloudwatch import RESOLUTION, AlarmListener, CloudWatch
from ic_sdk.testing._cloudwatch_emitter import ComponentMetrics
from ic_sdk.testing._state import EmulatorState, ServiceFault

__all__ = ["SimulatedTraffic", "Simulation"]

_TICK: Final = RESOLUTION


@attrs.frozen
class SimulatedTraffic:
    """What :meth:`Simulation.traffic` did: requests served and refused for want of a copy."""

    served: int
    refused: int


class _Components:
    """The SageMaker side, as :class:`~ic_sdk.testing._autoscaling.Components` needs it."""

    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    def copies(self, name: str) -> tuple[int, int, bool] | None:
        return self._state.component_copies(name)

    def set_copies(self, name: str, copies: int) -> None:
        self._state.call(
            "UpdateInferenceComponentRuntimeConfig",
            {"InferenceComponentName": name, "DesiredRuntimeConfig": {"CopyCount": copies}},
        )

    def scale_to_zero_problem(self, name: str) -> str | None:
        component = self._state.call("DescribeInferenceComponent", {"InferenceComponentName": name})
        endpoint = self._state.call("DescribeEndpoint", {"EndpointName": component["EndpointName"]})
        where = f"endpoint {endpoint['EndpointName']}"
        if endpoint.get("EndpointStatus") != "InService":
            return (
                f"Cannot scale inference component {name} to zero: {where} is "
                f"{endpoint.get('EndpointStatus')}, not InService."
            )
        config = self._state.call(
            "DescribeEndpointConfig", {"EndpointConfigName": endpoint["EndpointConfigName"]}
        )
        variant: dict[str, Any] = next(
            (
                v
                for v in config.get("ProductionVariants") or []
                if v.get("VariantName") == component["VariantName"]
            ),
            {},
        )
        scaling = variant.get("ManagedInstanceScaling") or {}
        if scaling.get("Status") != "ENABLED" or scaling.get("MinInstanceCount") != 0:
            return (
                f"Cannot scale inference component {name} to zero: variant "
                f"{component['VariantName']} of {where} needs ManagedInstanceScaling with "
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
            epoch=time.time() - state.clock.now(),
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
        first = (math.floor(self.state.now() / _TICK) + 1) * _TICK
        self.state.schedule(first, lambda: self._tick(first))

    def _tick(self, at: float) -> None:
        self.metrics.publish(at)
        self.autoscaling.tick(at)
        self.cloudwatch.evaluate(at)
        self.state.schedule(at + _TICK, lambda: self._tick(at + _TICK))

    def _current_copies(self, name: str) -> int | None:
        state = self.state.component_copies(name)
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
        return handler(body, self.state.now())

    # -- runtime hooks -----------------------------------------------------------------

    def invocation_started(self, component: str) -> None:
        self.start()
        copies = self._current_copies(component)
        if copies:
            self.metrics.started(component, copies)

    def invocation_finished(self, component: str) -> None:
        self.metrics.finished(component)

    def no_capacity(self, component: str) -> None:
        self.start()
        self.metrics.no_capacity(component, self.state.now())

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
        state = self.state.component_copies(component)
        if state is None:
            raise ServiceFault("ValidationError", f"Inference Component {component} not found.")
        current = state[1]
        if requests <= 0:
            return SimulatedTraffic(0, 0)
        if current == 0:
            self.metrics.no_capacity(component, self.state.now(), requests)
            return SimulatedTraffic(0, requests)
        self.metrics.invocations(
            component, current, requests, float(requests if concurrency is None else concurrency)
        )
        return SimulatedTraffic(requests, 0)

"""What SageMaker publishes to CloudWatch about inference components (``AWS/SageMaker``).

Per component (dimension ``InferenceComponentName``), from the invocations the emulator
really served (or :meth:`ComponentMetrics.invocations` for simulated bulk load):

- ``Invocations``: requests answered (``Sum`` per period);
- ``InvocationsPerCopy``: each request counts ``1 / copies`` at the time it is served, as
  SageMaker documents for its per-instance metric ("1/numberOfInstances is sent as the
  value on each request", ``ScalingPolicyMetric`` in the SageMaker API reference), so the
  ``Sum`` over a minute is invocations per copy per minute; a component with copies and
  no traffic publishes 0, a component with no copies publishes nothing;
- ``ConcurrentRequestsPerCopy``: high resolution (every 10 seconds), the most requests in
  flight during the window divided by the copies;
- ``NoCapacityInvocationFailures``: one per request refused because the component had no
  copy to serve it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs

from ic_sdk.testing._cloudwatch import RESOLUTION, CloudWatch, MetricKey

__all__ = ["NAMESPACE", "ComponentMetrics", "metric_key"]

NAMESPACE: Final = "AWS/SageMaker"
DIMENSION: Final = "InferenceComponentName"


def metric_key(component: str, metric: str) -> MetricKey:
    return (NAMESPACE, metric, ((DIMENSION, component),))


@attrs.define(eq=False)
class _Window:
    """Traffic of one component in the current 10-second window."""

    invocations: int = 0
    per_copy: float = 0.0
    in_flight: int = 0
    peak: float = 0.0


class ComponentMetrics:
    """Accumulates traffic per component and publishes it every 10 seconds.

    ``copies(name)`` answers a component's current copy count (``None`` once it is gone).
    """

    def __init__(self, cloudwatch: CloudWatch, copies: Callable[[str], int | None]) -> None:
        self._cloudwatch = cloudwatch
        self._copies = copies
        self._windows: dict[str, _Window] = {}

    def _window(self, component: str) -> _Window:
        window = self._windows.get(component)
        if window is None:
            window = self._windows[component] = _Window()
        return window

    def watch(self, component: str) -> None:
        """Publish this component's metrics from now on, traffic or not."""
        self._window(component)

    def enter(self, component: str) -> None:
        """A request for ``component`` arrived (it is in flight until :meth:`leave`)."""
        window = self._window(component)
        window.in_flight += 1
        window.peak = max(window.peak, window.in_flight)

    def leave(self, component: str, *, copies: int | None) -> None:
        """The request ended; ``copies`` served it (``None``: it was not served)."""
        window = self._window(component)
        window.in_flight = max(0, window.in_flight - 1)
        if copies:
            window.invocations += 1
            window.per_copy += 1.0 / copies

    def invocations(self, component: str, copies: int, count: int, concurrency: float) -> None:
        """``count`` simulated requests served by ``copies`` copies, ``concurrency`` at once."""
        window = self._window(component)
        window.invocations += count
        window.per_copy += count / copies
        window.peak = max(window.peak, concurrency)

    def no_capacity(self, component: str, at: float, count: int = 1) -> None:
        """``count`` requests refused for want of a copy."""
        self._cloudwatch.record(
            metric_key(component, "NoCapacityInvocationFailures"), at, 1.0, count=count
        )

    def forget(self, component: str) -> None:
        self._windows.pop(component, None)

    def publish(self, now: float) -> None:
        """Publish the window that ends at ``now`` for every known component."""
        at = now - RESOLUTION  # the data points belong to the window just closed
        record = self._cloudwatch.record
        for component, window in list(self._windows.items()):
            copies = self._copies(component)
            if copies is None:
                del self._windows[component]
                continue
            if window.invocations:
                record(metric_key(component, "Invocations"), at, 1.0, count=window.invocations)
            if copies > 0:
                record(
                    metric_key(component, "InvocationsPerCopy"),
                    at,
                    window.per_copy,
                    count=max(1, window.invocations),
                    total=window.per_copy,
                )
                record(
                    metric_key(component, "ConcurrentRequestsPerCopy"),
                    at,
                    max(window.peak, window.in_flight) / copies,
                )
            window.invocations, window.per_copy = 0, 0.0
            window.peak = float(window.in_flight)

"""Time in the emulator: every state change is an event scheduled on the injected clock.

"InService at t+0.5": events are applied lazily, at the start of every request, for
whatever time the clock shows then, so a test with ``FakeClock`` sees components change
state exactly when its waiter's sleeps move the clock.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from typing import Protocol

import attrs

from ic_sdk.clock import Clock

__all__ = ["Delays", "Timeline"]


@attrs.frozen(kw_only=True)
class Delays:
    """How long each state change takes, in seconds of the emulator's clock."""

    endpoint_create: float = 0.5
    endpoint_delete: float = 0.3
    endpoint_update: float = 0.5
    component_create: float = 0.5
    component_update: float = 0.4
    component_delete: float = 0.3

    @classmethod
    def uniform(cls, seconds: float) -> Delays:
        """Every change takes ``seconds``."""
        return cls(
            endpoint_create=seconds,
            endpoint_delete=seconds,
            endpoint_update=seconds,
            component_create=seconds,
            component_update=seconds,
            component_delete=seconds,
        )


class _Versioned(Protocol):
    generation: int


@attrs.frozen(order=True)
class _Event:
    at: float
    seq: int
    action: Callable[[], None] = attrs.field(order=False)


class Timeline:
    """Pending state changes, in the order the clock reaches them."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._epoch = time.time() - clock.now()
        self._events: list[_Event] = []
        self._seq = itertools.count()
        self._at: float | None = None

    def now(self) -> float:
        """The clock's time, or, while a change is applied, the time it was due: what it
        schedules next counts from then, however far the clock has moved past it."""
        return self._at if self._at is not None else self.clock.now()

    def settle(self) -> None:
        """Apply every state change whose time has come, in order."""
        if self._at is not None:
            return  # a change being applied called an operation: no re-entry
        now = self.clock.now()
        try:
            while self._events and self._events[0].at <= now:
                event = heapq.heappop(self._events)
                self._at = event.at
                event.action()
        finally:
            self._at = None

    def later(self, delay: float, resource: _Versioned, action: Callable[[], None]) -> None:
        """Run ``action`` after ``delay``, unless ``resource`` moved on (its generation changed)."""
        generation = resource.generation

        def run() -> None:
            if resource.generation == generation:
                action()

        heapq.heappush(self._events, _Event(self.now() + delay, next(self._seq), run))

    def at(self, when: float, action: Callable[[], None]) -> None:
        """Run ``action`` at clock time ``when``, in order with every other change."""
        heapq.heappush(self._events, _Event(when, next(self._seq), action))

    def wall(self) -> float:
        """Wall-clock epoch seconds for the clock's now (timestamps on the wire)."""
        return round(self._epoch + self.now(), 3)

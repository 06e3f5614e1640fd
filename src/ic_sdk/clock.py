"""Time, injectable.

Everything in ic_sdk that waits (waiters, backoff, the emulator's state changes) asks a
:class:`Clock` for the time and for sleeps, so tests can run minutes of simulated time
in milliseconds with :class:`FakeClock`.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FakeClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """A source of monotonic time and of sleeps."""

    def now(self) -> float:
        """Seconds on a monotonic scale (only differences are meaningful)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Suspend the calling task for ``seconds`` of this clock's time."""
        ...


class SystemClock:
    """Real time: :func:`time.monotonic` and :func:`asyncio.sleep`."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"


class FakeClock:
    """Virtual time for tests.

    With ``auto_advance=True`` (the default) a ``sleep`` moves time forward at once to
    the sleeper's wake-up time (after yielding to the event loop once), so a ten-minute
    wait finishes in milliseconds while every other reader of the clock sees time pass.
    With ``auto_advance=False`` sleepers wake only when a test calls :meth:`advance`.
    """

    def __init__(self, start: float = 0.0, *, auto_advance: bool = True) -> None:
        self._now = float(start)
        self.auto_advance = auto_advance
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        #: Every sleep requested, in order (for asserting backoff schedules).
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward and wake every sleeper whose time has come."""
        if seconds < 0:
            raise ValueError("time cannot go backwards")
        self._now += seconds
        self._wake()

    def _wake(self) -> None:
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _, _, fut = heapq.heappop(self._sleepers)
            if not fut.done():
                fut.set_result(None)

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, float(seconds))
        self.sleeps.append(seconds)
        if self.auto_advance:
            await asyncio.sleep(0)
            self._now = max(self._now, self._now + seconds)
            self._wake()
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._seq), fut))
        await fut

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now!r}, auto_advance={self.auto_advance!r})"

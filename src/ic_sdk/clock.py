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

    With ``auto_advance=True`` (the default) time jumps forward by itself as soon as
    every task that is about to sleep has done so: concurrent sleeps overlap as they would
    in real time (``gather`` of five ``sleep(10)`` ends at +10 s, not +50 s), and a
    ten-minute wait finishes in milliseconds while every other reader of the clock sees
    time pass. The jump happens a few event-loop turns after the last sleep started, to
    the earliest wake-up time; then the woken tasks run before time moves again.
    With ``auto_advance=False`` sleepers wake only when a test calls :meth:`advance`.
    """

    #: Event-loop turns to let other ready tasks reach their own sleep before time jumps.
    SETTLE_TURNS = 3

    def __init__(self, start: float = 0.0, *, auto_advance: bool = True) -> None:
        self._now = float(start)
        self.auto_advance = auto_advance
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._jump_pending = False
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

    def _schedule_jump(self, loop: asyncio.AbstractEventLoop, turns: int) -> None:
        if turns > 0:
            loop.call_soon(self._schedule_jump, loop, turns - 1)
            return
        self._jump_pending = False
        if not self.auto_advance:
            return
        # Sleepers that were cancelled must not pull time forward.
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        if not self._sleepers:
            return
        self._now = max(self._now, self._sleepers[0][0])
        self._wake()
        if self._sleepers:
            self._jump_pending = True
            loop.call_soon(self._schedule_jump, loop, self.SETTLE_TURNS)

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, float(seconds))
        self.sleeps.append(seconds)
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._seq), fut))
        if self.auto_advance and not self._jump_pending:
            self._jump_pending = True
            loop.call_soon(self._schedule_jump, loop, self.SETTLE_TURNS)
        await fut

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now!r}, auto_advance={self.auto_advance!r})"

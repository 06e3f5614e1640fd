"""FakeClock: virtual time where concurrent sleeps overlap, as real ones do."""

from __future__ import annotations

import asyncio

import pytest

from ic_sdk.clock import FakeClock


async def test_concurrent_sleeps_overlap() -> None:
    clock = FakeClock()
    await asyncio.gather(*(clock.sleep(10) for _ in range(5)))
    assert clock.now() == 10.0
    assert clock.sleeps == [10.0] * 5


async def test_sleepers_wake_in_order_at_their_own_time() -> None:
    clock = FakeClock(start=100.0)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    await asyncio.gather(sleeper("c", 30), sleeper("a", 10), sleeper("b", 20))
    assert woke == [("a", 110.0), ("b", 120.0), ("c", 130.0)]


async def test_chained_sleeps_add_up_within_a_task() -> None:
    clock = FakeClock()

    async def chain() -> float:
        for _ in range(3):
            await clock.sleep(5)
        return clock.now()

    ends = await asyncio.gather(chain(), chain())
    assert ends == [15.0, 15.0]


async def test_a_cancelled_sleep_does_not_move_time() -> None:
    clock = FakeClock()
    long = asyncio.ensure_future(clock.sleep(1000))
    await asyncio.sleep(0)
    long.cancel()
    await clock.sleep(1)
    assert clock.now() == 1.0
    with pytest.raises(asyncio.CancelledError):
        await long


async def test_manual_mode_waits_for_advance() -> None:
    clock = FakeClock(auto_advance=False)
    task = asyncio.ensure_future(clock.sleep(10))
    for _ in range(10):
        await asyncio.sleep(0)
    assert not task.done()
    clock.advance(9)
    await asyncio.sleep(0)
    assert not task.done()
    clock.advance(1)
    await task
    assert clock.now() == 10.0
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)

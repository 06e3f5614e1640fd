"""ic_sdk.testing exports exactly its public names, sorted."""

from __future__ import annotations

import ic_sdk.testing


def test_all_is_sorted_and_complete() -> None:
    exported = ic_sdk.testing.__all__
    assert exported == sorted(exported)
    public = {
        name
        for name, value in vars(ic_sdk.testing).items()
        if not name.startswith("_")
        and getattr(value, "__module__", "").startswith("ic_sdk.testing")
    }
    assert public <= set(exported)
    for name in exported:
        assert hasattr(ic_sdk.testing, name)


def test_fake_clock_is_the_one_of_ic_sdk_clock() -> None:
    from ic_sdk.clock import FakeClock

    assert ic_sdk.testing.FakeClock is FakeClock

"""CloudWatch alarm states as the emulator's rolling updates see them.

A rolling update watches the alarms of its ``AutoRollbackConfiguration`` during each
batch's baking period and rolls back when one is in ``ALARM``. Where the state comes
from is pluggable: set it directly (a fault: ``sm.alarms.set_state("p99", "ALARM")``), or
install a :attr:`AlarmStates.source` (the emulated CloudWatch), which is asked first.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["AlarmSource", "AlarmStates"]

#: ``(account_id, region, alarm_name) -> "OK" | "ALARM" | "INSUFFICIENT_DATA" | None``.
AlarmSource = Callable[[str, str, str], str | None]


class AlarmStates:
    """Alarm states by name: set ones, and an optional source asked first."""

    def __init__(self) -> None:
        self._states: dict[str, str] = {}
        #: Asked first for an alarm's state; ``None`` from it falls back to set states.
        self.source: AlarmSource | None = None

    def set_state(self, name: str, state: str = "ALARM") -> None:
        """Put alarm ``name`` (in every account and region) in ``state``."""
        if state not in ("OK", "ALARM", "INSUFFICIENT_DATA"):
            raise ValueError(f"alarm state must be OK, ALARM or INSUFFICIENT_DATA, not {state!r}")
        self._states[name] = state

    def clear(self) -> None:
        """Forget every state set with :meth:`set_state`."""
        self._states.clear()

    def state_of(self, account_id: str, region: str, name: str) -> str | None:
        """The state of alarm ``name``, or ``None`` if nobody knows it."""
        if self.source is not None:
            state = self.source(account_id, region, name)
            if state is not None:
                return state
        return self._states.get(name)

    def firing(self, account_id: str, region: str, names: list[str]) -> list[str]:
        """Which of ``names`` are in ``ALARM``."""
        return [n for n in names if self.state_of(account_id, region, n) == "ALARM"]

"""Fault injection: make the emulator misbehave the way the real service (or network) does.

```
sm.faults.throttle(times=2)                          # next 2 calls: ThrottlingException
sm.faults.throttle(rate=0.3, operations="DescribeInferenceComponent")
sm.faults.server_error(status=503)                   # next call: 503 ServiceUnavailable
sm.faults.latency(0.5, operations=["InvokeEndpoint"])
sm.faults.drop_connection()                          # next call: connection closed, no answer
sm.faults.lose_answers("CreateInferenceComponent", rate=0.1)  # applied, then hung up
sm.faults.malformed_answers(b"<html>...</html>", operations="DescribeInferenceComponent")
sm.faults.fail_next_create("my-ic", reason="CapacityError: ...")
sm.faults.fail_next_update("my-ic", reason="...")    # update rolls back, FailureReason stays
```

A rule applies to the operations it names (all operations by default), fires on its next
``times`` matching calls (``None``: every call until removed), and with ``rate`` fires
on that fraction of matching calls, drawn from a seeded generator so runs repeat.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterable

import attrs

__all__ = ["FaultKind", "FaultPlan", "FaultRule", "Faults"]


class FaultKind(enum.Enum):
    LATENCY = "latency"
    DROP_CONNECTION = "drop_connection"
    SERVER_ERROR = "server_error"
    THROTTLE = "throttle"
    LOSE_ANSWER = "lose_answer"
    MALFORMED = "malformed"


@attrs.define(kw_only=True, eq=False)
class FaultRule:
    """One injected fault; :meth:`remove` takes it back."""

    kind: FaultKind
    operations: frozenset[str] | None
    times: int | None
    rate: float | None
    status: int = 0
    seconds: float = 0.0
    body: bytes = b""
    fired: int = 0
    _owner: Faults | None = attrs.field(default=None, repr=False, alias="owner")

    def matches(self, operation: str) -> bool:
        return self.operations is None or operation in self.operations

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def remove(self) -> None:
        if self._owner is not None:
            self._owner._discard(self)


@attrs.frozen
class FaultPlan:
    """What the faults decided for one call: added latency, then at most one outcome."""

    latency: float = 0.0
    outcome: FaultRule | None = None


class Faults:
    """The fault rules of one emulator."""

    def __init__(self, *, seed: int = 0) -> None:
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)
        self._create_failures: dict[str, str] = {}
        self._update_failures: dict[str, str] = {}

    # -- injecting -------------------------------------------------------------------

    def throttle(
        self,
        *,
        times: int | None = 1,
        rate: float | None = None,
        operations: str | Iterable[str] | None = None,
    ) -> FaultRule:
        """Answer ``ThrottlingException: Rate exceeded`` (HTTP 400), as the service does."""
        return self._add(FaultKind.THROTTLE, times=times, rate=rate, operations=operations)

    def server_error(
        self,
        *,
        status: int = 500,
        times: int | None = 1,
        rate: float | None = None,
        operations: str | Iterable[str] | None = None,
    ) -> FaultRule:
        """Answer a 5xx: 500 ``InternalFailure``, 503 ``ServiceUnavailable``, others bare."""
        if not 500 <= status <= 599:
            raise ValueError(f"status must be 5xx, not {status}")
        return self._add(
            FaultKind.SERVER_ERROR, times=times, rate=rate, operations=operations, status=status
        )

    def latency(
        self,
        seconds: float,
        *,
        times: int | None = None,
        rate: float | None = None,
        operations: str | Iterable[str] | None = None,
    ) -> FaultRule:
        """Delay answers by ``seconds`` of the emulator's clock."""
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        return self._add(
            FaultKind.LATENCY, times=times, rate=rate, operations=operations, seconds=seconds
        )

    def drop_connection(
        self,
        *,
        times: int | None = 1,
        rate: float | None = None,
        operations: str | Iterable[str] | None = None,
    ) -> FaultRule:
        """Close the connection without answering (the request is not processed)."""
        return self._add(FaultKind.DROP_CONNECTION, times=times, rate=rate, operations=operations)

    def lose_answers(
        self,
        operations: str | Iterable[str] | None = None,
        *,
        times: int | None = 1,
        rate: float | None = None,
    ) -> FaultRule:
        """Apply the request, then close the connection without answering.

        The caller sees a dropped connection although the service did what was asked:
        the "lost answer" that makes a retried create meet its own component.
        """
        return self._add(FaultKind.LOSE_ANSWER, times=times, rate=rate, operations=operations)

    def malformed_answers(
        self,
        body: bytes,
        *,
        status: int = 200,
        times: int | None = 1,
        rate: float | None = None,
        operations: str | Iterable[str] | None = None,
    ) -> FaultRule:
        """Answer ``body`` verbatim with ``status`` instead of processing the request (an
        HTML page, truncated JSON, a status that is an object...)."""
        return self._add(
            FaultKind.MALFORMED,
            times=times,
            rate=rate,
            operations=operations,
            status=status,
            body=body,
        )

    def fail_next_create(self, name: str, *, reason: str) -> None:
        """The next create of inference component or endpoint ``name`` ends ``Failed``."""
        self._create_failures[name.lower()] = reason

    def fail_next_update(self, name: str, *, reason: str) -> None:
        """The next update of component or endpoint ``name`` rolls back: ``InService`` with
        ``FailureReason`` (an endpoint keeps its previous config, or instance counts)."""
        self._update_failures[name.lower()] = reason

    def clear(self) -> None:
        """Remove every rule and pending failure."""
        self._rules.clear()
        self._create_failures.clear()
        self._update_failures.clear()

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        return tuple(self._rules)

    # -- used by the emulator ----------------------------------------------------------

    def plan(self, operation: str) -> FaultPlan:
        """Decide the faults of one call of ``operation`` (consumes ``times``)."""
        latency = 0.0
        outcome: FaultRule | None = None
        for rule in list(self._rules):
            if not rule.matches(operation):
                continue
            if rule.kind is not FaultKind.LATENCY and outcome is not None:
                continue
            if rule.rate is not None and self._random.random() >= rule.rate:
                continue
            rule.fired += 1
            if rule.exhausted:
                self._discard(rule)
            if rule.kind is FaultKind.LATENCY:
                latency += rule.seconds
            else:
                outcome = rule
        return FaultPlan(latency=latency, outcome=outcome)

    def take_create_failure(self, name: str) -> str | None:
        return self._create_failures.pop(name.lower(), None)

    def take_update_failure(self, name: str) -> str | None:
        return self._update_failures.pop(name.lower(), None)

    # -- internals -----------------------------------------------------------------

    def _add(
        self,
        kind: FaultKind,
        *,
        times: int | None,
        rate: float | None,
        operations: str | Iterable[str] | None,
        status: int = 0,
        seconds: float = 0.0,
        body: bytes = b"",
    ) -> FaultRule:
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every call)")
        if rate is not None and not 0.0 < rate <= 1.0:
            raise ValueError("rate must be in (0, 1]")
        ops = frozenset([operations] if isinstance(operations, str) else operations or ())
        rule = FaultRule(
            kind=kind,
            operations=ops or None,
            times=times,
            rate=rate,
            status=status,
            seconds=seconds,
            body=body,
            owner=self,
        )
        self._rules.append(rule)
        return rule

    def _discard(self, rule: FaultRule) -> None:
        if rule in self._rules:
            self._rules.remove(rule)

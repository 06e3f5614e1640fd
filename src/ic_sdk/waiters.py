"""Waiting for an inference component (or an endpoint) to reach a state.

botocore has no waiter for inference components, and a fixed poll either hammers the
API or notices changes late. This module polls a describe call (``DescribeInferenceComponent``,
``DescribeEndpoint``) with exponential backoff and jitter, under one overall deadline,
following the service's behaviour (see the "How the service behaves" guide,
``docs/guides/service-behaviour.md``).

The engine knows no resource: a :class:`StatusReader` reads the status, failure reason,
copies and modification time out of a description (:data:`COMPONENT` for inference
components, the default; :data:`ENDPOINT` for endpoints) and builds the error a failure
raises. For an inference component:

- status ``Failed`` is the only failure (:class:`~ic_sdk.errors.ComponentFailed`, with the
  ``FailureReason``); a ``FailureReason`` left on an ``InService`` component by a
  rolled-back update is not one (for an endpoint: ``Failed`` and ``UpdateRollbackFailed``,
  :class:`~ic_sdk.errors.EndpointFailed`);
- a not-found answer just after a create is tolerated for a short grace period;
- a change the service rolled back (``InService`` again without it, see ``expect``) ends
  the wait at once with :class:`~ic_sdk.errors.UpdateRolledBack` (an endpoint's:
  :class:`~ic_sdk.errors.EndpointFailed` with ``rolled_back``);
- throttling, 5xx answers, connection errors and unreadable answers are retried within
  the deadline (:func:`ic_sdk.retry.is_transient`): the waiter's own retry budget, apart
  from every other call's;
- "deleted" means the not-found answer (:class:`~ic_sdk.errors.ResourceNotFound`).

Every poll, retry and outcome is reported as a :class:`WaiterEvent` (to an ``on_event``
callback, or by iterating :func:`watch`) and logged under ``ic_sdk.waiters``. Time comes
from an injectable :class:`~ic_sdk.clock.Clock`, randomness from an injectable source, so
tests replay a ten-minute creation in milliseconds.

The engine is :func:`watch`, an async generator that awaits nothing between yielding an
event and being resumed: abandoning or cancelling it leaves no request in flight and no
task behind.
"""

from __future__ import annotations

import enum
import inspect
import logging
import random
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs

from ic_sdk.clock import Clock, SystemClock
from ic_sdk.errors import (
    ComponentFailed,
    EndpointFailed,
    ResourceNotFound,
    ServiceError,
    TransportError,
    UpdateRolledBack,
    WaiterError,
    WaiterTimeout,
)
from ic_sdk.retry import Backoff, _non_negative, _positive, is_transient

if TYPE_CHECKING:
    from typing_extensions import TypeVar as TypeVarWithDefault

    from ic_sdk.models import DescribeEndpointOutput, DescribeInferenceComponentOutput

    #: The description a wait polls; unparametrized (``WaiterEvent``) it is ``Any``.
    _D = TypeVarWithDefault("_D", default=Any)
else:
    # typing.TypeVar takes a default only from Python 3.13 on; type checkers see the
    # typing_extensions one above.
    _D = TypeVar("_D")

_T = TypeVar("_T")

__all__ = [
    "COMPONENT",
    "ENDPOINT",
    "Backoff",
    "EventKind",
    "OnEvent",
    "Reading",
    "StatusReader",
    "Until",
    "WaitPolicy",
    "WaiterEvent",
    "is_transient",
    "wait",
    "watch",
]

logger = logging.getLogger("ic_sdk.waiters")

#: The states a waiter can wait for.
Until = Literal["in_service", "deleted", "scaled"]

_WAITING_FOR: dict[str, str] = {
    "in_service": "InService",
    "deleted": "deleted",
    "scaled": "scaled",
}


def _default_backoff() -> Backoff:
    return Backoff(initial=2.0, multiplier=4.0, max_delay=21.0, cap_jitter=0.08)


@attrs.define(frozen=True, kw_only=True, slots=True)
class WaitPolicy:
    """How a waiter polls and when it gives up.

    ``timeout`` bounds the whole wait (Terraform's default for inference components is
    30 minutes); ``not_found_grace`` is how long a not-found answer is tolerated right
    after the wait starts, before the component has been seen (the service can lag
    behind its own create call).

    The default backoff polls after ~2 s and ~8 s (a fast failure shows in seconds),
    once more at a random point of a 21 s period, then every 19.3-21 s: over a
    ten-minute creation about 34 describes, noticing ``InService`` ~10 s after it
    happens (p90 ~18 s), and many waiters started together stay spread out
    (``benchmarks/bench_waiter.py`` measures all of it). :meth:`eager` and
    :meth:`patient` trade calls for lateness the other way.
    """

    backoff: Backoff = attrs.field(factory=_default_backoff)
    timeout: float = attrs.field(default=1800.0, validator=_positive)
    not_found_grace: float = attrs.field(default=30.0, validator=_non_negative)

    @classmethod
    def default(cls, *, timeout: float = 1800.0) -> WaitPolicy:
        """The default: ~34 describes and ~10 s late over a ten-minute creation."""
        return cls(timeout=timeout)

    @classmethod
    def eager(cls, *, timeout: float = 1800.0) -> WaitPolicy:
        """Notice within ~2.5 s (every 4.5-5 s after a 1 s, 2 s ramp): ~4x the calls.

        For short operations, scripts a person is watching, and emulators.
        """
        backoff = Backoff(initial=1.0, multiplier=2.0, max_delay=5.0, cap_jitter=0.1)
        return cls(backoff=backoff, timeout=timeout)

    @classmethod
    def patient(cls, *, timeout: float = 3600.0) -> WaitPolicy:
        """A third of the default's calls, ~30 s late (polls every 54-60 s).

        For long creations and many concurrent waiters sharing an API rate limit.
        """
        backoff = Backoff(initial=5.0, multiplier=4.0, max_delay=60.0, cap_jitter=0.1)
        return cls(backoff=backoff, timeout=timeout)


class EventKind(enum.StrEnum):
    """What a :class:`WaiterEvent` reports."""

    #: The first describe, or one whose status differs from the previous one.
    STATUS_CHANGED = "status_changed"
    #: Same status, but the desired or current copy count moved.
    COPIES_CHANGED = "copies_changed"
    #: A describe that showed nothing new.
    POLLED = "polled"
    #: A describe failed with a transient error (or not-found within the grace period);
    #: the waiter tries again. ``error`` holds it.
    RETRYING = "retrying"
    #: The awaited state was reached. Last event of a successful wait.
    SUCCEEDED = "succeeded"
    #: The component is ``Failed`` (or being deleted while awaited in service); the wait
    #: raises right after this event.
    FAILED = "failed"
    #: The deadline passed; the wait raises :class:`~ic_sdk.errors.WaiterTimeout` next.
    TIMED_OUT = "timed_out"


@attrs.define(frozen=True, kw_only=True, slots=True)
class WaiterEvent(Generic[_D]):
    """One step of a wait: what was seen, and when.

    Generic in the description polled: ``WaiterEvent[models.DescribeInferenceComponentOutput]``
    for a component (what ``client.watch`` yields), ``WaiterEvent[models.DescribeEndpointOutput]``
    for an endpoint; a bare ``WaiterEvent`` accepts both.
    """

    kind: EventKind
    #: The inference component's (or endpoint's) name.
    name: str
    #: What is awaited: ``"in_service"``, ``"deleted"`` or ``"scaled"``.
    until: Until
    #: ``InferenceComponentStatus`` (``EndpointStatus``) of the latest successful describe
    #: (``None`` before the first one, or when the service left it out).
    status: str | None = None
    #: The status before this event, when it changed.
    previous_status: str | None = None
    desired_copies: int | None = None
    current_copies: int | None = None
    failure_reason: str | None = None
    #: Seconds since the wait started, on the waiter's clock.
    elapsed: float = 0.0
    #: Describe calls made so far (including failed ones).
    describes: int = 0
    #: How long the waiter sleeps before its next describe (``None`` on the last event).
    next_delay: float | None = None
    #: The transient error behind a ``RETRYING`` event.
    error: Exception | None = None
    #: The latest describe result; left out of ``repr``.
    description: _D | None = attrs.field(default=None, repr=False, eq=False)


#: An ``on_event`` callback: called with each event, awaited when it returns an awaitable.
OnEvent = Callable[[WaiterEvent], Awaitable[None] | None]


@attrs.define(frozen=True, kw_only=True, slots=True)
class Reading:
    """What the waiter needs from one description, read by a :class:`StatusReader`."""

    #: The resource's status (``None`` when the service left it out).
    status: str | None
    failure_reason: str | None = None
    #: Whether ``status`` means the resource failed (nothing more will happen to it).
    failed: bool = False
    desired_copies: int | None = None
    current_copies: int | None = None
    #: ``LastModifiedTime``.
    modified: datetime | None = None


@attrs.define(frozen=True, kw_only=True, slots=True)
class StatusReader(Generic[_D]):
    """How the waiter reads one kind of description, and what a failure raises.

    ``read`` turns a description into a :class:`Reading`; ``failure(name, reading,
    description, rolled_back)`` is the error raised when the reading is a failure
    (``rolled_back``: the service undid the awaited change, see ``expect``). ``noun``
    names the resource in logs and messages. :data:`COMPONENT` and :data:`ENDPOINT` are
    the two ic_sdk uses; any other describe call can be awaited with one of its own.
    """

    noun: str
    read: Callable[[_D], Reading]
    failure: Callable[[str, Reading, _D, bool], WaiterError]


def _read_component(desc: DescribeInferenceComponentOutput) -> Reading:
    status = desc.inference_component_status
    rc = desc.runtime_config
    # Typed as always present, but the service is the authority on its output.
    modified: datetime | None = desc.last_modified_time
    return Reading(
        status=None if status is None else str(status),
        failure_reason=desc.failure_reason,
        failed=status is not None and str(status) == "Failed",
        desired_copies=None if rc is None else rc.desired_copy_count,
        current_copies=None if rc is None else rc.current_copy_count,
        modified=modified,
    )


def _component_failure(
    name: str, reading: Reading, desc: DescribeInferenceComponentOutput, rolled_back: bool
) -> WaiterError:
    if rolled_back:
        return UpdateRolledBack(name, failure_reason=reading.failure_reason, description=desc)
    return ComponentFailed(name, status="Failed", failure_reason=reading.failure_reason)


#: Inference components (``DescribeInferenceComponent``): ``Failed`` raises
#: :class:`~ic_sdk.errors.ComponentFailed`, a rollback :class:`~ic_sdk.errors.UpdateRolledBack`.
COMPONENT: StatusReader[DescribeInferenceComponentOutput] = StatusReader(
    noun="inference component", read=_read_component, failure=_component_failure
)

#: Endpoint statuses after which nothing more happens but a delete (API reference:
#: ``DescribeEndpointOutput.EndpointStatus``).
_ENDPOINT_FAILED = frozenset({"Failed", "UpdateRollbackFailed"})


def _read_endpoint(desc: DescribeEndpointOutput) -> Reading:
    # Typed as always present, but the service is the authority on its output.
    status: str | None = desc.endpoint_status
    text = None if status is None else str(status)
    modified: datetime | None = desc.last_modified_time
    return Reading(
        status=text,
        failure_reason=desc.failure_reason,
        failed=text in _ENDPOINT_FAILED,
        modified=modified,
    )


def _endpoint_failure(
    name: str, reading: Reading, desc: DescribeEndpointOutput, rolled_back: bool
) -> WaiterError:
    return EndpointFailed(
        name,
        status=reading.status or "Failed",
        failure_reason=reading.failure_reason,
        description=desc,
    )


#: Endpoints (``DescribeEndpoint``): ``Failed`` or ``UpdateRollbackFailed`` raise
#: :class:`~ic_sdk.errors.EndpointFailed`, and so does a rolled-back update (its
#: ``status`` is then ``InService``).
ENDPOINT: StatusReader[DescribeEndpointOutput] = StatusReader(
    noun="endpoint", read=_read_endpoint, failure=_endpoint_failure
)


def _modified_after(reading: Reading, moment: datetime) -> bool:
    return reading.modified is not None and reading.modified > moment


def _reached(until: Until, reading: Reading, copies: int | None) -> bool:
    """Whether a described resource is in the awaited state ("deleted" never is)."""
    if until == "deleted" or reading.status != "InService":
        return False
    if until != "scaled":
        return True
    desired, current = reading.desired_copies, reading.current_copies
    if desired is None and current is None:
        # Adapters carry no runtime config: they scale with their base.
        return copies is None
    if copies is not None and desired != copies:
        return False
    return current == desired


async def watch(
    name: str,
    describe: Callable[[], Awaitable[_T]],
    *,
    until: Until = "in_service",
    copies: int | None = None,
    policy: WaitPolicy | None = None,
    clock: Clock | None = None,
    rng: Callable[[], float] | None = None,
    changed_since: datetime | None = None,
    expect: Callable[[_T], bool] | None = None,
    previous_failure: str | None = None,
    reader: StatusReader[Any] = COMPONENT,
) -> AsyncGenerator[WaiterEvent[_T], None]:
    """Poll ``describe`` until ``until`` holds, yielding a :class:`WaiterEvent` per step.

    ``reader`` reads each description (:data:`COMPONENT`, the default, for
    ``DescribeInferenceComponent``; :data:`ENDPOINT` for ``DescribeEndpoint``).

    Ends after the ``SUCCEEDED`` event; raises :class:`~ic_sdk.errors.ComponentFailed`
    (what ``reader`` builds for a failure), :class:`~ic_sdk.errors.WaiterTimeout`,
    :class:`~ic_sdk.errors.ResourceNotFound` (the component vanished while awaited in
    service) or a non-transient error of ``describe``. For ``until="scaled"``, ``copies``
    (when given) is the desired copy count the component must report; current copies
    must equal desired copies.

    ``changed_since`` (the component's ``LastModifiedTime`` before a change was asked
    for) makes ``InService`` count only once the change shows: a transitional status was
    seen, ``LastModifiedTime`` moved past it, or the service had ``not_found_grace``
    seconds to show the change. Without it, a describe that still answers the old
    ``InService`` right after an update would end the wait early.

    ``expect`` (whether a description shows the requested change) detects rollbacks: an
    ``InService`` component with a ``FailureReason`` that does not show the change
    although the change has had its turn (a transitional status was seen,
    ``LastModifiedTime`` moved past ``changed_since``, ``not_found_grace`` passed, or the
    ``FailureReason`` is not ``previous_failure``) raises
    :class:`~ic_sdk.errors.UpdateRolledBack` at once.
    ``previous_failure`` is the ``FailureReason`` before the change: the service keeps
    an old one after later successful updates, so only a different one is news.
    """
    policy = policy or WaitPolicy()
    clock = clock or SystemClock()
    draw = rng or random.random
    noun = reader.noun
    waiting_for = _WAITING_FOR[until]
    start = clock.now()
    deadline = start + policy.timeout
    attempt = 0
    describes = 0
    seen = False
    transitioned = False
    status: str | None = None
    desired: int | None = None
    current: int | None = None
    reason: str | None = None
    desc: _T | None = None

    def event(
        kind: EventKind,
        *,
        previous_status: str | None = None,
        next_delay: float | None = None,
        error: Exception | None = None,
    ) -> WaiterEvent[_T]:
        return WaiterEvent(
            kind=kind,
            name=name,
            until=until,
            status=status,
            previous_status=previous_status,
            desired_copies=desired,
            current_copies=current,
            failure_reason=reason,
            elapsed=clock.now() - start,
            describes=describes,
            next_delay=next_delay,
            error=error,
            description=desc,
        )

    def plan() -> float | None:
        """The sleep before the next describe, or ``None`` once the deadline has passed."""
        remaining = deadline - clock.now()
        if remaining <= 0:
            return None
        return max(0.0, min(policy.backoff.delay(attempt, draw()), remaining))

    logger.debug("waiting for %s %r to be %s", noun, name, waiting_for)
    while True:
        describes += 1
        try:
            latest = await describe()
        except ResourceNotFound as exc:
            if until == "deleted":
                status = desc = None
                logger.debug("%s %r is gone", noun, name)
                yield event(EventKind.SUCCEEDED)
                return
            if seen or clock.now() - start >= policy.not_found_grace:
                raise
            delay = plan()
            logger.debug("%s %r not found yet (retry in %s s)", noun, name, delay)
            yield event(EventKind.RETRYING, error=exc, next_delay=delay)
        except (ServiceError, TransportError) as exc:
            if not is_transient(exc):
                raise
            delay = plan()
            logger.debug("describe of %r failed: %s (retry in %s s)", name, exc, delay)
            yield event(EventKind.RETRYING, error=exc, next_delay=delay)
        else:
            seen = True
            previous = status
            old_copies = (desired, current)
            desc = latest
            reading = reader.read(latest)
            status = reading.status
            desired, current = reading.desired_copies, reading.current_copies
            reason = reading.failure_reason
            if describes == 1 or status != previous:
                kind = EventKind.STATUS_CHANGED
                logger.info(
                    "%s %r is %s (copies: %s current, %s desired)",
                    noun,
                    name,
                    status,
                    current,
                    desired,
                )
            elif (desired, current) != old_copies:
                kind = EventKind.COPIES_CHANGED
                logger.debug("%s %r copies: %s/%s", noun, name, current, desired)
            else:
                kind = EventKind.POLLED
            transitioned = transitioned or status not in (None, "InService")
            shown = (
                changed_since is None
                or transitioned
                or _modified_after(reading, changed_since)
                or clock.now() - start >= policy.not_found_grace
            )
            # A rollback always leaves a FailureReason: without one, a description that
            # does not look like the request is not taken for a rollback.
            rolled_back = (
                until != "deleted"
                and status == "InService"
                and reason is not None
                and (shown or reason != previous_failure)
                and not (expect is None or expect(latest))
            )
            done = _reached(until, reading, copies) and shown and not rolled_back
            failed = rolled_back or (
                until != "deleted" and (reading.failed or status == "Deleting")
            )
            delay = None if done or failed else plan()
            yield event(
                kind,
                previous_status=previous if kind is EventKind.STATUS_CHANGED else None,
                next_delay=delay,
            )
            if done:
                yield event(EventKind.SUCCEEDED)
                return
            if failed:
                yield event(EventKind.FAILED)
                if rolled_back or reading.failed:
                    raise reader.failure(name, reading, latest, rolled_back)
                raise WaiterError(
                    f"{noun} {name!r} is being deleted; it cannot become {waiting_for}"
                )
        if delay is None:
            yield event(EventKind.TIMED_OUT)
            raise WaiterTimeout(
                name,
                last_status=status,
                elapsed=clock.now() - start,
                waiting_for=waiting_for,
                failure_reason=reason,
                resource=noun,
            )
        await clock.sleep(delay)
        attempt += 1


async def wait(
    name: str,
    describe: Callable[[], Awaitable[_T]],
    *,
    until: Until = "in_service",
    copies: int | None = None,
    policy: WaitPolicy | None = None,
    clock: Clock | None = None,
    rng: Callable[[], float] | None = None,
    on_event: OnEvent | None = None,
    changed_since: datetime | None = None,
    expect: Callable[[_T], bool] | None = None,
    previous_failure: str | None = None,
    reader: StatusReader[Any] = COMPONENT,
) -> _T | None:
    """Run :func:`watch` to its end, passing each event to ``on_event``.

    Returns the last describe result (``None`` when the resource was awaited deleted).
    """
    last: WaiterEvent[_T] | None = None
    steps = watch(
        name,
        describe,
        until=until,
        copies=copies,
        policy=policy,
        clock=clock,
        rng=rng,
        changed_since=changed_since,
        expect=expect,
        previous_failure=previous_failure,
        reader=reader,
    )
    async with aclosing(steps):
        async for last in steps:
            if on_event is not None:
                result = on_event(last)
                if inspect.isawaitable(result):
                    await result
    if last is None:  # pragma: no cover - watch() ends normally only after SUCCEEDED
        raise RuntimeError(f"the waiter for {name!r} ended without an outcome")
    return last.description

"""Retrying: the one place that decides whether a failed call is repeated, and when.

```
classify(error) -> Disposition
  TRANSIENT      throttling, 5xx, transport errors, malformed answers: try again later
  RECONCILABLE   "already exists", DELETE_IN_PROGRESS, "while its status is Updating",
                 not found: after an answer that may have been lost, the request was
                 perhaps applied; only a describe can tell (ic_sdk.reconcile)
  FINAL          everything else (bad request, limits, a closed client...)
```

Every call of :class:`~ic_sdk.client.InferenceComponentClient` goes through :func:`run`:
transient errors are retried with :class:`Backoff` on the injected
:class:`~ic_sdk.clock.Clock` until the :class:`RetryPolicy`'s attempts or deadline run
out. A mutation also passes a ``reconcile`` step: once an answer *may* have been lost
(:func:`may_have_applied`: a transport error, a 5xx, a malformed answer, or an error
botocore got after retrying on its own), any later error (or running out of retries)
is settled by describing the resource (see :mod:`ic_sdk.reconcile`) instead of being
reported as is.

Budgets. Each call has its own budget (``max_attempts`` and ``timeout``); there is no
quota shared between calls, so the describes of a throttled waiter cannot use up the
retries a create needs. Waiters retry failed polls within their own deadline
(:class:`~ic_sdk.waiters.WaitPolicy`); ``create_many`` retries each create until its
deadline. botocore's own retries are switched off on the clients ic_sdk creates
(``total_max_attempts=1``): botocore sleeps on the real clock and shares one retry quota
per client, which is exactly what starved creates behind throttled describes. Its
``adaptive`` mode still limits the send rate when chosen.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, TypeVarTuple

import attrs

from ic_sdk.clock import Clock
from ic_sdk.errors import (
    ClientClosed,
    IcSdkError,
    MalformedResponse,
    ResourceNotFound,
    ServiceError,
    TransportError,
)

__all__ = [
    "Backoff",
    "Disposition",
    "RetryPolicy",
    "classify",
    "is_transient",
    "may_have_applied",
    "run",
]

logger = logging.getLogger("ic_sdk.retry")

_T = TypeVar("_T")
_Args = TypeVarTuple("_Args")

#: Fragments of the service's messages that mean "maybe it was me, a moment ago".
RECONCILABLE_MARKERS = (
    "already existing",
    "already exists",
    "DELETE_IN_PROGRESS",
    "already being deleted",
    "while its status is",
)


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be > 0, got {value!r}")


def _fraction(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be within [0, 1], got {value!r}")


@attrs.define(frozen=True, kw_only=True, slots=True)
class Backoff:
    """Exponential backoff with jitter.

    Before poll ``n`` (counting from 0 after the first describe) the ceiling is
    ``min(max_delay, initial * multiplier**n)``; the delay is drawn uniformly from the top
    ``jitter`` fraction below that ceiling (``jitter=1.0``, the default, is AWS's "full
    jitter": anywhere in ``(0, ceiling]``; ``jitter=0.0`` is no randomness), and never
    shorter than ``min_delay``.

    ``cap_jitter`` (``None``: same as ``jitter``) replaces ``jitter`` once the cap has been
    reached and one full-jitter delay drawn at it: that one delay puts each of many
    waiters at a random phase of the period, and a narrow ``cap_jitter`` then keeps
    polls near ``max_delay`` apart, which notices a change about ``max_delay / 2`` after
    it happens instead of ``2/3 max_delay`` with full jitter (the waiters' default
    :class:`~ic_sdk.waiters.WaitPolicy` uses it; ``benchmarks/bench_waiter.py`` measures it).
    """

    initial: float = attrs.field(default=2.0, validator=_positive)
    multiplier: float = attrs.field(default=2.0, validator=_positive)
    max_delay: float = attrs.field(default=40.0, validator=_positive)
    min_delay: float = attrs.field(default=1.0, validator=_non_negative)
    jitter: float = attrs.field(default=1.0, validator=_fraction)
    cap_jitter: float | None = attrs.field(
        default=None, validator=attrs.validators.optional(_fraction)
    )

    def ceiling(self, attempt: int) -> float:
        """The largest delay before poll ``attempt``."""
        try:
            grown = self.initial * self.multiplier**attempt
        except OverflowError:
            return self.max_delay
        return min(self.max_delay, grown)

    def delay(self, attempt: int, draw: float) -> float:
        """The delay before poll ``attempt``, given a uniform ``draw`` in ``[0, 1)``."""
        jitter = self.jitter
        at_cap = attempt > 0 and self.ceiling(attempt - 1) >= self.max_delay
        if self.cap_jitter is not None and at_cap:
            jitter = self.cap_jitter
        delay = self.ceiling(attempt) * (1.0 - jitter * draw)
        return max(self.min_delay, delay)


#: The backoff between attempts of one call: 0.5 s doubling to 20 s, full jitter.
CALL_BACKOFF = Backoff(initial=0.5, multiplier=2.0, max_delay=20.0, min_delay=0.05)


def _attempts(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 1:
        raise ValueError(f"{attribute.name} must be >= 1 (or None), got {value!r}")


@attrs.define(frozen=True, kw_only=True, slots=True)
class RetryPolicy:
    """How one call is retried: at most ``max_attempts`` attempts (the first included;
    ``None``: no limit) within ``timeout`` seconds of the injected clock, waiting
    ``backoff`` between them.

    An endpoint that cannot be reached at all (connection refused, DNS, connect timeout:
    nothing was sent) gets ``unreachable_attempts`` attempts in a row, so a wrong
    ``endpoint_url`` fails in about a second, not after the whole budget.
    """

    max_attempts: int | None = attrs.field(default=10, validator=_attempts)
    timeout: float = attrs.field(default=300.0, validator=_positive)
    backoff: Backoff = attrs.field(factory=lambda: CALL_BACKOFF)
    unreachable_attempts: int = attrs.field(default=3, validator=_attempts)

    def next_delay(self, attempts: int, elapsed: float, draw: float) -> float | None:
        """The sleep before the next attempt after ``attempts`` failed ones, or ``None``
        when the budget is spent."""
        if self.max_attempts is not None and attempts >= self.max_attempts:
            return None
        remaining = self.timeout - elapsed
        if remaining <= 0:
            return None
        return min(self.backoff.delay(attempts - 1, draw), remaining)


class Disposition(enum.Enum):
    """What a failed call means for the caller (see :func:`classify`)."""

    TRANSIENT = "transient"
    RECONCILABLE = "reconcilable"
    FINAL = "final"


def is_transient(exc: BaseException) -> bool:
    """Whether repeating the same call later may succeed: throttling, 5xx, transport
    errors, malformed answers."""
    if isinstance(exc, TransportError):
        return True
    return isinstance(exc, ServiceError) and exc.retryable


def classify(exc: BaseException) -> Disposition:
    """The :class:`Disposition` of an error raised by a call."""
    if isinstance(exc, ClientClosed):
        return Disposition.FINAL
    if is_transient(exc):
        return Disposition.TRANSIENT
    if isinstance(exc, ResourceNotFound):
        return Disposition.RECONCILABLE
    if isinstance(exc, ServiceError) and any(m in exc.message for m in RECONCILABLE_MARKERS):
        return Disposition.RECONCILABLE
    return Disposition.FINAL


def may_have_applied(exc: BaseException) -> bool:
    """Whether the failed attempt may have changed something on the service.

    True when the answer may have been lost (a transport error after sending, a 5xx, a
    malformed answer) or when botocore retried on its own before this error, so an
    earlier attempt it saw may have been applied. Throttling and other 4xx answers are
    refusals: nothing was done.
    """
    if isinstance(exc, ClientClosed):
        return True
    if isinstance(exc, TransportError):
        return exc.connected  # no connection, nothing sent
    if isinstance(exc, MalformedResponse):
        return True
    if isinstance(exc, ServiceError):
        if exc.retry_attempts:
            return True
        return exc.http_status is not None and exc.http_status >= 500
    return False


#: ``reconcile(error)``: the call's result if the request was applied after all, else
#: ``None`` (the error then stands).
Reconcile = Callable[[IcSdkError], Awaitable[_T | None]]


async def run(
    operation: str,
    attempt: Callable[[*_Args], Awaitable[_T]],
    *args: *_Args,
    policy: RetryPolicy,
    clock: Clock,
    rng: Callable[[], float],
    reconcile: Callable[[IcSdkError], Awaitable[_T | None]] | None = None,
) -> _T:
    """Run ``attempt(*args)`` until it succeeds, retrying transient errors within ``policy``.

    With ``reconcile`` (mutations): once an attempt may have been applied
    (:func:`may_have_applied`), the error that finally ends the call (a final or
    reconcilable answer, or a transient one when the budget is spent) is passed to
    ``reconcile``; a result it returns is the call's result, ``None`` lets the error
    stand (as it does when ``reconcile`` itself fails). Only
    :class:`~ic_sdk.errors.IcSdkError` is retried or reconciled; anything else
    propagates at once.
    """
    start = clock.now()
    attempts = 0
    unreachable = 0
    ambiguous = False
    while True:
        attempts += 1
        try:
            return await attempt(*args)
        except IcSdkError as exc:
            if reconcile is not None and not isinstance(exc, ClientClosed):
                ambiguous = ambiguous or may_have_applied(exc)
            unreachable = (
                unreachable + 1 if isinstance(exc, TransportError) and not exc.connected else 0
            )
            disposition = classify(exc)
            if disposition is Disposition.TRANSIENT and unreachable < policy.unreachable_attempts:
                delay = policy.next_delay(attempts, clock.now() - start, rng())
                if delay is not None:
                    logger.debug(
                        "%s attempt %d failed (%s); retrying in %.2f s",
                        operation,
                        attempts,
                        type(exc).__name__,
                        delay,
                    )
                    await clock.sleep(delay)
                    continue
            if ambiguous and reconcile is not None:
                logger.debug(
                    "%s: an earlier answer may have been lost; reconciling %s",
                    operation,
                    type(exc).__name__,
                )
                try:
                    settled = await reconcile(exc)
                except ClientClosed:
                    raise
                except IcSdkError as failure:
                    # The describe failed too: the original error says the most.
                    logger.debug("%s: could not reconcile (%s)", operation, failure)
                    settled = None
                if settled is not None:
                    logger.debug("%s: the request was applied", operation)
                    return settled
            raise

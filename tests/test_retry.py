"""ic_sdk.retry: classification, budgets, and the run loop (no I/O, on a FakeClock)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from ic_sdk.clock import FakeClock
from ic_sdk.errors import (
    ClientClosed,
    IcSdkError,
    MalformedResponse,
    ResourceLimitExceeded,
    ResourceNotFound,
    ServiceError,
    ServiceValidationError,
    ThrottlingError,
    TransportError,
    ValidationError,
)
from ic_sdk.retry import (
    Backoff,
    Disposition,
    RetryPolicy,
    classify,
    is_transient,
    may_have_applied,
    run,
)

THROTTLED = ThrottlingError("Rate exceeded", code="ThrottlingException", http_status=400)
UNAVAILABLE = ServiceError("later", code="ServiceUnavailable", http_status=503, retryable=True)
DROPPED = TransportError("CreateInferenceComponent: connection closed")
GARBLED = MalformedResponse("not JSON", operation="DescribeInferenceComponent", http_status=200)
EXISTS = ServiceValidationError(
    'Cannot create already existing inference component "arn:...".',
    code="ValidationException",
    http_status=400,
)
UPDATING = ServiceValidationError(
    "Cannot update inference component while its status is Updating",
    code="ValidationException",
    http_status=400,
)
DELETING = ServiceValidationError(
    "already being deleted (status DELETE_IN_PROGRESS).", code="ValidationException"
)
GONE = ResourceNotFound("Could not find inference component x", code="ValidationException")
BAD = ServiceValidationError("Invalid copy count", code="ValidationException", http_status=400)
LIMIT = ResourceLimitExceeded("no capacity", code="ResourceLimitExceeded", http_status=400)


@pytest.mark.parametrize(
    ("error", "disposition"),
    [
        (THROTTLED, Disposition.TRANSIENT),
        (UNAVAILABLE, Disposition.TRANSIENT),
        (DROPPED, Disposition.TRANSIENT),
        (GARBLED, Disposition.TRANSIENT),
        (EXISTS, Disposition.RECONCILABLE),
        (UPDATING, Disposition.RECONCILABLE),
        (DELETING, Disposition.RECONCILABLE),
        (GONE, Disposition.RECONCILABLE),
        (BAD, Disposition.FINAL),
        (LIMIT, Disposition.FINAL),
        (ClientClosed("closed"), Disposition.FINAL),
        (ValidationError([]), Disposition.FINAL),
        (ValueError("x"), Disposition.FINAL),
    ],
)
def test_classify(error: BaseException, disposition: Disposition) -> None:
    assert classify(error) is disposition
    assert is_transient(error) is (disposition is Disposition.TRANSIENT)


def test_an_answer_may_be_lost_only_when_the_service_may_have_acted() -> None:
    assert may_have_applied(DROPPED)
    assert may_have_applied(UNAVAILABLE)
    assert may_have_applied(GARBLED)
    assert not may_have_applied(THROTTLED)
    assert not may_have_applied(EXISTS)
    # botocore retried on its own before this answer: an earlier attempt may have landed
    retried = ServiceValidationError("exists", code="ValidationException", retry_attempts=2)
    assert may_have_applied(retried)


def test_policy_budget_counts_attempts_and_time() -> None:
    policy = RetryPolicy(max_attempts=3, timeout=10.0, backoff=Backoff(initial=1.0, jitter=0.0))
    assert policy.next_delay(1, 0.0, 0.5) == 1.0
    assert policy.next_delay(2, 0.0, 0.5) == 2.0
    assert policy.next_delay(3, 0.0, 0.5) is None  # attempts spent
    assert policy.next_delay(1, 9.5, 0.5) == 0.5  # capped by what is left
    assert policy.next_delay(1, 10.0, 0.5) is None  # deadline passed
    unbounded = RetryPolicy(max_attempts=None, timeout=1e9)
    assert unbounded.next_delay(10_000, 0.0, 0.0) is not None
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


_T = TypeVar("_T")


def script(*outcomes: object) -> tuple[Callable[[], Awaitable[object]], list[int]]:
    """An attempt that raises/returns the outcomes in order; and its call counter."""
    calls = [0]

    async def attempt() -> object:
        outcome = outcomes[min(calls[0], len(outcomes) - 1)]
        calls[0] += 1
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return attempt, calls


async def run_script(
    attempt: Callable[[], Awaitable[_T]],
    *,
    policy: RetryPolicy | None = None,
    clock: FakeClock | None = None,
    reconcile: Callable[[IcSdkError], Awaitable[_T | None]] | None = None,
) -> _T:
    """``retry.run`` of ``attempt``: mid-range jitter, a fresh FakeClock unless given."""
    return await run(
        "Op",
        attempt,
        policy=RetryPolicy() if policy is None else policy,
        clock=FakeClock() if clock is None else clock,
        rng=lambda: 0.5,
        reconcile=reconcile,
    )


async def test_transient_errors_are_retried_on_the_clock() -> None:
    clock = FakeClock()
    attempt, calls = script(THROTTLED, DROPPED, UNAVAILABLE, GARBLED, "done")
    result = await run_script(attempt, clock=clock)
    assert result == "done"
    assert calls[0] == 5
    assert len(clock.sleeps) == 4
    assert clock.now() == pytest.approx(sum(clock.sleeps))


async def test_final_errors_are_not_retried() -> None:
    attempt, calls = script(BAD, "never")
    with pytest.raises(ServiceValidationError):
        await run_script(attempt)
    assert calls[0] == 1


async def test_a_spent_budget_raises_the_last_error() -> None:
    attempt, calls = script(THROTTLED)
    policy = RetryPolicy(max_attempts=4)
    with pytest.raises(ThrottlingError):
        await run_script(attempt, policy=policy)
    assert calls[0] == 4


async def test_reconcile_runs_only_after_a_possibly_lost_answer() -> None:
    seen: list[IcSdkError] = []

    async def settle(error: IcSdkError) -> object:
        seen.append(error)
        return "applied"

    # "already exists" on the first attempt: a plain refusal, no describe
    attempt, _ = script(EXISTS)
    with pytest.raises(ServiceValidationError):
        await run_script(attempt, reconcile=settle)
    assert seen == []
    # a dropped connection, then "already exists": settled by reconcile
    attempt, calls = script(DROPPED, THROTTLED, EXISTS)
    result = await run_script(attempt, reconcile=settle)
    assert result == "applied"
    assert calls[0] == 3
    assert seen == [EXISTS]


async def test_reconcile_saying_no_lets_the_error_stand() -> None:
    async def settle(error: IcSdkError) -> object:
        return None

    attempt, _ = script(UNAVAILABLE, LIMIT)
    with pytest.raises(ResourceLimitExceeded):
        await run_script(attempt, reconcile=settle)


async def test_a_spent_budget_after_a_lost_answer_is_reconciled() -> None:
    async def settle(error: IcSdkError) -> object:
        assert error is DROPPED
        return "applied"

    attempt, calls = script(DROPPED)
    result = await run_script(attempt, policy=RetryPolicy(max_attempts=3), reconcile=settle)
    assert result == "applied"
    assert calls[0] == 3


async def test_foreign_exceptions_pass_through() -> None:
    attempt, calls = script(KeyError("bug"))
    with pytest.raises(KeyError):
        await run_script(attempt)
    assert calls[0] == 1


async def test_an_unreachable_endpoint_fails_fast() -> None:
    refused = TransportError("could not connect", connected=False)
    assert not may_have_applied(refused)  # nothing was sent
    attempt, calls = script(refused)
    with pytest.raises(TransportError):
        await run_script(attempt)
    assert calls[0] == RetryPolicy().unreachable_attempts
    # reached again in between: the count starts over
    attempt, calls = script(refused, refused, THROTTLED, refused, refused, "done")
    assert await run_script(attempt) == "done"

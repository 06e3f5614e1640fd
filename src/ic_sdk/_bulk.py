"""``create_many``: many creates (e.g. hundreds of adapters), a few at a time, every
outcome true.

Each create goes through the client's reconciled mutation path with a deadline-only
retry budget (the wait policy's backoff and timeout): a transient error never loses a
request while the deadline lasts, and a lost answer is settled by describing the component.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from ic_sdk import models, waiters
from ic_sdk.retry import RetryPolicy

if TYPE_CHECKING:
    from ic_sdk.client import InferenceComponentClient

__all__ = ["CreateResult", "create_many", "partial_results"]


@attrs.define(frozen=True, kw_only=True, slots=True)
class CreateResult:
    """What :meth:`InferenceComponentClient.create_many` did with one request.

    ``output`` is set when the component was created (its ARN is the service's, also
    when the answer to the create was lost and the create was reconciled);
    ``description`` when it was also waited for and reached ``InService``; ``error``
    holds whatever went wrong (validation, the service, the wait), so a failed wait
    leaves both ``output`` and ``error`` set.
    """

    request: models.CreateInferenceComponentInput = attrs.field(repr=False)
    output: models.CreateInferenceComponentOutput | None = None
    description: models.DescribeInferenceComponentOutput | None = attrs.field(
        default=None, repr=False
    )
    error: Exception | None = None

    @property
    def name(self) -> str:
        return self.request.inference_component_name

    @property
    def ok(self) -> bool:
        """True when nothing went wrong."""
        return self.error is None


def partial_results(exc: BaseException) -> builtins.list[CreateResult]:
    """The results ``create_many`` had when it was cancelled (``exc`` is the
    ``CancelledError`` it raised): one per request that had finished, in request order."""
    found: builtins.list[CreateResult] = getattr(exc, "partial_results", [])
    return found


async def create_many(
    client: InferenceComponentClient,
    requests: Iterable[models.CreateInferenceComponentInput],
    *,
    concurrency: int,
    wait: bool,
    preflight: bool,
    policy: waiters.WaitPolicy,
    on_event: waiters.OnEvent | None,
) -> builtins.list[CreateResult]:
    """See :meth:`InferenceComponentClient.create_many`."""
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    todo = builtins.list(requests)
    results: builtins.list[CreateResult | None] = [None] * len(todo)
    budget = RetryPolicy(max_attempts=None, timeout=policy.timeout, backoff=policy.backoff)

    async def create_one(request: models.CreateInferenceComponentInput) -> CreateResult:
        try:
            output = await client._create(request, preflight=preflight, budget=budget)
        except Exception as exc:
            return CreateResult(request=request, error=exc)
        if not wait:
            return CreateResult(request=request, output=output)
        try:
            desc = await client.wait_until_in_service(
                request.inference_component_name, policy=policy, on_event=on_event
            )
        except Exception as exc:
            return CreateResult(request=request, output=output, error=exc)
        return CreateResult(request=request, output=output, description=desc)

    pending = iter(enumerate(todo))

    async def worker() -> None:
        for index, request in pending:
            results[index] = await create_one(request)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, len(todo))):
                group.create_task(worker())
    except asyncio.CancelledError as exc:
        # The caller cancelled: what finished stays reachable (see partial_results).
        exc.partial_results = [r for r in results if r is not None]  # type: ignore[attr-defined]
        raise
    done = [r for r in results if r is not None]
    assert len(done) == len(todo)  # every worker ran to completion
    return done

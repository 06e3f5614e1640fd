"""Each mutation reports what the service did, whatever the network and the service do.

Against LocalSageMaker on a FakeClock: create / update / scale / delete under throttling,
5xx answers, dropped connections and lost answers (applied, then hung up); someone else's
component stays an error; rollbacks end waits at once; closing is orderly; unreadable
answers are ``MalformedResponse``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from ic_sdk import models
from ic_sdk.builders import update_component
from ic_sdk.client import InferenceComponentClient, partial_results
from ic_sdk.clock import FakeClock
from ic_sdk.errors import (
    ClientClosed,
    ComponentFailed,
    MalformedResponse,
    ResourceNotFound,
    ServiceValidationError,
    UpdateRolledBack,
    WaiterTimeout,
)
from ic_sdk.serde import converter, unknown_fields
from ic_sdk.testing import LocalSageMaker
from ic_sdk.waiters import EventKind, WaiterEvent, WaitPolicy
from tests.client_support import IMAGE, Inject, adapter, base, facade, make_endpoint, raw_client


async def copies_of(client: InferenceComponentClient, name: str) -> tuple[Any, Any]:
    rc = (await client.describe(name)).runtime_config
    assert rc is not None
    return rc.desired_copy_count, rc.current_copy_count


async def test_create(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str, fault: Inject
) -> None:
    fault(sm, "CreateInferenceComponent")
    ready = await client.create_and_wait(base(copies=2))
    assert ready.inference_component_status == "InService"
    assert sm.faults.rules == ()  # every injected fault was met
    assert await copies_of(client, "base") == (2, 2)


async def test_create_returns_the_real_arn(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    sm.faults.lose_answers("CreateInferenceComponent", times=1)
    output = await client.create(base())
    desc = await client.describe("base")
    assert output.inference_component_arn == desc.inference_component_arn


async def test_update(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str, fault: Inject
) -> None:
    await client.create_and_wait(base())
    fault(sm, "UpdateInferenceComponent")
    done = await client.update_and_wait(update_component(name="base", copies=3))
    assert done.inference_component_status == "InService"
    assert sm.faults.rules == ()
    assert await copies_of(client, "base") == (3, 3)


async def test_scale(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str, fault: Inject
) -> None:
    await client.create_and_wait(base())
    fault(sm, "UpdateInferenceComponentRuntimeConfig")
    done = await client.scale_and_wait("base", 2)
    assert done.runtime_config is not None
    assert done.runtime_config.current_copy_count == 2
    assert sm.faults.rules == ()


async def test_delete(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str, fault: Inject
) -> None:
    await client.create_and_wait(base())
    fault(sm, "DeleteInferenceComponent")
    await client.delete_and_wait("base")
    assert sm.faults.rules == ()
    with pytest.raises(ResourceNotFound):
        await client.describe("base")


async def test_someone_elses_component_stays_an_error(
    sm: LocalSageMaker, client: InferenceComponentClient, raw: Any, endpoint: str
) -> None:
    theirs = attrs.evolve(
        base(), runtime_config=models.InferenceComponentRuntimeConfig(copy_count=1)
    )
    await raw.create_inference_component(**converter.unstructure(theirs))
    # our first attempt is dropped (may have landed), the retry meets "already existing":
    # the component shows 1 copy where we asked for 2, so it is not ours
    sm.faults.drop_connection(times=1, operations="CreateInferenceComponent")
    with pytest.raises(ServiceValidationError, match="already existing"):
        await client.create(base(copies=2))
    # without a possibly lost answer, "already existing" is taken at its word
    with pytest.raises(ServiceValidationError, match="already existing"):
        await client.create(base(copies=1))


async def test_a_lost_answer_on_a_create_that_then_fails(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    sm.faults.fail_next_create("base", reason="CapacityError: no GPUs")
    sm.faults.lose_answers("CreateInferenceComponent", times=1)
    output = await client.create(base())  # it was created: the ARN is true
    assert output.inference_component_arn.endswith("/base")
    with pytest.raises(ComponentFailed, match="CapacityError"):
        await client.wait_until_in_service("base")


async def test_delete_missing_ok_is_still_honest(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    with pytest.raises(ResourceNotFound):
        await client.delete("never-was")
    await client.delete("never-was", missing_ok=True)


# -- rollbacks -------------------------------------------------------------------------


def polls_after_the_change(events: list[WaiterEvent]) -> list[WaiterEvent]:
    seen = [
        e for e in events if e.kind is not EventKind.RETRYING and e.kind is not EventKind.FAILED
    ]
    first = next(i for i, e in enumerate(seen) if e.status == "Updating")
    return [e for e in seen[first:] if e.status == "InService"]


async def test_a_rolled_back_scale_ends_the_wait_at_once(
    sm: LocalSageMaker, client: InferenceComponentClient, clock: FakeClock, endpoint: str
) -> None:
    await client.create_and_wait(base())
    sm.faults.fail_next_update("base", reason="Alarm latency-high fired")
    events: list[WaiterEvent] = []
    started = clock.now()
    with pytest.raises(UpdateRolledBack) as info:
        await client.scale_and_wait("base", 3, on_event=events.append)
    assert info.value.failure_reason == "Alarm latency-high fired"
    assert info.value.description is not None
    assert info.value.description.runtime_config is not None
    assert info.value.description.runtime_config.desired_copy_count == 1
    assert len(polls_after_the_change(events)) <= 2
    assert clock.now() - started < 120  # not the 1,800 s timeout
    assert events[-1].kind is EventKind.FAILED


async def test_a_stale_failure_reason_does_not_fail_a_later_update(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())
    sm.faults.fail_next_update("base", reason="first rollout failed")
    with pytest.raises(UpdateRolledBack):
        await client.update_and_wait(update_component(name="base", copies=2))
    done = await client.update_and_wait(update_component(name="base", copies=2))
    assert done.failure_reason == "first rollout failed"  # the service keeps it
    scaled = await client.scale_and_wait("base", 3)
    assert scaled.failure_reason == "first rollout failed"


async def test_a_rollback_with_the_same_reason_again_is_noticed(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())
    for _ in range(2):
        sm.faults.fail_next_update("base", reason="same words")
        with pytest.raises(UpdateRolledBack, match="same words"):
            await client.scale_and_wait("base", 2)


async def test_a_timeout_carries_the_last_failure_reason(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())
    sm.faults.fail_next_update("base", reason="rolled back once")
    with pytest.raises(UpdateRolledBack):
        await client.scale_and_wait("base", 2)
    with pytest.raises(WaiterTimeout) as info:
        await client.wait_until_scaled("base", copies=5, timeout_s=30)
    assert info.value.failure_reason == "rolled back once"
    assert "rolled back once" in str(info.value)


# -- closing ---------------------------------------------------------------------------


async def until(condition: Callable[[], bool]) -> None:
    """Let the loop run (real I/O included) until ``condition`` holds."""
    for _ in range(200_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")


async def in_flight_describes(grace: float) -> list[Any]:
    """Ten calls held by the emulator while the client closes; their outcomes."""
    server_clock = FakeClock(auto_advance=False)
    async with LocalSageMaker(clock=server_clock) as sm:
        async with raw_client(sm) as raw:
            await make_endpoint(raw, server_clock)
        slow = sm.faults.latency(5.0, operations="DescribeEndpoint")
        client = facade(sm, FakeClock())
        client.CLOSE_GRACE = grace
        await client.__aenter__()
        calls = [
            asyncio.ensure_future(client._send("describe_endpoint", {"EndpointName": "ep"}))
            for _ in range(10)
        ]
        await until(lambda: slow.fired == 10)  # all ten are inside the emulator
        closing = asyncio.ensure_future(client.aclose())
        if grace:
            await until(lambda: client._closed)
            server_clock.advance(5.0)  # the emulator answers within the grace period
            await closing
        else:
            await closing
            server_clock.advance(5.0)  # too late: the connections are closed
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
        with pytest.raises(ClientClosed):
            await client.describe("anything")
        return outcomes


async def test_closing_lets_calls_in_flight_finish() -> None:
    outcomes = await in_flight_describes(grace=60.0)
    assert all(isinstance(o, dict) and o["EndpointName"] == "ep" for o in outcomes), outcomes


async def test_closing_interrupts_calls_with_one_clear_error() -> None:
    outcomes = await in_flight_describes(grace=0.0)
    assert outcomes
    assert all(isinstance(o, ClientClosed) for o in outcomes), outcomes


async def test_closing_wakes_waiters_with_client_closed(sm: LocalSageMaker, endpoint: str) -> None:
    client = facade(sm, FakeClock(auto_advance=False))  # its sleeps never end by themselves
    async with client:
        await client.create(base())
        waiting = asyncio.ensure_future(client.wait_until_in_service("base"))
        await until(lambda: client._clock.clock.sleeps != [])  # type: ignore[attr-defined]
    with pytest.raises(ClientClosed):
        await waiting


async def test_cancelled_create_many_keeps_what_finished(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())
    seen: list[tuple[str, EventKind]] = []
    never = asyncio.Event()

    async def stall_on_the_third(event: WaiterEvent) -> None:
        seen.append((event.name, event.kind))
        if event.name == "lora-2" and event.kind is EventKind.SUCCEEDED:
            await never.wait()

    task = asyncio.ensure_future(
        client.create_many(
            [adapter(f"lora-{i}") for i in range(4)],
            concurrency=1,
            wait=True,
            on_event=stall_on_the_third,
        )
    )
    await until(lambda: ("lora-2", EventKind.SUCCEEDED) in seen)
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as info:
        await task
    done = partial_results(info.value)
    assert [r.name for r in done] == ["lora-0", "lora-1"]
    assert all(r.ok for r in done)


# -- malformed answers ------------------------------------------------------------------

MALFORMED = {
    "html": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    "truncated": b'{"InferenceComponentName": "base", "InferenceComp',
    "status object": b'{"InferenceComponentName": "base", "InferenceComponentStatus": {"a": 1}}',
    "timestamp word": b'{"InferenceComponentName": "base", "CreationTime": "yesterday"}',
    "a list": b"[1, 2, 3]",
}


async def malformed_describe(
    sm: LocalSageMaker, clock: FakeClock, body: bytes
) -> MalformedResponse:
    """What describing a created ``base`` raises, once (no retry), when ``body`` answers."""
    async with facade(sm, clock, max_attempts=1) as client:
        await client.create_and_wait(base())
        sm.faults.malformed_answers(body, operations="DescribeInferenceComponent")
        with pytest.raises(MalformedResponse) as info:
            await client.describe("base")
    return info.value


@pytest.mark.parametrize("body", MALFORMED.values(), ids=list(MALFORMED))
async def test_malformed_answers_are_service_errors_naming_the_operation(
    sm: LocalSageMaker, clock: FakeClock, endpoint: str, body: bytes
) -> None:
    error = await malformed_describe(sm, clock, body)
    assert error.operation == "DescribeInferenceComponent"
    assert "DescribeInferenceComponent" in str(error)
    assert "\n" not in str(error)
    if body in (MALFORMED["html"], MALFORMED["truncated"], MALFORMED["a list"]):
        assert error.http_status == 200
        assert error.url is not None
        assert error.url.startswith(sm.endpoint_url)


# Bodies opening with "{" are judged after botocore's parse (no second parse when the
# answer has members); these are the cases that judgement must still catch.
BROKEN_OBJECTS = {
    "closed at a nested brace": b'{"InferenceComponentName": {"a": 1}',
    "not ascii": '{"InferenceComponentName": "b\u00e9se", "Infer'.encode(),
    "a trailing comma": b'{"InferenceComponentName": "base",}',
}


@pytest.mark.parametrize("body", BROKEN_OBJECTS.values(), ids=list(BROKEN_OBJECTS))
async def test_broken_json_objects_are_malformed(
    sm: LocalSageMaker, clock: FakeClock, endpoint: str, body: bytes
) -> None:
    error = await malformed_describe(sm, clock, body)
    assert error.http_status == 200
    assert error.operation == "DescribeInferenceComponent"
    assert f"{len(body)} bytes" in str(error)


@pytest.mark.parametrize("body", [b"{}", b'{"SomethingNew": 1}', b' {"SomethingNew": 1} '])
async def test_json_objects_without_known_members_are_answers(
    sm: LocalSageMaker, clock: FakeClock, endpoint: str, body: bytes
) -> None:
    async with facade(sm, clock, max_attempts=1) as client:
        await client.create_and_wait(base())
        sm.faults.malformed_answers(body, operations="DescribeInferenceComponent")
        answer = await client.describe("base")
        assert answer.inference_component_name is None
        assert dict(unknown_fields(answer)) == {}  # nothing of ic_sdk's own left in it
        again = await client.describe("base")
    assert again.inference_component_name == "base"
    assert dict(unknown_fields(again)) == {}


async def test_waiters_and_calls_ride_out_malformed_answers(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    sm.faults.malformed_answers(
        MALFORMED["html"], status=502, times=2, operations="CreateInferenceComponent"
    )
    sm.faults.malformed_answers(
        MALFORMED["status object"], times=3, operations="DescribeInferenceComponent"
    )
    events: list[WaiterEvent] = []
    ready = await client.create_and_wait(base(), on_event=events.append)
    assert ready.inference_component_status == "InService"
    retried = [e.error for e in events if e.kind is EventKind.RETRYING]
    assert retried
    assert all(isinstance(e, MalformedResponse) for e in retried)


async def test_a_non_sagemaker_error_page_is_one_line(sm: LocalSageMaker, clock: FakeClock) -> None:
    page = b"<!DOCTYPE html>\n<html>\n" + b"<p>Not Found</p>\n" * 15 + b"</html>"
    sm.faults.malformed_answers(page, status=404, times=None)
    async with facade(sm, clock) as client:
        with pytest.raises(MalformedResponse) as info:
            await client.describe("base")
    assert info.value.http_status == 404
    assert not info.value.retryable
    assert "\n" not in str(info.value)
    assert "404" in str(info.value)


async def test_an_html_page_answered_with_200_is_final(
    sm: LocalSageMaker, clock: FakeClock
) -> None:
    # A web server (or portal) at the wrong URL: asking again gets the same page.
    sm.faults.malformed_answers(MALFORMED["html"], times=None)
    async with facade(sm, clock) as client:
        started = clock.now()
        with pytest.raises(MalformedResponse) as info:
            await client.describe("base")
    assert info.value.http_status == 200
    assert not info.value.retryable
    assert info.value.retry_attempts == 0
    assert clock.now() == started  # not retried: no backoff slept


async def test_truncated_json_answered_with_200_is_retried(
    sm: LocalSageMaker, clock: FakeClock, endpoint: str
) -> None:
    async with facade(sm, clock) as client:
        await client.create_and_wait(base())
        sm.faults.malformed_answers(
            MALFORMED["truncated"], times=2, operations="DescribeInferenceComponent"
        )
        described = await client.describe("base")
    assert described.inference_component_name == "base"


async def test_policy_is_kept_for_create_many(
    client: InferenceComponentClient, endpoint: str
) -> None:
    results = await client.create_many([base()], policy=WaitPolicy(timeout=50), wait=True)
    assert results[0].ok
    assert IMAGE in str(results[0].request.specification)

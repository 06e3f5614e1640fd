"""The client against LocalSageMaker: whole lifecycles on a FakeClock, no real sleeping.

The emulator and the client share one FakeClock: every backoff sleep of a waiter moves
the emulator's time on, so its state changes happen "during" the wait.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from ic_sdk import models
from ic_sdk.builders import (
    adapter_component,
    base_spec,
    rolling_deployment,
    update_component,
)
from ic_sdk.client import CreateResult, InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.errors import (
    ComponentFailed,
    ResourceNotFound,
    ServiceError,
    ServiceValidationError,
    ThrottlingError,
    UpdateRolledBack,
    ValidationError,
    WaiterTimeout,
)
from ic_sdk.testing import Invocation, LocalSageMaker, ModelError
from ic_sdk.waiters import EventKind, WaiterEvent, WaitPolicy
from tests.client_support import (
    IMAGE,
    SECRET,
    VARIANT,
    adapter,
    base,
    facade,
    make_endpoint,
    raw_client,
)

# -- the whole lifecycle -------------------------------------------------------------------


async def test_full_lifecycle(
    sm: LocalSageMaker, client: InferenceComponentClient, clock: FakeClock, endpoint: str
) -> None:
    # base component, awaited with progress events
    events: list[WaiterEvent] = []
    ready = await client.create_and_wait(base(copies=1), on_event=events.append)
    assert ready.inference_component_status == models.InferenceComponentStatus.IN_SERVICE
    assert ready.endpoint_name == endpoint
    statuses = [e.status for e in events if e.kind is EventKind.STATUS_CHANGED]
    assert statuses == ["Creating", "InService"]
    assert events[-1].kind is EventKind.SUCCEEDED
    assert events[-1].elapsed > 0

    # adapters, several at once
    results = await client.create_many(
        [adapter(f"lora-{i}") for i in range(5)], concurrency=2, wait=True
    )
    assert [r.name for r in results] == [f"lora-{i}" for i in range(5)]
    assert all(r.ok for r in results), results
    assert all(
        r.description is not None and r.description.inference_component_status == "InService"
        for r in results
    )

    # invoke: the endpoint is found from the component
    answer = await client.invoke("base", b'{"inputs": "hi"}', content_type="application/json")
    assert json.loads(answer.body) == {
        "endpoint": "ep",
        "variant": VARIANT,
        "inference_component": "base",
        "input": {"inputs": "hi"},
    }
    assert answer.content_type == "application/json"
    on_adapter = json.loads((await client.invoke("lora-3", "plain text")).body)
    assert on_adapter["inference_component"] == "lora-3"
    assert on_adapter["base_inference_component"] == "base"

    # stream
    chunks = [c async for c in client.invoke_stream("lora-1", b'{"inputs": "stream me"}')]
    assert len(chunks) > 1
    assert json.loads(b"".join(chunks))["inference_component"] == "lora-1"

    # scale
    scaled = await client.scale_and_wait("base", 3)
    assert scaled.runtime_config is not None
    assert scaled.runtime_config.desired_copy_count == 3
    assert scaled.runtime_config.current_copy_count == 3

    # rolling update to a new image
    new_image = IMAGE.replace("0.29.0", "0.30.0")
    update = update_component(
        name="base",
        specification=base_spec(memory_mb=8192, cpu_cores=4, accelerators=1, image=new_image),
        deployment=rolling_deployment(batch_copies=1, wait_s=60, timeout_s=1800),
    )
    updated = await client.update_and_wait(update)
    assert updated.inference_component_status == "InService"
    assert updated.failure_reason is None
    assert updated.specification is not None
    assert updated.specification.container is not None
    assert updated.specification.container.deployed_image is not None
    assert updated.specification.container.deployed_image.specified_image == new_image
    assert updated.last_deployment_config is not None

    # list, filtered and sorted, over several pages
    names = [
        s.inference_component_name
        async for s in client.list(
            endpoint_name_equals="ep", sort_by="Name", sort_order="Ascending", page_size=2
        )
    ]
    assert names == ["base"] + [f"lora-{i}" for i in range(5)]
    adapters_only = [
        s.inference_component_name async for s in client.list(name_contains="lora", page_size=1)
    ]
    assert sorted(adapters_only) == [f"lora-{i}" for i in range(5)]

    # delete: the base refuses while adapters remain
    with pytest.raises(ServiceValidationError, match="base inference component"):
        await client.delete("base")
    for i in range(5):
        await client.delete_and_wait(f"lora-{i}")
    await client.delete("base")
    await client.delete("base", missing_ok=True)  # already deleting
    with pytest.raises(ServiceValidationError, match="DELETE_IN_PROGRESS"):
        await client.delete("base")
    await client.wait_until_deleted("base")
    await client.delete("base", missing_ok=True)  # gone
    with pytest.raises(ResourceNotFound):
        await client.delete("base")
    with pytest.raises(ResourceNotFound):
        await client.describe("base")
    assert [s async for s in client.list()] == []


async def test_watch_reports_progress(
    client: InferenceComponentClient, endpoint: str, clock: FakeClock
) -> None:
    await client.create(base(copies=2))
    seen = [(e.kind, e.status) async for e in client.watch("base")]
    assert seen[0] == (EventKind.STATUS_CHANGED, "Creating")
    assert seen[-2:] == [
        (EventKind.STATUS_CHANGED, "InService"),
        (EventKind.SUCCEEDED, "InService"),
    ]
    await client.scale("base", 4)
    scaled = [e async for e in client.watch("base", until="scaled", copies=4)]
    assert scaled[0].status == "Updating"
    assert scaled[-1].current_copies == 4
    assert scaled[-1].desired_copies == 4


# -- failures ------------------------------------------------------------------------------


async def test_failed_creation_raises_component_failed(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    sm.faults.fail_next_create("base", reason="CapacityError: Unable to provision GPUs")
    with pytest.raises(ComponentFailed) as info:
        await client.create_and_wait(base())
    assert info.value.name == "base"
    assert info.value.failure_reason == "CapacityError: Unable to provision GPUs"
    described = await client.describe("base")
    assert described.inference_component_status == "Failed"


async def test_rolled_back_update_raises_with_the_reason_and_description(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())
    sm.faults.fail_next_update("base", reason="Alarm latency-high fired; rolled back")
    with pytest.raises(UpdateRolledBack) as info:
        await client.update_and_wait(update_component(name="base", copies=2))
    assert info.value.failure_reason == "Alarm latency-high fired; rolled back"
    after = info.value.description
    assert after is not None
    assert after.inference_component_status == "InService"
    assert after.failure_reason == "Alarm latency-high fired; rolled back"
    assert after.runtime_config is not None
    assert after.runtime_config.desired_copy_count == 1
    # a later successful scale still shows the old reason, and is still success
    again = await client.scale_and_wait("base", 2)
    assert again.failure_reason == "Alarm latency-high fired; rolled back"


async def test_model_errors_reach_the_caller(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())

    async def broken(invocation: Invocation) -> bytes:
        raise ModelError("CUDA out of memory", status=500)

    async def broken_stream(invocation: Invocation) -> AsyncIterator[bytes]:
        yield b"partial "
        raise ModelError("stream died")

    sm.set_handler("base", broken, stream=broken_stream)
    with pytest.raises(ServiceError) as info:
        await client.invoke("base", b"{}")
    assert info.value.code == "ModelError"
    assert info.value.http_status == 424
    got: list[bytes] = []

    async def consume() -> None:
        async for chunk in client.invoke_stream("base", b"{}"):
            got.append(chunk)

    with pytest.raises(ServiceError) as stream_info:
        await consume()
    assert got == [b"partial "]
    assert stream_info.value.code == "ModelStreamError"


async def test_creating_on_a_missing_endpoint(client: InferenceComponentClient) -> None:
    with pytest.raises(ServiceError) as info:
        await client.create(base(endpoint_name="nowhere"))
    assert "nowhere" in str(info.value)


async def test_waiter_deadline(
    client: InferenceComponentClient, endpoint: str, clock: FakeClock
) -> None:
    await client.create(base())
    with pytest.raises(WaiterTimeout) as info:
        await client.wait_until_deleted("base", timeout_s=120)
    assert info.value.last_status == "InService"
    assert info.value.elapsed == pytest.approx(120.0)


# -- throttling and transport faults ------------------------------------------------------


async def test_waiters_ride_out_throttling_5xx_and_dropped_connections(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create(base())
    describe = "DescribeInferenceComponent"
    sm.faults.throttle(times=3, operations=describe)
    sm.faults.server_error(status=503, times=2, operations=describe)
    sm.faults.drop_connection(times=1, operations=describe)
    events: list[WaiterEvent] = []
    ready = await client.wait_until_in_service("base", on_event=events.append)
    assert ready.inference_component_status == "InService"
    errors = [type(e.error).__name__ for e in events if e.kind is EventKind.RETRYING]
    assert sorted(errors) == sorted(
        ["ThrottlingError"] * 3 + ["ServiceError"] * 2 + ["TransportError"]
    )


async def test_create_many_absorbs_throttling(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())
    sm.faults.throttle(rate=0.5, times=None, operations="CreateInferenceComponent")
    results = await client.create_many([adapter(f"a{i}") for i in range(40)], concurrency=8)
    sm.faults.clear()
    assert len(results) == 40
    assert all(r.ok and r.output is not None for r in results), [r.error for r in results]
    names = {
        s.inference_component_name async for s in client.list(name_contains="a", page_size=100)
    }
    assert {f"a{i}" for i in range(40)} <= names


async def test_create_many_gives_one_result_per_spec_and_loses_nothing(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str, clock: FakeClock
) -> None:
    await client.create_and_wait(base())
    invalid = adapter_component(
        name="bad name!",
        endpoint_name="ep",
        base_component_name="base",
        artifact_url="s3://x/",
        validate=False,
    )
    sm.faults.fail_next_create("doomed", reason="adapter weights corrupt")
    specs = [
        adapter("ok-1"),
        invalid,
        adapter("ok-1"),
        adapter("doomed"),
        adapter("orphan", "nobase"),
    ]
    results = await client.create_many(specs, concurrency=3, wait=True)
    assert [r.request for r in results] == specs
    by_name: dict[str, list[CreateResult]] = {}
    for r in results:
        by_name.setdefault(r.name, []).append(r)
    first, duplicate = by_name["ok-1"]
    assert {first.ok, duplicate.ok} == {True, False}
    loser = duplicate if first.ok else first
    assert isinstance(loser.error, ServiceError)
    assert isinstance(results[1].error, ValidationError)
    assert results[1].output is None
    doomed = results[3]
    assert isinstance(doomed.error, ComponentFailed)
    assert doomed.output is not None  # created, then failed
    assert isinstance(results[4].error, ServiceError)


async def test_create_many_throttled_past_the_deadline_reports_it(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    sm.faults.throttle(times=None, operations="CreateInferenceComponent")
    results = await client.create_many([adapter("x")], timeout_s=60)
    assert isinstance(results[0].error, ThrottlingError)


# -- concurrency and cancellation ---------------------------------------------------------------


async def test_many_concurrent_calls_share_one_client(
    client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())
    described = await asyncio.gather(*(client.describe("base") for _ in range(200)))
    assert {d.inference_component_name for d in described} == {"base"}
    answers = await asyncio.gather(*(client.invoke("base", str(i)) for i in range(100)))
    assert [json.loads(a.body)["input"] for a in answers] == list(range(100))


async def test_cancelling_a_wait_mid_request_leaves_the_client_usable() -> None:
    manual = FakeClock(auto_advance=False)
    async with LocalSageMaker(clock=manual) as sm, facade(sm, manual) as client:
        async with raw_client(sm) as raw:
            await make_endpoint(raw, manual)
        await client.create(base())
        manual.advance(60)
        sm.faults.latency(3600, times=1, operations="DescribeInferenceComponent")
        waiting = asyncio.create_task(client.wait_until_in_service("base"))
        for _ in range(200):  # until the describe is in flight, held by the latency fault
            await asyncio.sleep(0.005)
            if not sm.faults.rules:
                break
        assert not sm.faults.rules
        assert not waiting.done()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        manual.advance(3600)  # lets the emulator finish the abandoned answer
        desc = await client.describe("base")
        assert desc.inference_component_status == "InService"
    await asyncio.sleep(0)
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_cancelling_create_many_stops_every_worker() -> None:
    manual = FakeClock(auto_advance=False)
    async with LocalSageMaker(clock=manual) as sm, facade(sm, manual) as client:
        async with raw_client(sm) as raw:
            await make_endpoint(raw, manual)
        sm.faults.throttle(times=None, operations="CreateInferenceComponent")
        bulk = asyncio.create_task(
            client.create_many([adapter(f"a{i}") for i in range(20)], concurrency=4)
        )
        for _ in range(200):  # until all four workers sleep in their throttling backoff
            await asyncio.sleep(0.005)
            if len(manual.sleeps) >= 4:
                break
        assert len(manual.sleeps) >= 4
        bulk.cancel()
        with pytest.raises(asyncio.CancelledError):
            await bulk
        sm.faults.clear()
        manual.advance(3600)
        await asyncio.sleep(0.05)
        assert [s async for s in client.list()] == []  # nothing was created afterwards
    await asyncio.sleep(0)
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_breaking_out_of_a_stream_closes_it(
    sm: LocalSageMaker, client: InferenceComponentClient, endpoint: str
) -> None:
    await client.create_and_wait(base())

    async def endless(invocation: Invocation) -> AsyncIterator[bytes]:
        for i in range(10_000):
            yield f"token-{i} ".encode()

    sm.set_handler("base", stream=endless)
    got: list[bytes] = []
    async with aclosing(client.invoke_stream("base", b"{}")) as stream:
        async for chunk in stream:
            got.append(chunk)
            if len(got) == 5:
                break
    assert got == [f"token-{i} ".encode() for i in range(5)]
    # the connection went back: plenty of calls still work
    for _ in range(20):
        await client.describe("base")


# -- secrets -------------------------------------------------------------------------------------


async def test_no_environment_value_in_logs_or_errors(
    sm: LocalSageMaker,
    client: InferenceComponentClient,
    endpoint: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="ic_sdk"):
        await client.create_and_wait(base())
        with pytest.raises(ServiceError) as info:
            await client.create(base())  # already exists
        problems = await client.preflight(base())
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("ic_sdk"))
    assert text
    assert SECRET not in text
    assert SECRET not in str(info.value)
    assert SECRET not in repr(problems)
    assert SECRET not in repr(base())


def test_policy_shorthands() -> None:
    client = InferenceComponentClient(wait_policy=WaitPolicy(timeout=50))
    assert client._policy(None, None).timeout == 50
    assert client._policy(None, 7).timeout == 7
    assert client._policy(WaitPolicy(timeout=9), None).timeout == 9


async def test_a_clean_delete_is_sent_once(
    sm: LocalSageMaker, client: InferenceComponentClient, clock: FakeClock, endpoint: str
) -> None:
    await client.create_and_wait(base(copies=1))
    deletes = sm.faults.latency(0.0, operations="DeleteInferenceComponent")  # counts calls
    await client.delete_and_wait("base")
    assert deletes.fired == 1

"""Acceptance: every answer the client gives matches what the service did, under faults.

LocalSageMaker throttles, fails with 503, drops connections and loses answers (applies
a request, then hangs up); the client shares the emulator's FakeClock, so minutes of
backoff take no real time.
"""

from __future__ import annotations

import pytest

from ic_sdk import models
from ic_sdk.clock import FakeClock
from ic_sdk.testing import FaultRule, LocalSageMaker
from tests.client_support import adapter, base, facade, make_endpoint, raw_client

MUTATIONS = (
    "CreateInferenceComponent",
    "UpdateInferenceComponent",
    "UpdateInferenceComponentRuntimeConfig",
    "DeleteInferenceComponent",
)


def hostile(
    sm: LocalSageMaker,
    *,
    throttle: float,
    unavailable: float,
    drops: float,
    lost: float,
    lose_on: tuple[str, ...],
) -> dict[str, FaultRule]:
    """Faults on every call (rates drawn from the emulator's seeded generator)."""
    return {
        "lost": sm.faults.lose_answers(lose_on, times=None, rate=lost),
        "throttled": sm.faults.throttle(times=None, rate=throttle),
        "503": sm.faults.server_error(status=503, times=None, rate=unavailable),
        "dropped": sm.faults.drop_connection(times=None, rate=drops),
    }


async def names_on(sm: LocalSageMaker) -> list[str]:
    async with raw_client(sm) as raw:
        names: list[str] = []
        token = None
        while True:
            page = await raw.list_inference_components(
                MaxResults=100, **({"NextToken": token} if token else {})
            )
            names += [s["InferenceComponentName"] for s in page["InferenceComponents"]]
            token = page.get("NextToken")
            if not token:
                return names


async def test_200_adapters_under_faults_all_true() -> None:
    clock = FakeClock()
    async with LocalSageMaker(clock=clock, seed=7) as sm:
        async with raw_client(sm) as raw:
            await make_endpoint(raw, clock)
        async with facade(sm, clock) as client:
            await client.create_and_wait(base())
            rules = hostile(
                sm,
                throttle=0.3,
                unavailable=0.05,
                drops=0.05,
                lost=0.1,
                lose_on=("CreateInferenceComponent",),
            )
            specs = [adapter(f"lora-{i:03d}") for i in range(200)]
            results = await client.create_many(specs, concurrency=16, wait=True)
            sm.faults.clear()
            fired = {kind: rule.fired for kind, rule in rules.items()}
            assert fired["lost"] >= 10, fired  # about one create in ten lost its answer
            assert all(count > 0 for count in fired.values()), fired
            lost = [r for r in results if not r.ok]
            assert lost == []
            assert [r.name for r in results] == [s.inference_component_name for s in specs]
            for result in results:
                assert result.output is not None
                assert result.description is not None
                assert result.output.inference_component_arn == (
                    result.description.inference_component_arn
                )
                assert result.description.inference_component_status == "InService"
        names = await names_on(sm)
    adapters = sorted(n for n in names if n.startswith("lora-"))
    assert adapters == sorted(s.inference_component_name for s in specs)


@pytest.mark.parametrize("seed", range(10))
async def test_full_flow_under_faults(seed: int) -> None:
    clock = FakeClock()
    async with LocalSageMaker(clock=clock, seed=seed) as sm:
        async with raw_client(sm) as raw:
            await make_endpoint(raw, clock)
        rules = hostile(sm, throttle=0.2, unavailable=0.05, drops=0.02, lost=0.1, lose_on=MUTATIONS)
        async with facade(sm, clock) as client:
            ready = await client.create_and_wait(base())
            assert ready.inference_component_status == "InService"
            results = await client.create_many(
                [adapter(f"lora-{i}") for i in range(5)], concurrency=3, wait=True
            )
            assert all(r.ok for r in results), results
            answer = await client.invoke("lora-2", b'{"inputs": "hi"}')
            assert b"lora-2" in answer.body
            scaled = await client.scale_and_wait("base", 3)
            assert scaled.runtime_config is not None
            assert scaled.runtime_config.desired_copy_count == 3
            assert scaled.runtime_config.current_copy_count == 3
            for result in results:
                await client.delete_and_wait(result.name)
            await client.delete_and_wait("base")
            sm.faults.clear()
            assert rules["throttled"].fired > 0
            assert await names_on(sm) == []
            assert isinstance(scaled, models.DescribeInferenceComponentOutput)

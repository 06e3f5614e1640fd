"""LocalSageMaker's cost per request, against the floor of the same client and transport.

Baseline ("floor"): the same aiobotocore client calling DescribeInferenceComponent on a
bare aiohttp server on 127.0.0.1 that answers a canned body of the same size — no state,
no validation, no rules. Everything below is a ratio to that floor, measured in this run.

1. LocalSageMaker over aiohttp: the emulator's share of a round trip (goal: <= 1.5x).
2. LocalSageMaker behind respx (aiobotocore's httpx session, no socket).
3. The core alone (``Service.handle`` on a prepared request: auth, faults, validation,
   state, JSON), as a fraction of the floor's round trip.
4. InvokeEndpointWithResponseStream (64 chunks, event-stream framed) vs InvokeEndpoint of
   the same bytes, both against the emulator.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

from _util import record
from aiobotocore.config import AioConfig
from aiobotocore.httpxsession import HttpxSession
from aiobotocore.session import AioSession
from aiohttp import web

from ic_sdk.clock import FakeClock
from ic_sdk.testing import Invocation, LocalSageMaker
from ic_sdk.testing._protocol import WireRequest

BENCH = "emulator"
CALLS = 300
ROUNDS = 5
ROLE = "arn:aws:iam::123456789012:role/SageMaker"
KEY = LocalSageMaker.ACCESS_KEY
CREDENTIALS = {"aws_access_key_id": KEY, "aws_secret_access_key": "x", "verify": False}


async def best_per_call(
    calls: dict[str, Callable[[], Awaitable[Any]]], count: int = CALLS
) -> dict[str, float]:
    """Best seconds per call of each candidate, rounds interleaved so load drifts evenly."""
    for call in calls.values():
        for _ in range(20):
            await call()
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(ROUNDS):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(count):
                await call()
            best[name] = min(best[name], (time.perf_counter() - start) / count)
    return best


async def deploy(sagemaker: Any, clock: FakeClock) -> None:
    await sagemaker.create_endpoint_config(
        EndpointConfigName="c",
        ExecutionRoleArn=ROLE,
        ProductionVariants=[
            {"VariantName": "v", "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1}
        ],
    )
    await sagemaker.create_endpoint(EndpointName="ep", EndpointConfigName="c")
    clock.advance(1)
    await sagemaker.create_inference_component(
        InferenceComponentName="ic",
        EndpointName="ep",
        VariantName="v",
        Specification={
            "Container": {"Image": "repo/image:1", "Environment": {"A": "1"}},
            "ComputeResourceRequirements": {
                "MinMemoryRequiredInMb": 1024,
                "NumberOfAcceleratorDevicesRequired": 1,
            },
        },
        RuntimeConfig={"CopyCount": 1},
    )
    clock.advance(1)


async def floor_server(body: bytes) -> tuple[web.AppRunner, str]:
    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(
            body=body,
            headers={"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "r"},
        )

    app = web.Application()
    app.router.add_post("/", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    return runner, f"http://127.0.0.1:{sock.getsockname()[1]}"


def _request(target: str, body: object) -> WireRequest:
    return WireRequest.build(
        "POST",
        "/",
        {
            "Authorization": f"AWS4-HMAC-SHA256 Credential={KEY}/20260101/us-east-1/sagemaker/aws4_request,"
            " SignedHeaders=x, Signature=x",
            "X-Amz-Date": "20260101T000000Z",
            "X-Amz-Target": f"SageMaker.{target}",
        },
        json.dumps(body).encode(),
    )


async def main() -> None:
    session = AioSession()
    clock = FakeClock()
    describe = {"InferenceComponentName": "ic"}
    request = _request("DescribeInferenceComponent", describe)
    offline_config = AioConfig(http_session_cls=HttpxSession)
    payload = b"x" * 64 * 1024

    async def chunks(invocation: Invocation) -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 1024):
            yield payload[start : start + 1024]

    async with LocalSageMaker(clock=clock) as sm, AsyncExitStack() as stack:
        sagemaker = await stack.enter_async_context(
            session.create_client("sagemaker", **sm.client_kwargs("sagemaker"))
        )
        await deploy(sagemaker, clock)
        sm.set_handler("ic", stream=chunks)
        # The floor answers the emulator's own bytes, so both clients parse the same body.
        canned = await sm._service.handle(request)
        assert isinstance(canned.body, bytes)
        runner, floor_url = await floor_server(canned.body)
        stack.push_async_callback(runner.cleanup)
        bare = await stack.enter_async_context(
            session.create_client(
                "sagemaker", endpoint_url=floor_url, region_name="us-east-1", **CREDENTIALS
            )
        )
        runtime = await stack.enter_async_context(
            session.create_client("sagemaker-runtime", **sm.client_kwargs("sagemaker-runtime"))
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # httpx2 preference notice
            stack.enter_context(sm.mock())
            offline = await stack.enter_async_context(
                session.create_client(
                    "sagemaker", region_name="us-east-1", config=offline_config, **CREDENTIALS
                )
            )

        async def invoke() -> None:
            answer = await runtime.invoke_endpoint(
                EndpointName="ep", InferenceComponentName="ic", Body=b"{}"
            )
            assert len(await answer["Body"].read()) == len(payload)

        async def stream() -> None:
            answer = await runtime.invoke_endpoint_with_response_stream(
                EndpointName="ep", InferenceComponentName="ic", Body=b"{}"
            )
            parts = [e["PayloadPart"]["Bytes"] async for e in answer["Body"]]
            assert len(parts) == 64

        best = await best_per_call(
            {
                "floor": lambda: bare.describe_inference_component(**describe),
                "aiohttp": lambda: sagemaker.describe_inference_component(**describe),
                "respx": lambda: offline.describe_inference_component(**describe),
                "core": lambda: sm._service.handle(request),
            }
        )
        runtime_best = await best_per_call({"invoke": invoke, "stream": stream}, count=100)

    floor = best["floor"]
    print(f"LocalSageMaker (best of {ROUNDS} interleaved rounds of {CALLS} sequential calls)")
    record(
        BENCH,
        "floor",
        "floor: aiobotocore -> bare aiohttp server (canned answer)",
        floor * 1e6,
        "µs",
    )
    for name, label in (
        ("aiohttp", "DescribeInferenceComponent -> LocalSageMaker (aiohttp)"),
        ("respx", "DescribeInferenceComponent -> LocalSageMaker (respx)"),
        ("core", "core alone (Service.handle: no HTTP, no client)"),
    ):
        record(
            BENCH,
            name,
            label,
            best[name] * 1e6,
            "µs",
            baseline=floor * 1e6,
            baseline_label="floor",
            target="ratio <= 1.5" if name == "aiohttp" else None,
        )
    invoked, streamed = runtime_best["invoke"], runtime_best["stream"]
    record(
        BENCH,
        "stream",
        "InvokeEndpointWithResponseStream, 64 x 1 KiB parts",
        streamed * 1e6,
        "µs",
        baseline=invoked * 1e6,
        baseline_label="InvokeEndpoint, 64 KiB answer",
    )


if __name__ == "__main__":
    asyncio.run(main())

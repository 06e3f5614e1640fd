"""Many LoRA adapters on one base component: create them concurrently, invoke each.

An adapter component holds only where its weights are; it runs inside the copies of its
base component and scales with it. ``create_many`` creates (and here awaits) many at
once, ``concurrency`` at a time, and reports each outcome instead of stopping at the
first error. ``python examples/lora_adapters.py``
"""

from __future__ import annotations

import asyncio
import json

from _local import IMAGE, create_endpoint, local_client

import ic_sdk
from ic_sdk.testing import Invocation, LocalSageMaker, Reply

BASE = "mistral-7b"
TASKS = ["sql", "support", "summarize", "translate", "classify"]


async def fine_tuned(invocation: Invocation) -> Reply:
    """What the emulated container answers: which adapter ran, on which base."""
    prompt = invocation.json()
    text = f"[{invocation.inference_component_name} on {invocation.base_inference_component_name}]"
    return Reply(body=json.dumps({"generated_text": f"{text} {prompt}"}).encode())


async def main() -> None:
    async with LocalSageMaker(delays=0.2) as sm, local_client(sm) as client:
        await create_endpoint(client, "shared-gpu")
        base = ic_sdk.base_component(
            name=BASE,
            endpoint_name="shared-gpu",
            variant_name="AllTraffic",
            image=IMAGE,
            environment={"HF_MODEL_ID": "mistralai/Mistral-7B-v0.3", "OPTION_ENABLE_LORA": "1"},
            memory_mb=16_384,
            accelerators=1,
        )
        await client.create(base)
        # watch() is the waiter as an async iterator of events.
        async for event in client.watch(BASE):
            print(f"{event.name}: {event.kind} {event.status}")

        adapters = [
            ic_sdk.adapter_component(
                name=f"{BASE}-{task}",
                endpoint_name="shared-gpu",
                base_component_name=BASE,
                artifact_url=f"s3://my-models/adapters/{task}/",
            )
            for task in TASKS
        ]
        for request in adapters:
            sm.set_handler(request.inference_component_name, fine_tuned)
        results = await client.create_many(adapters, concurrency=3, wait=True)
        for result in results:
            print(f"{result.name}: {'InService' if result.ok else result.error}")
        assert all(r.ok for r in results)

        for result in results:
            answer = await client.invoke(result.name, json.dumps("hi"))
            print(json.loads(answer.body or b"null")["generated_text"])

        # Adapters go before their base, the base before the endpoint: teardown
        # follows the order the service requires, waiting for each group.
        await client.teardown("shared-gpu")
        print(f"{len(results)} adapters and their base deleted")


if __name__ == "__main__":
    asyncio.run(main())

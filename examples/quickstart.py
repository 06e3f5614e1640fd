"""Quick start: deploy a model as an inference component, call it, remove it.

Runs offline against LocalSageMaker: ``python examples/quickstart.py``. Against AWS, build
the client with ``InferenceComponentClient(region="us-east-1")`` instead.
"""

from __future__ import annotations

import asyncio
import json

from _local import IMAGE, ROLE_ARN, local_client

import ic_sdk
from ic_sdk.testing import LocalSageMaker


def show(event: ic_sdk.WaiterEvent) -> None:
    """Print each status change a waiter sees."""
    if event.kind == "status_changed":
        print(f"  {event.name}: {event.status} after {event.elapsed:.1f}s")


async def main() -> None:
    async with LocalSageMaker(delays=0.2) as sm, local_client(sm) as client:
        # An endpoint ready for inference components: no model on its variant.
        endpoint = ic_sdk.ic_endpoint(
            "shared-gpu", instance_type="ml.g5.12xlarge", execution_role_arn=ROLE_ARN
        )
        await client.create_endpoint_and_wait(endpoint)
        # A typed request; mistakes raise ic_sdk.ValidationError before anything is sent.
        request = ic_sdk.base_component(
            name="llama-3-8b",
            endpoint_name="shared-gpu",
            variant_name="AllTraffic",
            image=IMAGE,
            artifact_url="s3://my-models/llama-3-8b/model.tar.gz",
            environment={"OPTION_TENSOR_PARALLEL_DEGREE": "1"},
            memory_mb=24_576,
            cpu_cores=4,
            accelerators=1,
            copies=1,
        )
        created = await client.create(request)
        print(f"created {created.inference_component_arn}")

        ready = await client.wait_until_in_service("llama-3-8b", on_event=show)
        assert ready.runtime_config is not None
        print(f"copies running: {ready.runtime_config.current_copy_count}")

        answer = await client.invoke(
            "llama-3-8b", json.dumps({"inputs": "Hello!"}), content_type="application/json"
        )
        print(f"answer: {json.loads(answer.body or b'null')}")

        # Everything on the endpoint, then the endpoint and its config, in order.
        await client.teardown("shared-gpu")
        print("deleted")


if __name__ == "__main__":
    asyncio.run(main())

"""Roll out a new container image copy by copy, and notice a rollback.

An update with a rolling deployment replaces copies in batches, waiting between them. If
the new image fails, SageMaker rolls back: the component returns to ``InService`` with
its ``FailureReason`` set. ``update_and_wait`` notices that within two polls and raises
``UpdateRolledBack`` with the reason and the description. Here LocalSageMaker is told to
fail the second update.
``python examples/rolling_update.py``
"""

from __future__ import annotations

import asyncio

from _local import IMAGE, create_endpoint, local_client

import ic_sdk
from ic_sdk.builders import base_spec
from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker

NAME = "llama-3-8b"


def spec_for(image_tag: str) -> ic_sdk.models.InferenceComponentSpecification:
    return base_spec(
        image=IMAGE.replace("0.29.0-lmi11.0.0-cu124", image_tag),
        memory_mb=16_384,
        accelerators=1,
    )


async def main() -> None:
    # The rollout waits 60 s between batches: on a FakeClock shared with the emulator
    # those minutes pass at once.
    clock = FakeClock()
    async with (
        LocalSageMaker(clock=clock, delays=0.2) as sm,
        local_client(sm, clock=clock, max_attempts=1) as client,
    ):
        await create_endpoint(client, "shared-gpu", instances=2)
        await client.create(
            ic_sdk.base_component(
                name=NAME,
                endpoint_name="shared-gpu",
                variant_name="AllTraffic",
                image=IMAGE,
                memory_mb=16_384,
                accelerators=1,
                copies=4,
            )
        )
        await client.wait_until_in_service(NAME)

        # One copy at a time, 60 s apart; at most 20 minutes in all.
        rollout = ic_sdk.rolling_deployment(batch_copies=1, wait_s=60, timeout_s=1200)
        update = ic_sdk.update_component(
            name=NAME, specification=spec_for("0.30.0-lmi12.0.0-cu124"), deployment=rollout
        )
        done = await client.update_and_wait(update)
        print(f"first update: {done.inference_component_status}, reason {done.failure_reason}")
        assert done.failure_reason is None

        sm.faults.fail_next_update(NAME, reason="CannotStartContainerError on 1 copy")
        update = ic_sdk.update_component(
            name=NAME, specification=spec_for("0.31.0-broken"), deployment=rollout
        )
        try:
            await client.update_and_wait(update)
        except ic_sdk.UpdateRolledBack as rolled_back:
            print(f"second update rolled back: {rolled_back.failure_reason}")
        else:
            raise AssertionError("the second update should have been rolled back")

        await client.delete_and_wait(NAME)


if __name__ == "__main__":
    asyncio.run(main())

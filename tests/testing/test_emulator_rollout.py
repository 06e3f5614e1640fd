"""Rolling updates batch by batch on the clock, with plain aiobotocore clients."""

from __future__ import annotations

from typing import Any

import pytest

from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from tests.testing.emulator_support import IMAGE, SETTLE, base_request, expect_error

V2 = f"{IMAGE}-v2"


def policy(
    batch: int,
    wait: int,
    *,
    kind: str = "COPY_COUNT",
    rollback: dict[str, Any] | None = None,
    alarms: list[str] | None = None,
    timeout: int | None = None,
) -> dict[str, Any]:
    rolling: dict[str, Any] = {
        "MaximumBatchSize": {"Type": kind, "Value": batch},
        "WaitIntervalInSeconds": wait,
    }
    if rollback is not None:
        rolling["RollbackMaximumBatchSize"] = rollback
    if timeout is not None:
        rolling["MaximumExecutionTimeoutInSeconds"] = timeout
    config: dict[str, Any] = {"RollingUpdatePolicy": rolling}
    if alarms:
        config["AutoRollbackConfiguration"] = {"Alarms": [{"AlarmName": a} for a in alarms]}
    return config


async def deploy(
    sagemaker: Any, clock: FakeClock, endpoint: str, copies: int, *, gpus: int | None = 1
) -> None:
    """Copies of one GPU each (four fit on the endpoint), or of four CPU cores (``gpus=None``:
    twelve fit)."""
    request = base_request("ic", endpoint, copies=copies, accelerators=gpus)
    await sagemaker.create_inference_component(**request)
    clock.advance(SETTLE)


async def update(
    sagemaker: Any, endpoint: str, deployment: dict[str, Any] | None, **kw: Any
) -> None:
    spec = base_request("ic", endpoint, image=V2)["Specification"]
    extra = {"DeploymentConfig": deployment} if deployment is not None else {}
    await sagemaker.update_inference_component(
        InferenceComponentName="ic", Specification=spec, **extra
    )


async def snapshot(sagemaker: Any) -> tuple[str, str, int, int]:
    """Status, image shown, desired and current copies."""
    d = await sagemaker.describe_inference_component(InferenceComponentName="ic")
    image = d["Specification"]["Container"]["DeployedImage"]["SpecifiedImage"]
    rc = d["RuntimeConfig"]
    assert rc["PlacementStatus"] == [
        {"InstanceType": "ml.g5.12xlarge", "CurrentCopyCount": rc["CurrentCopyCount"]}
    ]
    return d["InferenceComponentStatus"], image, rc["DesiredCopyCount"], rc["CurrentCopyCount"]


async def test_four_copies_in_batches_of_one_with_120_s_waits(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await deploy(sagemaker, clock, endpoint, 4, gpus=None)
    await update(sagemaker, endpoint, policy(1, 120), gpus=None)
    # Each step: provision one new copy (0.4 s), bake 120 s, retire one old copy.
    clock.advance(130)
    assert await snapshot(sagemaker) == ("Updating", IMAGE, 4, 5)
    clock.advance(3 * 120.4 - 130 + 120)  # just before the last bake ends
    assert (await snapshot(sagemaker))[:2] == ("Updating", IMAGE)
    clock.advance(2)
    assert await snapshot(sagemaker) == ("InService", V2, 4, 4)


async def test_both_fleets_hold_capacity_during_a_step(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    # Two copies of one GPU each; a batch of one adds a third while baking.
    await deploy(sagemaker, clock, endpoint, 2)
    await update(sagemaker, endpoint, policy(1, 600))
    clock.advance(1)
    await expect_error(
        sagemaker.create_inference_component(**base_request("other", endpoint, copies=2)),
        "ResourceLimitExceeded",
    )
    await sagemaker.create_inference_component(**base_request("other", endpoint, copies=1))


async def test_an_update_whose_steps_cannot_fit_is_refused(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    # Blue/green (no DeploymentConfig): 3 old + 3 new copies of one GPU on four GPUs.
    await deploy(sagemaker, clock, endpoint, 3)
    await expect_error(
        update(sagemaker, endpoint, None),
        "ResourceLimitExceeded",
        "runs 3 copies of the new specification beside 3 copies of the old one",
    )
    # One copy at a time fits: 3 old + 1 new.
    await update(sagemaker, endpoint, policy(1, 0))
    clock.advance(3 * 0.4 + 0.1)
    assert await snapshot(sagemaker) == ("InService", V2, 3, 3)


@pytest.mark.parametrize(
    ("size", "copies", "message"),
    [
        ({"Type": "CAPACITY_PERCENT", "Value": 100}, 4, "between 5% and 50%"),
        ({"Type": "CAPACITY_PERCENT", "Value": 4}, 4, "between 5% and 50%"),
        ({"Type": "COPY_COUNT", "Value": 3}, 4, "at most 50% of the copy count"),
    ],
)
async def test_batch_size_rules(
    sagemaker: Any,
    endpoint: str,
    clock: FakeClock,
    size: dict[str, Any],
    copies: int,
    message: str,
) -> None:
    await deploy(sagemaker, clock, endpoint, copies)
    deployment = {"RollingUpdatePolicy": {"MaximumBatchSize": size, "WaitIntervalInSeconds": 0}}
    await expect_error(update(sagemaker, endpoint, deployment), "ValidationException", message)
    assert (await snapshot(sagemaker))[0] == "InService"


async def test_capacity_percent_batches(sagemaker: Any, endpoint: str, clock: FakeClock) -> None:
    await deploy(sagemaker, clock, endpoint, 2)
    # 50% of 2 copies: one copy a step, two steps of 0.4 s + 10 s.
    await update(sagemaker, endpoint, policy(50, 10, kind="CAPACITY_PERCENT"))
    clock.advance(11)
    assert await snapshot(sagemaker) == ("Updating", IMAGE, 2, 3)
    clock.advance(10)
    assert await snapshot(sagemaker) == ("InService", V2, 2, 2)


async def test_an_alarm_in_alarm_rolls_back(
    sm: LocalSageMaker, sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await deploy(sagemaker, clock, endpoint, 4, gpus=None)
    rollback = {"Type": "COPY_COUNT", "Value": 1}
    deployment = policy(1, 60, rollback=rollback, alarms=["p99-latency"])
    await update(sagemaker, endpoint, deployment, gpus=None)
    clock.advance(61)  # first batch baked: alarm OK
    assert await snapshot(sagemaker) == ("Updating", IMAGE, 4, 5)
    sm.alarms.set_state("p99-latency", "ALARM")
    # The second batch has baked at 120.8 s: the alarm fires. Three old copies run; the
    # rollback brings back the fourth (0.4 s), then retires both new ones.
    clock.advance(59.9)
    assert await snapshot(sagemaker) == ("Updating", IMAGE, 4, 6)
    clock.advance(0.5)
    described = await sagemaker.describe_inference_component(InferenceComponentName="ic")
    assert await snapshot(sagemaker) == ("InService", IMAGE, 4, 4)
    assert "p99-latency" in described["FailureReason"]


async def test_an_alarm_source_is_asked_first(
    sm: LocalSageMaker, sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    asked: list[tuple[str, str, str]] = []

    def source(account: str, region: str, name: str) -> str | None:
        asked.append((account, region, name))
        return "ALARM"

    sm.alarms.source = source
    await deploy(sagemaker, clock, endpoint, 2)
    await update(sagemaker, endpoint, policy(1, 5, alarms=["errors"]))
    clock.advance(6)
    await snapshot(sagemaker)  # changes apply when the emulator is next asked
    assert asked == [("123456789012", "us-east-1", "errors")]
    clock.advance(SETTLE)
    assert await snapshot(sagemaker) == ("InService", IMAGE, 2, 2)


async def test_execution_timeout_rolls_back(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await deploy(sagemaker, clock, endpoint, 2)
    await update(sagemaker, endpoint, policy(1, 400, timeout=600))
    clock.advance(2 * 400.4 + SETTLE)
    described = await sagemaker.describe_inference_component(InferenceComponentName="ic")
    assert await snapshot(sagemaker) == ("InService", IMAGE, 2, 2)
    assert "MaximumExecutionTimeoutInSeconds (600 seconds)" in described["FailureReason"]


async def test_updates_are_refused_while_updating(
    sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    await deploy(sagemaker, clock, endpoint, 2)
    await update(sagemaker, endpoint, policy(1, 100))
    await expect_error(
        sagemaker.update_inference_component_runtime_config(
            InferenceComponentName="ic", DesiredRuntimeConfig={"CopyCount": 1}
        ),
        "ValidationException",
        "while its status is Updating",
    )

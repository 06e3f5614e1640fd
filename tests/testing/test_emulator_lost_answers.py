"""The "lost answer" fault (applied, then hung up) and malformed answers, seen from botocore."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

from ic_sdk.clock import FakeClock
from ic_sdk.testing import LocalSageMaker
from tests.testing.emulator_support import SETTLE, base_request


async def test_a_lost_answer_applies_the_request_then_hangs_up(
    sm: LocalSageMaker, sagemaker: Any, endpoint: str, clock: FakeClock
) -> None:
    rule = sm.faults.lose_answers("CreateInferenceComponent", times=1)
    with pytest.raises(ConnectionClosedError):
        await sagemaker.create_inference_component(**base_request("ic", endpoint))
    assert rule.fired == 1
    assert sm.faults.rules == ()
    described = await sagemaker.describe_inference_component(InferenceComponentName="ic")
    assert described["InferenceComponentStatus"] == "Creating"
    # the request really happened: a second create meets the first
    with pytest.raises(ClientError, match="already existing"):
        await sagemaker.create_inference_component(**base_request("ic", endpoint))
    clock.advance(SETTLE)


async def test_a_lost_answer_to_a_refused_request_changes_nothing(
    sm: LocalSageMaker, sagemaker: Any
) -> None:
    sm.faults.lose_answers("DeleteInferenceComponent", times=1)
    with pytest.raises(ConnectionClosedError):
        await sagemaker.delete_inference_component(InferenceComponentName="nothing")
    listed = await sagemaker.list_inference_components()
    assert listed["InferenceComponents"] == []


async def test_lost_answers_by_rate_only_on_named_operations(
    sm: LocalSageMaker, sagemaker: Any, endpoint: str
) -> None:
    rule = sm.faults.lose_answers(["DeleteInferenceComponent"], times=None, rate=0.5)
    for _ in range(10):
        await sagemaker.list_inference_components()
    assert rule.fired == 0
    outcomes = []
    for i in range(20):
        try:
            await sagemaker.delete_inference_component(InferenceComponentName=f"x{i}")
        except ConnectionClosedError:
            outcomes.append("lost")
        except ClientError:
            outcomes.append("answered")
    assert 0 < outcomes.count("lost") < 20
    assert rule.fired == outcomes.count("lost")
    rule.remove()
    assert sm.faults.rules == ()


async def test_malformed_answers_are_sent_verbatim(sm: LocalSageMaker, sagemaker: Any) -> None:
    sm.faults.malformed_answers(
        b'{"InferenceComponents": [], "NextToken": 5}', operations="ListInferenceComponents"
    )
    listed = await sagemaker.list_inference_components()
    assert listed["NextToken"] == 5  # botocore does not check what it reads
    sm.faults.malformed_answers(b"<html></html>", status=502, times=2)
    with pytest.raises(ClientError) as info:
        await sagemaker.list_inference_components()
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 502


def test_fault_arguments_are_checked(sm: LocalSageMaker) -> None:
    with pytest.raises(ValueError, match="times"):
        sm.faults.lose_answers(times=0)
    with pytest.raises(ValueError, match="rate"):
        sm.faults.lose_answers(rate=1.5)

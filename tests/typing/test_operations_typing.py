"""``client.call`` and ``client.paginate`` infer each operation's exact output model.

Checked by ``mypy --strict`` (``assert_type``); it also runs against LocalSageMaker.
"""

from __future__ import annotations

from typing import assert_type

import ic_sdk
from ic_sdk import models
from ic_sdk.clock import FakeClock
from ic_sdk.models import runtime
from ic_sdk.testing import LocalSageMaker
from tests.client_support import facade

ROLE = "arn:aws:iam::123456789012:role/SageMaker"


async def script(client: ic_sdk.InferenceComponentClient) -> None:
    plan = ic_sdk.ic_endpoint(
        "ep",
        instance_type="ml.g5.12xlarge",
        execution_role_arn=ROLE,
        min_instances=1,
        max_instances=2,
    )
    assert_type(plan, ic_sdk.EndpointPlan)
    assert_type(await client.create_endpoint(plan), models.CreateEndpointOutput)
    ready = await client.wait_until_endpoint_in_service("ep")
    assert_type(ready, models.DescribeEndpointOutput)

    described = await client.call(models.DescribeEndpointInput(endpoint_name="ep"))
    assert_type(described, models.DescribeEndpointOutput)
    assert described.endpoint_status == "InService"

    config = await client.call(models.DescribeEndpointConfigInput(endpoint_config_name="ep"))
    assert_type(config, models.DescribeEndpointConfigOutput)

    tags = await client.call(
        models.AddTagsInput(
            resource_arn=described.endpoint_arn, tags=[models.Tag(key="k", value="v")]
        )
    )
    assert_type(tags, models.AddTagsOutput)

    async for endpoints in client.paginate(models.ListEndpointsInput(max_results=1)):
        assert_type(endpoints, models.ListEndpointsOutput)
        assert_type(endpoints.endpoints, list[models.EndpointSummary])
        assert [e.endpoint_name for e in endpoints.endpoints] == ["ep"]

    async for page in client.paginate(models.ListInferenceComponentsInput(max_results=1)):
        assert_type(page, models.ListInferenceComponentsOutput)
        assert_type(page.inference_components, list[models.InferenceComponentSummary])


async def types_only(client: ic_sdk.InferenceComponentClient) -> None:
    """Not run: the runtime service and operations that answer nothing."""
    answer = await client.call(
        runtime.InvokeEndpointInput(endpoint_name="ep", body=b"{}", inference_component_name="x")
    )
    assert_type(answer, runtime.InvokeEndpointOutput)
    assert_type(await client.call(models.DeleteModelInput(model_name="m")), None)


async def test_script_runs() -> None:
    clock = FakeClock()
    async with LocalSageMaker(clock=clock) as sm, facade(sm, clock) as client:
        await script(client)

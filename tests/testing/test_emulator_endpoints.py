"""LocalSageMaker: listing endpoints, configs and models; DeleteTags; seeded endpoints;
operations it does not emulate; the ``ic-sdk emulator`` options for endpoints and faults."""

from __future__ import annotations

import pytest

import ic_sdk
from ic_sdk import models
from ic_sdk.cli import build_parser
from ic_sdk.cli._emulator_opts import configure, describe
from ic_sdk.cli._output import CliError
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.errors import ServiceValidationError, ThrottlingError
from ic_sdk.testing import LocalSageMaker
from tests.client_support import ROLE


async def _endpoints(client: InferenceComponentClient, names: list[str]) -> None:
    for name in names:
        await client.create_endpoint(
            ic_sdk.ic_endpoint(name, instance_type="ml.g5.xlarge", execution_role_arn=ROLE)
        )


async def test_list_endpoints_pages_filters_and_sorts(
    client: InferenceComponentClient, clock: FakeClock
) -> None:
    await _endpoints(client, ["a-ep", "b-ep", "c-other"])
    pages = [
        p
        async for p in client.paginate(
            models.ListEndpointsInput(max_results=2, sort_by="Name", sort_order="Ascending")
        )
    ]
    assert [[e.endpoint_name for e in p.endpoints] for p in pages] == [
        ["a-ep", "b-ep"],
        ["c-other"],
    ]
    assert {str(e.endpoint_status) for p in pages for e in p.endpoints} == {"Creating"}
    clock.advance(60)
    only = await client.call(
        models.ListEndpointsInput(name_contains="-EP", status_equals="InService")
    )
    assert sorted(e.endpoint_name for e in only.endpoints) == ["a-ep", "b-ep"]
    configs = await client.call(models.ListEndpointConfigsInput(name_contains="other"))
    assert [c.endpoint_config_name for c in configs.endpoint_configs] == ["c-other"]


async def test_list_models_and_delete_tags(client: InferenceComponentClient) -> None:
    for name in ("m1", "m2"):
        await client.call(
            models.CreateModelInput(
                model_name=name,
                primary_container=models.ContainerDefinition(image="img:1"),
                execution_role_arn=ROLE,
                tags=[models.Tag(key="team", value="x"), models.Tag(key="keep", value="y")],
            )
        )
    listed = await client.call(models.ListModelsInput(sort_by="Name", sort_order="Descending"))
    assert [m.model_name for m in listed.models] == ["m2", "m1"]
    arn = listed.models[0].model_arn
    await client.call(models.DeleteTagsInput(resource_arn=arn, tag_keys=["team"]))
    tags = await client.call(models.ListTagsInput(resource_arn=arn))
    assert tags.tags == [models.Tag(key="keep", value="y")]


async def test_operations_it_does_not_emulate_say_so(client: InferenceComponentClient) -> None:
    with pytest.raises(ServiceValidationError) as info:
        await client.call(models.ListTrainingJobsRequest())
    assert "LocalSageMaker does not emulate ListTrainingJobs" in info.value.message
    assert info.value.http_status == 400
    assert not info.value.retryable


async def test_seeded_endpoints_are_in_service(
    sm: LocalSageMaker, client: InferenceComponentClient
) -> None:
    sm.add_endpoint("ready", instance_type="ml.g5.12xlarge", instance_count=2)
    desc = await client.describe_endpoint("ready")
    assert desc.endpoint_status == "InService"
    assert desc.production_variants[0].current_instance_count == 2
    config = await client.call(models.DescribeEndpointConfigInput(endpoint_config_name="ready"))
    assert config.production_variants[0].model_name is None
    assert config.production_variants[0].managed_instance_scaling is None


async def test_seeded_endpoints_may_scale_their_instances(
    sm: LocalSageMaker, client: InferenceComponentClient
) -> None:
    sm.add_endpoint("elastic", min_instances=0, max_instances=3)
    config = await client.call(models.DescribeEndpointConfigInput(endpoint_config_name="elastic"))
    scaling = config.production_variants[0].managed_instance_scaling
    assert scaling is not None
    assert (scaling.status, scaling.min_instance_count, scaling.max_instance_count) == (
        "ENABLED",
        0,
        3,
    )


async def test_emulator_command_line_options(
    sm: LocalSageMaker, client: InferenceComponentClient
) -> None:
    args = build_parser().parse_args(
        [
            "emulator",
            "--endpoint",
            "one=ml.g5.12xlarge:2",
            "--endpoint",
            "two=ml.g5.xlarge",
            "--throttle-rate",
            "1",
            "--faults-on",
            "ListEndpoints",
            "--fail-next-create",
            "doomed=CapacityError: none left",
        ]
    )
    configure(sm, args)
    assert describe(args)[:2] == [
        "endpoint one=ml.g5.12xlarge:2 (InService)",
        "endpoint two=ml.g5.xlarge (InService)",
    ]
    assert (await client.describe_endpoint("two")).endpoint_status == "InService"
    with pytest.raises(ThrottlingError):
        await client.call(models.ListEndpointsInput())
    with pytest.raises(ic_sdk.EndpointFailed, match="none left"):
        await client.create_endpoint_and_wait(
            ic_sdk.ic_endpoint("doomed", instance_type="ml.g5.xlarge", execution_role_arn=ROLE)
        )
    sm.faults.clear()
    configure(
        sm,
        build_parser().parse_args(
            ["emulator", "--lose-answers", "1", "--faults-on", "CreateModel"]
        ),
    )
    model = models.CreateModelInput(
        model_name="m",
        primary_container=models.ContainerDefinition(image="i:1"),
        execution_role_arn=ROLE,
    )
    out = await client.call(model)  # applied, then the answer was lost: reconciled
    (rule,) = sm.faults.rules
    assert rule.fired >= 1
    described = await client.call(models.DescribeModelInput(model_name="m"))
    assert out.model_arn == described.model_arn


def test_a_malformed_endpoint_option_is_an_error() -> None:
    args = build_parser().parse_args(["emulator", "--endpoint", "nope"])
    with pytest.raises(CliError, match="NAME=TYPE"):
        configure(LocalSageMaker(), args)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["emulator", "--throttle-rate", "2"])

"""IC-ready endpoints, ``client.call``/``paginate`` and ordered teardown, on LocalSageMaker."""

from __future__ import annotations

from typing import Any

import pytest

import ic_sdk
from ic_sdk import models
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.errors import (
    MalformedResponse,
    ResourceNotFound,
    ServiceError,
    ServiceValidationError,
    ValidationError,
)
from ic_sdk.testing import LocalSageMaker
from tests.client_support import ROLE, adapter, base

# -- the builder -----------------------------------------------------------------------


def test_ic_endpoint_builds_a_variant_without_a_model() -> None:
    plan = ic_sdk.ic_endpoint(
        "shared",
        instance_type="ml.g5.12xlarge",
        instance_count=2,
        execution_role_arn=ROLE,
        min_instances=1,
        max_instances=4,
        startup_health_check_timeout_s=600,
        tags={"team": "search"},
    )
    assert plan.name == "shared"
    assert plan.config_name == "shared"
    (variant,) = plan.config.production_variants
    assert variant.model_name is None
    assert variant.variant_name == "AllTraffic"
    assert variant.initial_instance_count == 2
    assert variant.container_startup_health_check_timeout_in_seconds == 600
    assert variant.routing_config is not None
    assert variant.routing_config.routing_strategy == "LEAST_OUTSTANDING_REQUESTS"
    scaling = variant.managed_instance_scaling
    assert scaling is not None
    assert (scaling.status, scaling.min_instance_count, scaling.max_instance_count) == (
        "ENABLED",
        1,
        4,
    )
    assert plan.config.execution_role_arn == ROLE
    assert plan.endpoint.endpoint_config_name == "shared"
    assert plan.endpoint.tags == [models.Tag(key="team", value="search")]


def test_ic_endpoint_without_bounds_has_no_managed_scaling() -> None:
    plan = ic_sdk.ic_endpoint("e", instance_type="ml.g5.xlarge", execution_role_arn=ROLE)
    assert plan.config.production_variants[0].managed_instance_scaling is None


def test_ic_endpoint_reports_every_problem_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        ic_sdk.ic_endpoint(
            "bad name!",
            instance_type="ml.g5.xlarge",
            instance_count=0,
            execution_role_arn=ROLE,
            min_instances=3,
        )
    rules = {(p.path, p.rule) for p in info.value.problems}
    assert ("EndpointConfigName", "pattern") in rules
    assert ("EndpointName", "pattern") in rules
    assert ("ProductionVariants[0].InitialInstanceCount", "min") in rules
    assert ("ProductionVariants[0].ManagedInstanceScaling", "ic.endpoint-scaling-bounds") in rules


def test_ic_endpoint_count_must_sit_within_the_bounds() -> None:
    with pytest.raises(ValidationError, match="within min_instances"):
        ic_sdk.ic_endpoint(
            "e",
            instance_type="ml.g5.xlarge",
            instance_count=5,
            execution_role_arn=ROLE,
            min_instances=1,
            max_instances=2,
        )
    with pytest.raises(ValidationError, match="exceeds max_instances"):
        ic_sdk.ic_endpoint(
            "e",
            instance_type="ml.g5.xlarge",
            execution_role_arn=ROLE,
            min_instances=3,
            max_instances=2,
        )


# -- endpoints on the emulator -----------------------------------------------------------

PLAN = ic_sdk.ic_endpoint("ep", instance_type="ml.g5.12xlarge", execution_role_arn=ROLE)


async def test_create_endpoint_and_wait(client: InferenceComponentClient) -> None:
    desc = await client.create_endpoint_and_wait(PLAN)
    assert desc.endpoint_status == "InService"
    assert desc.endpoint_config_name == "ep"


async def test_create_endpoint_is_idempotent_after_a_lost_answer(
    client: InferenceComponentClient, raw: Any
) -> None:
    # The config went through but its answer never came back: the same plan again
    # must not fail on "already existing".
    await raw.create_endpoint_config(
        EndpointConfigName="ep",
        ExecutionRoleArn=ROLE,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "InstanceType": "ml.g5.12xlarge",
                "InitialInstanceCount": 1,
                "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
            }
        ],
    )
    await client.create_endpoint(PLAN)
    await client.create_endpoint(PLAN)  # and the endpoint's answer too
    assert (await client.wait_until_endpoint_in_service("ep")).endpoint_status == "InService"


async def test_someone_elses_config_stays_an_error(
    client: InferenceComponentClient, raw: Any
) -> None:
    await raw.create_endpoint_config(
        EndpointConfigName="ep",
        ExecutionRoleArn=ROLE,
        ProductionVariants=[
            {"VariantName": "AllTraffic", "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}
        ],
    )
    with pytest.raises(ServiceValidationError, match="already existing"):
        await client.create_endpoint(PLAN)


async def test_failed_endpoint_raises(client: InferenceComponentClient, sm: LocalSageMaker) -> None:
    sm.faults.fail_next_create("ep", reason="no capacity")
    with pytest.raises(ic_sdk.EndpointFailed, match="no capacity") as info:
        await client.create_endpoint_and_wait(PLAN)
    failed = info.value
    assert not isinstance(failed, ic_sdk.ComponentFailed)  # an endpoint is no component
    assert (failed.name, failed.status, failed.failure_reason) == ("ep", "Failed", "no capacity")
    assert not failed.rolled_back
    assert failed.description is not None
    assert failed.description.endpoint_status == "Failed"


async def test_delete_endpoint_and_wait(client: InferenceComponentClient) -> None:
    await client.create_endpoint_and_wait(PLAN)
    await client.delete_endpoint_and_wait("ep")
    with pytest.raises(ResourceNotFound):
        await client.describe_endpoint("ep")
    await client.delete_endpoint_and_wait("ep", missing_ok=True)
    with pytest.raises(ResourceNotFound):
        await client.delete_endpoint("ep")


# -- call / paginate ---------------------------------------------------------------------


async def test_call_sends_any_operation_and_maps_errors(client: InferenceComponentClient) -> None:
    await client.create_endpoint_and_wait(PLAN)
    desc = await client.call(models.DescribeEndpointInput(endpoint_name="ep"))
    assert isinstance(desc, models.DescribeEndpointOutput)
    assert desc.endpoint_name == "ep"
    with pytest.raises(ResourceNotFound):
        await client.call(models.DescribeEndpointInput(endpoint_name="nope"))
    with pytest.raises(ValidationError, match="EndpointName"):
        await client.call(models.DescribeEndpointInput(endpoint_name="bad name!"))
    with pytest.raises(TypeError, match="not the input model"):
        await client.call(models.Tag(key="k", value="v"))  # type: ignore[call-overload]


async def test_call_routes_component_creates_through_the_client(
    client: InferenceComponentClient,
) -> None:
    await client.create_endpoint_and_wait(PLAN)
    out = await client.call(base())
    assert isinstance(out, models.CreateInferenceComponentOutput)
    assert (await client.wait_until_in_service("base")).inference_component_status == "InService"


async def test_paginate_follows_next_token(client: InferenceComponentClient) -> None:
    await client.create_endpoint_and_wait(PLAN)
    await client.create_and_wait(base())
    await client.create_many([adapter(f"a{i}") for i in range(3)], wait=True)
    pages = [
        page async for page in client.paginate(models.ListInferenceComponentsInput(max_results=2))
    ]
    assert len(pages) == 2
    names = [s.inference_component_name for p in pages for s in p.inference_components]
    assert sorted(names) == ["a0", "a1", "a2", "base"]


async def test_a_service_repeating_a_token_is_an_sdk_error_not_a_loop(
    client: InferenceComponentClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def send(method: str, wire: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {"Endpoints": [], "NextToken": "same"}

    monkeypatch.setattr(client, "_send", send)
    with pytest.raises(MalformedResponse, match="same NextToken twice"):
        async for _ in client.paginate(models.ListEndpointsInput()):
            pass


async def test_paginate_refuses_unpaginated_operations(client: InferenceComponentClient) -> None:
    with pytest.raises(TypeError, match="not paginated"):
        async for _ in client.paginate(models.DescribeEndpointInput(endpoint_name="ep")):  # type: ignore[call-overload]
            pass


def test_the_table_covers_every_operation() -> None:
    import botocore.loaders

    from ic_sdk.models import _operations
    from ic_sdk.models.runtime import _operations as rt_operations

    loader = botocore.loaders.Loader()
    service = loader.load_service_model("sagemaker", "service-2")
    by_name = {op.name: op for op in _operations.OPERATIONS.values()}
    assert set(by_name) == set(service["operations"])
    endpoint = by_name["DescribeEndpoint"]
    assert endpoint.method == "describe_endpoint"
    assert endpoint.output == "DescribeEndpointOutput"
    assert endpoint.waiters == ("EndpointDeleted", "EndpointInService")
    assert by_name["ListEndpoints"].paginator is not None
    assert by_name["ListEndpoints"].paginator.result_key == "Endpoints"
    assert by_name["CreateInferenceComponent"].errors == ("ResourceLimitExceeded",)
    stream = rt_operations.OPERATIONS["InvokeEndpointWithResponseStreamInput"]
    assert stream.streaming
    for op in by_name.values():  # every name resolves to a model class
        assert isinstance(getattr(models, op.input), type)
        assert op.output is None or isinstance(getattr(models, op.output), type)


# -- teardown ----------------------------------------------------------------------------


async def _deployed(client: InferenceComponentClient) -> None:
    await client.create_endpoint_and_wait(PLAN)
    await client.create_and_wait(base())
    results = await client.create_many([adapter(f"a{i}") for i in range(3)], wait=True)
    assert all(r.ok for r in results)
    answer = await client.invoke("a1", b"{}", content_type="application/json")
    assert answer.body


async def _nothing_left(client: InferenceComponentClient) -> None:
    assert [s async for s in client.list()] == []
    with pytest.raises(ResourceNotFound):
        await client.describe_endpoint("ep")
    with pytest.raises(ResourceNotFound):
        await client.call(models.DescribeEndpointConfigInput(endpoint_config_name="ep"))


async def test_teardown_removes_everything_in_order(client: InferenceComponentClient) -> None:
    await _deployed(client)
    events: list[ic_sdk.TeardownEvent] = []
    await client.teardown("ep", on_event=events.append)
    await _nothing_left(client)
    deleting = [(e.resource, e.name) for e in events if e.step == "deleting"]
    assert deleting[-2:] == [("endpoint", "ep"), ("endpoint_config", "ep")]
    kinds = [r for r, _ in deleting]
    assert kinds.index("base") > max(i for i, k in enumerate(kinds) if k == "adapter")
    assert sorted(n for r, n in deleting if r == "adapter") == ["a0", "a1", "a2"]
    assert str(events[-1]) == "endpoint_config ep: deleted"


async def test_teardown_is_idempotent(client: InferenceComponentClient) -> None:
    await _deployed(client)
    await client.teardown("ep")
    events: list[ic_sdk.TeardownEvent] = []
    await client.teardown("ep", on_event=events.append)
    assert [(e.step, e.resource) for e in events] == [
        ("already_gone", "endpoint"),
        ("already_gone", "endpoint_config"),
    ]


async def test_teardown_resumes_after_an_interruption(
    client: InferenceComponentClient, sm: LocalSageMaker
) -> None:
    await _deployed(client)
    # The service keeps failing DeleteEndpoint: retries run out, teardown stops there.
    sm.faults.server_error(status=500, times=None, operations="DeleteEndpoint")
    with pytest.raises(ServiceError):
        await client.teardown("ep")
    assert [s async for s in client.list()] == []  # the components went first
    sm.faults.clear()
    await client.teardown("ep")
    await _nothing_left(client)


class _CtrlC(Exception):
    """Stands for a KeyboardInterrupt arriving in the middle of a teardown."""


async def test_teardown_resumes_after_ctrl_c(client: InferenceComponentClient) -> None:
    await _deployed(client)

    def interrupt(event: ic_sdk.TeardownEvent) -> None:
        if (event.step, event.resource) == ("deleted", "adapter"):
            raise _CtrlC

    with pytest.raises(_CtrlC):
        await client.teardown("ep", on_event=interrupt)
    left = [s.inference_component_name async for s in client.list()]
    assert "base" in left  # interrupted among the adapters
    await client.teardown("ep")
    await _nothing_left(client)


async def test_deploy_and_teardown_with_faults_in_the_way(
    client: InferenceComponentClient, sm: LocalSageMaker
) -> None:
    # Throttling, 5xx, dropped connections and answers lost after the service acted, on
    # every control-plane call (an invocation is not retried: it is not idempotent).
    mutations = [
        "CreateEndpointConfig",
        "CreateEndpoint",
        "CreateInferenceComponent",
        "DeleteInferenceComponent",
        "DeleteEndpoint",
        "DeleteEndpointConfig",
    ]
    reads = [
        "DescribeEndpoint",
        "DescribeEndpointConfig",
        "DescribeInferenceComponent",
        "ListInferenceComponents",
    ]
    rules = [
        sm.faults.server_error(status=503, times=None, rate=0.2, operations=mutations),
        sm.faults.lose_answers(mutations, times=None, rate=0.5),
        sm.faults.throttle(times=None, rate=0.3, operations=[*mutations, *reads]),
        sm.faults.drop_connection(times=None, rate=0.1, operations=[*mutations, *reads]),
    ]
    await _deployed(client)
    events: list[ic_sdk.TeardownEvent] = []
    await client.teardown("ep", on_event=events.append)
    assert all(rule.fired >= 2 for rule in rules), [rule.fired for rule in rules]
    sm.faults.clear()
    await _nothing_left(client)
    assert (events[-1].step, events[-1].resource) == ("deleted", "endpoint_config")


async def test_teardown_after_lost_delete_answers(
    client: InferenceComponentClient, raw: Any
) -> None:
    await _deployed(client)
    # Deletes that went through without their answers reaching anyone.
    await raw.delete_inference_component(InferenceComponentName="a0")
    await client.teardown("ep", delete_config=False)
    with pytest.raises(ResourceNotFound):
        await client.describe_endpoint("ep")
    assert await client.call(models.DescribeEndpointConfigInput(endpoint_config_name="ep"))


async def test_teardown_keeps_foreign_endpoints(
    client: InferenceComponentClient, raw: Any, clock: FakeClock
) -> None:
    from tests.client_support import make_endpoint

    await make_endpoint(raw, clock, name="other")
    await client.create_and_wait(base("other-base", endpoint_name="other"))
    await _deployed(client)
    await client.teardown("ep")
    assert [s.inference_component_name async for s in client.list()] == ["other-base"]
    assert (await client.describe_endpoint("other")).endpoint_status == "InService"


async def test_teardown_with_names_in_the_way(
    client: InferenceComponentClient, sm: LocalSageMaker
) -> None:
    # Endpoints whose names contain, extend or differ only in case from the one torn
    # down, and components named like endpoints: only "ep"'s own things go.
    sm.add_endpoint("ep-2")
    sm.add_endpoint("my-ep")
    await _deployed(client)
    await client.create_and_wait(base("ep", endpoint_name="ep-2"))
    await client.create_and_wait(base("ep-base", endpoint_name="my-ep"))
    await client.teardown("EP")  # names are case-insensitive on the service
    with pytest.raises(ResourceNotFound):
        await client.describe_endpoint("ep")
    with pytest.raises(ResourceNotFound):
        await client.call(models.DescribeEndpointConfigInput(endpoint_config_name="ep"))
    left = sorted([s.inference_component_name async for s in client.list()])
    assert left == ["ep", "ep-base"]
    for name in ("ep-2", "my-ep"):
        assert (await client.describe_endpoint(name)).endpoint_status == "InService"


def test_the_tables_are_generated_files() -> None:
    import botocore

    from ic_sdk.models import _operations
    from ic_sdk.models.runtime import _operations as rt_operations

    for module in (_operations, rt_operations):
        assert module.__file__ is not None
        with open(module.__file__, encoding="utf-8") as f:
            first = f.readline()
        assert "DO NOT EDIT" in first
        assert f"botocore {botocore.__version__}" in first or "botocore 1." in first
    assert {op.name for op in rt_operations.OPERATIONS.values()} == {
        "InvokeEndpoint",
        "InvokeEndpointAsync",
        "InvokeEndpointWithResponseStream",
    }


async def test_teardown_removes_autoscaling_first(client: InferenceComponentClient) -> None:
    await _deployed(client)
    await client.autoscale("base", min_copies=1, max_copies=2, target=5)
    events: list[ic_sdk.TeardownEvent] = []
    await client.teardown("ep", on_event=events.append)
    steps = [(e.step, e.resource, e.name) for e in events if e.step != "waiting"]
    removed = steps.index(("deleted", "autoscaling", "base"))
    assert removed < steps.index(("deleting", "base", "base"))
    assert not await client.remove_autoscaling("base")  # nothing left behind
    await _nothing_left(client)

"""Updating IC-ready endpoints from a plan, on LocalSageMaker and a FakeClock.

``update_endpoint_and_wait`` / ``apply_endpoint`` deploy a new, deterministically named
config, wait until the endpoint runs it and delete the previous one; a rollback or a
failure ends the wait at once with ``EndpointFailed``; every new mutation holds up under
throttling, 5xx answers, dropped connections and lost answers.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import ic_sdk
from ic_sdk import models
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.endpoints import derived_config_name, versioned_config_name
from ic_sdk.errors import (
    EndpointFailed,
    ResourceLimitExceeded,
    ResourceNotFound,
    ServiceValidationError,
    ValidationError,
    WaiterTimeout,
)
from ic_sdk.testing import LocalSageMaker
from ic_sdk.waiters import EventKind, WaiterEvent
from tests.client_support import ROLE, Inject, base


def plan(count: int = 1, **kw: Any) -> ic_sdk.EndpointPlan:
    return ic_sdk.ic_endpoint(
        "ep", instance_type="ml.g5.12xlarge", instance_count=count, execution_role_arn=ROLE, **kw
    )


async def configs(client: InferenceComponentClient) -> list[str]:
    page = await client.call(models.ListEndpointConfigsInput(max_results=100))
    return sorted(c.endpoint_config_name for c in page.endpoint_configs)


def instances(desc: models.DescribeEndpointOutput) -> int | None:
    variants = desc.production_variants
    assert variants is not None
    return variants[0].current_instance_count


# -- the naming scheme -------------------------------------------------------------------


def test_versioned_names_follow_the_content_not_the_tags() -> None:
    one, two = plan(1), plan(2)
    assert versioned_config_name(one) == versioned_config_name(plan(1, tags={"team": "x"}))
    assert versioned_config_name(one) != versioned_config_name(two)
    name = versioned_config_name(one)
    assert name.startswith("ep-")
    assert len(name) == len("ep-") + 8
    assert derived_config_name("ep", name)
    assert derived_config_name("ep", "EP")
    assert not derived_config_name("ep", "ep-other")
    assert not derived_config_name("ep", "shared")
    long = ic_sdk.ic_endpoint("x" * 63, instance_type="ml.g5.xlarge", execution_role_arn=ROLE)
    assert len(versioned_config_name(long)) == 63
    assert ic_sdk.validate(models.DeleteEndpointConfigInput(endpoint_config_name=name)) == []


# -- updates ------------------------------------------------------------------------------


async def test_update_and_wait_deploys_a_new_config_and_deletes_the_old(
    client: InferenceComponentClient,
) -> None:
    await client.create_endpoint_and_wait(plan(1))
    events: list[WaiterEvent] = []
    desc = await client.update_endpoint_and_wait(plan(2), on_event=events.append)
    assert desc.endpoint_status == "InService"
    assert desc.endpoint_config_name == versioned_config_name(plan(2))
    assert instances(desc) == 2
    assert "Updating" in [e.status for e in events]
    assert await configs(client) == [versioned_config_name(plan(2))]  # "ep" is gone
    # and again: ic_sdk's own versioned config is replaced the same way
    desc = await client.update_endpoint_and_wait(plan(1, min_instances=1, max_instances=3))
    assert await configs(client) == [desc.endpoint_config_name]
    await client.teardown("ep")
    assert await configs(client) == []


async def test_an_endpoint_that_matches_is_left_alone(
    client: InferenceComponentClient, sm: LocalSageMaker
) -> None:
    await client.create_endpoint_and_wait(plan(1))
    sm.faults.server_error(status=500, times=None, operations="UpdateEndpoint")  # never sent
    desc = await client.update_endpoint_and_wait(plan(1, tags={"more": "tags"}))
    assert desc.endpoint_config_name == "ep"
    assert await configs(client) == ["ep"]
    change = await client.update_endpoint(plan(1))
    assert change.action == "unchanged"


async def test_apply_endpoint_converges(client: InferenceComponentClient) -> None:
    assert (await client.diff_endpoint(plan(1))).action == "create"
    created = await client.apply_endpoint(plan(1))
    assert (created.action, created.config_name) == ("create", "ep")
    assert created.description is not None
    assert created.description.endpoint_status == "InService"
    assert (await client.apply_endpoint(plan(1))).action == "unchanged"

    wanted = plan(2, routing="RANDOM")
    diff = await client.diff_endpoint(wanted)
    assert diff.action == "update"
    assert diff.changes == (
        "ProductionVariants[0].InitialInstanceCount",
        "ProductionVariants[0].RoutingConfig",
    )
    updated = await client.apply_endpoint(wanted)
    assert (updated.action, updated.config_name) == ("update", versioned_config_name(wanted))
    assert updated.description is not None
    assert instances(updated.description) == 2
    assert (await client.apply_endpoint(wanted)).action == "unchanged"
    # dropping managed instance scaling is a change too
    scaled = plan(2, min_instances=1, max_instances=2)
    await client.apply_endpoint(scaled)
    assert (await client.diff_endpoint(plan(2))).changes == (
        "ProductionVariants[0].ManagedInstanceScaling",
    )


async def test_an_update_in_progress_is_waited_out_first(client: InferenceComponentClient) -> None:
    await client.create_endpoint_and_wait(plan(1))
    started = await client.update_endpoint(plan(2))
    assert started.action == "update"
    assert (await client.describe_endpoint("ep")).endpoint_status == "Updating"
    desc = await client.update_endpoint_and_wait(plan(3))
    assert desc.endpoint_config_name == versioned_config_name(plan(3))
    assert instances(desc) == 3
    # update_endpoint alone left "ep" (it does not wait); the waited update removed plan(2)'s
    assert await configs(client) == ["ep", versioned_config_name(plan(3))]
    await client.teardown("ep")
    assert await configs(client) == []


async def test_teardown_removes_what_an_interrupted_update_left(
    client: InferenceComponentClient, sm: LocalSageMaker
) -> None:
    await client.create_endpoint_and_wait(plan(1))
    # a process that died after creating the new config, before UpdateEndpoint
    await client.call(
        attrs.evolve(plan(2).config, endpoint_config_name=versioned_config_name(plan(2)))
    )
    # an endpoint whose own config merely looks like a versioned name of "ep"
    other = ic_sdk.ic_endpoint("ep-0123abcd", instance_type="ml.g5.xlarge", execution_role_arn=ROLE)
    await client.create_endpoint_and_wait(other)
    events: list[ic_sdk.TeardownEvent] = []
    await client.teardown("ep", on_event=events.append)
    assert await configs(client) == ["ep-0123abcd"]
    deleted = [e.name for e in events if (e.step, e.resource) == ("deleted", "endpoint_config")]
    assert sorted(deleted) == ["ep", versioned_config_name(plan(2))]


async def test_updating_a_missing_endpoint(client: InferenceComponentClient) -> None:
    with pytest.raises(ResourceNotFound):
        await client.update_endpoint_and_wait(plan(2))
    with pytest.raises(ResourceNotFound):
        await client.update_endpoint(plan(2))
    assert await configs(client) == []


async def test_a_refused_update_leaves_no_new_config(
    client: InferenceComponentClient,
) -> None:
    await client.create_endpoint_and_wait(plan(2))
    await client.create_and_wait(base(copies=6))  # six of the eight GPUs
    # checked before anything is sent...
    with pytest.raises(ValidationError, match="hold the 6 copies") as info:
        await client.update_endpoint_and_wait(plan(1))
    (problem,) = info.value.problems
    assert (problem.path, problem.rule) == (
        "ProductionVariants[0].InitialInstanceCount",
        "remote.capacity-exceeded",
    )
    with pytest.raises(ValidationError, match="another variant"):
        await client.apply_endpoint(plan(2, variant_name="Other"))
    assert await configs(client) == ["ep"]
    # ...and refused by LocalSageMaker when the check is skipped
    with pytest.raises(ResourceLimitExceeded, match="6 copies running there now"):
        await client.update_endpoint_and_wait(plan(1), preflight=False)
    assert await configs(client) == ["ep"]
    # managed scaling up to two instances is room enough
    elastic = plan(1, min_instances=1, max_instances=2)
    desc = await client.update_endpoint_and_wait(elastic)
    assert (desc.endpoint_status, desc.endpoint_config_name) == (
        "InService",
        versioned_config_name(elastic),
    )


# -- failures --------------------------------------------------------------------------


async def test_a_rolled_back_update_raises_at_once(
    client: InferenceComponentClient, sm: LocalSageMaker, clock: FakeClock
) -> None:
    await client.create_endpoint_and_wait(plan(1))
    sm.faults.fail_next_update("ep", reason="Request to service failed: no ml.g5.12xlarge")
    events: list[WaiterEvent] = []
    started = clock.now()
    with pytest.raises(EndpointFailed) as info:
        await client.update_endpoint_and_wait(plan(2), on_event=events.append)
    failed = info.value
    assert failed.rolled_back
    assert failed.status == "InService"
    assert failed.failure_reason == "Request to service failed: no ml.g5.12xlarge"
    assert failed.description is not None
    assert failed.description.endpoint_config_name == "ep"
    assert "rolled back" in str(failed)
    assert events[-1].kind is EventKind.FAILED
    assert clock.now() - started < 60  # ended on the first describe showing it
    assert await configs(client) == ["ep"]  # the unused new config is gone
    # the next update goes through, and the service clears the old reason
    desc = await client.update_endpoint_and_wait(plan(2))
    assert desc.failure_reason is None
    assert instances(desc) == 2


@pytest.mark.parametrize("status", ["Failed", "UpdateRollbackFailed"])
async def test_an_endpoint_failing_its_update_raises(
    client: InferenceComponentClient, sm: LocalSageMaker, status: str
) -> None:
    from ic_sdk.testing._resources import Status

    await client.create_endpoint_and_wait(plan(1))
    await client.update_endpoint(plan(2))
    endpoint = sm._accounts.state().endpoint("ep")  # the service gives up on it
    endpoint.generation += 1
    endpoint.pending = None
    endpoint.status = Status(status) if status == "Failed" else status  # type: ignore[assignment]
    endpoint.failure_reason = "CapacityError: the fleet could not be placed"
    with pytest.raises(EndpointFailed, match="CapacityError") as info:
        await client.wait_until_endpoint_in_service("ep")
    assert info.value.status == status
    assert not info.value.rolled_back
    with pytest.raises(EndpointFailed, match=status):
        await client.update_endpoint_and_wait(plan(3))  # nothing more to do but delete


async def test_an_endpoint_wait_that_times_out_names_the_endpoint(
    client: InferenceComponentClient,
) -> None:
    await client.create_endpoint(plan(1))
    with pytest.raises(WaiterTimeout, match="gave up waiting for endpoint 'ep'") as info:
        await client.wait_until_endpoint_in_service("ep", timeout_s=0.2)
    assert (info.value.resource, info.value.last_status) == ("endpoint", "Creating")


# -- faults on every new mutation ---------------------------------------------------------


@pytest.mark.parametrize(
    "operation", ["UpdateEndpoint", "CreateEndpointConfig", "DeleteEndpointConfig"]
)
async def test_update_under_faults(
    client: InferenceComponentClient, sm: LocalSageMaker, fault: Inject, operation: str
) -> None:
    await client.create_endpoint_and_wait(plan(1))
    fault(sm, operation)
    desc = await client.update_endpoint_and_wait(plan(2))
    assert sm.faults.rules == ()  # every injected fault was met
    assert (desc.endpoint_status, instances(desc)) == ("InService", 2)
    assert desc.endpoint_config_name == versioned_config_name(plan(2))
    assert await configs(client) == [versioned_config_name(plan(2))]


async def test_apply_under_faults(
    client: InferenceComponentClient, sm: LocalSageMaker, fault: Inject
) -> None:
    for op in ("CreateEndpointConfig", "CreateEndpoint", "UpdateEndpoint", "DescribeEndpoint"):
        fault(sm, op)
    assert (await client.apply_endpoint(plan(1))).action == "create"
    for op in ("CreateEndpointConfig", "UpdateEndpoint", "DeleteEndpointConfig"):
        fault(sm, op)
    assert (await client.apply_endpoint(plan(2))).action == "update"
    sm.faults.clear()
    assert (await client.apply_endpoint(plan(2))).action == "unchanged"
    assert await configs(client) == [versioned_config_name(plan(2))]


async def test_call_routes_update_endpoint_through_the_reconciled_path(
    client: InferenceComponentClient, sm: LocalSageMaker
) -> None:
    await client.create_endpoint_and_wait(plan(1))
    await client.call(attrs.evolve(plan(2).config, endpoint_config_name="ep-two"))
    request = models.UpdateEndpointInput(endpoint_name="ep", endpoint_config_name="ep-two")
    sm.faults.lose_answers("UpdateEndpoint", times=1)
    out = await client.call(request)  # applied, its answer lost: reconciled, not resent
    assert out.endpoint_arn.endswith(":endpoint/ep")
    desc = await client.describe_endpoint("ep")
    assert desc.pending_deployment_summary is not None
    assert desc.pending_deployment_summary.endpoint_config_name == "ep-two"
    # without a lost answer, "in-progress" is the service's refusal, and stays one
    with pytest.raises(ServiceValidationError, match="in-progress"):
        await client.call(request)


async def test_capacities_through_call_under_faults(
    client: InferenceComponentClient, sm: LocalSageMaker, fault: Inject
) -> None:
    await client.create_endpoint_and_wait(plan(1))
    fault(sm, "UpdateEndpointWeightsAndCapacities")
    request = models.UpdateEndpointWeightsAndCapacitiesInput(
        endpoint_name="ep",
        desired_weights_and_capacities=[
            models.DesiredWeightAndCapacity(variant_name="AllTraffic", desired_instance_count=3)
        ],
    )
    out = await client.call(request)
    assert out.endpoint_arn.endswith(":endpoint/ep")
    assert sm.faults.rules == ()
    desc = await client.wait_until_endpoint_in_service("ep")
    assert instances(desc) == 3


def test_unplaced_counts_the_copies_that_find_no_room() -> None:
    from ic_sdk.capacity import Fleet, Requirement, unplaced
    from ic_sdk.instance_types import lookup

    g5 = lookup("ml.g5.12xlarge")  # 4 GPUs, 48 vCPUs, 192 GiB
    assert g5 is not None
    gpu = Requirement(cpus=4, memory_mib=8192, accelerators=1)
    big = Requirement(cpus=8, memory_mib=65536, accelerators=2)
    assert unplaced(g5, 2, [Fleet(gpu, 6)]) == 0
    assert unplaced(g5, 1, [Fleet(gpu, 6)]) == 2
    assert unplaced(g5, 2, [Fleet(gpu, 4), Fleet(big, 2)]) == 0  # largest first
    assert unplaced(g5, 1, [Fleet(gpu, 2), Fleet(big, 2)]) == 2
    assert unplaced(g5, 1, []) == 0

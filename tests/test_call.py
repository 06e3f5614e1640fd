"""``client.call``: one name per concept, and truthful answers for the mutations of the
deployment path under throttling, 5xx answers, dropped connections and lost answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import pytest

from ic_sdk import _call, _core, models
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.errors import ResourceNotFound, ServiceError, ServiceValidationError, TransportError
from ic_sdk.serde import converter
from ic_sdk.testing import LocalSageMaker
from ic_sdk.testing._faults import FaultRule
from tests.client_support import FAULTS, IMAGE, ROLE, SECRET, VARIANT, base, make_endpoint


def test_the_table_row_and_the_operation_name_agree_where_both_apply() -> None:
    from ic_sdk.models._operations import OPERATIONS

    assert not hasattr(_call, "operation_of")  # one name, one meaning (see _core)
    checked = 0
    for shape, row in OPERATIONS.items():
        cls = getattr(models, shape)
        request = cls.__new__(cls)  # no fields needed: only the type is read
        assert _call.operation_row(request) is row
        if shape.endswith("Input"):
            assert _core.operation_of(request) == row.name
            checked += 1
    assert checked >= 60  # every request the client builds itself is among them


def test_operation_row_refuses_what_is_no_input_model() -> None:
    with pytest.raises(TypeError, match="not the input model"):
        _call.operation_row(models.Tag(key="k", value="v"))


# -- the mutations of the deployment path: truthful under faults -------------------------

MODEL = models.CreateModelInput(
    model_name="m",
    primary_container=models.ContainerDefinition(image=IMAGE, environment={"HF_TOKEN": SECRET}),
    execution_role_arn=ROLE,
)
CONFIG = models.CreateEndpointConfigInput(
    endpoint_config_name="cfg",
    execution_role_arn=ROLE,
    production_variants=[
        models.ProductionVariant(
            variant_name=VARIANT, instance_type="ml.g5.12xlarge", initial_instance_count=1
        )
    ],
)


async def _model_arn(raw: Any) -> str:
    await raw.create_model(**converter.unstructure(MODEL))
    return str((await raw.describe_model(ModelName="m"))["ModelArn"])


async def _tags(raw: Any, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in (await raw.list_tags(ResourceArn=arn))["Tags"]}


async def _create_model(client: InferenceComponentClient, raw: Any, clock: FakeClock) -> None:
    out = await client.call(MODEL)
    assert isinstance(out, models.CreateModelOutput)
    assert out.model_arn == (await raw.describe_model(ModelName="m"))["ModelArn"]
    assert [m["ModelName"] for m in (await raw.list_models())["Models"]] == ["m"]


async def _delete_model(client: InferenceComponentClient, raw: Any, clock: FakeClock) -> None:
    await raw.create_model(**converter.unstructure(MODEL))
    await client.call(models.DeleteModelInput(model_name="m"))
    assert (await raw.list_models())["Models"] == []


async def _create_config(client: InferenceComponentClient, raw: Any, clock: FakeClock) -> None:
    out = await client.call(CONFIG)
    assert isinstance(out, models.CreateEndpointConfigOutput)
    shown = await raw.describe_endpoint_config(EndpointConfigName="cfg")
    assert out.endpoint_config_arn == shown["EndpointConfigArn"]


async def _delete_config(client: InferenceComponentClient, raw: Any, clock: FakeClock) -> None:
    await raw.create_endpoint_config(**converter.unstructure(CONFIG))
    await client.call(models.DeleteEndpointConfigInput(endpoint_config_name="cfg"))
    assert (await raw.list_endpoint_configs())["EndpointConfigs"] == []


async def _add_tags(client: InferenceComponentClient, raw: Any, clock: FakeClock) -> None:
    arn = await _model_arn(raw)
    tags = [models.Tag(key="team", value="search"), models.Tag(key="tier", value="gold")]
    out = await client.call(models.AddTagsInput(resource_arn=arn, tags=tags))
    assert isinstance(out, models.AddTagsOutput)
    assert out.tags == tags
    assert await _tags(raw, arn) == {"team": "search", "tier": "gold"}


async def _delete_tags(client: InferenceComponentClient, raw: Any, clock: FakeClock) -> None:
    arn = await _model_arn(raw)
    await raw.add_tags(
        ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    out = await client.call(models.DeleteTagsInput(resource_arn=arn, tag_keys=["a"]))
    assert isinstance(out, models.DeleteTagsOutput)
    assert await _tags(raw, arn) == {"b": "2"}


async def _delete_endpoint(client: InferenceComponentClient, raw: Any, clock: FakeClock) -> None:
    await make_endpoint(raw, clock)
    await client.call(models.DeleteEndpointInput(endpoint_name="ep"))
    try:
        status = str((await client.describe_endpoint("ep")).endpoint_status)
    except ResourceNotFound:
        status = "gone"
    assert status in ("Deleting", "gone")


async def _scale(client: InferenceComponentClient, raw: Any, clock: FakeClock) -> None:
    await make_endpoint(raw, clock)
    await client.create_and_wait(base())
    request = models.UpdateInferenceComponentRuntimeConfigInput(
        inference_component_name="base",
        desired_runtime_config=models.InferenceComponentRuntimeConfig(copy_count=2),
    )
    out = await client.call(request)
    assert isinstance(out, models.UpdateInferenceComponentRuntimeConfigOutput)
    done = await client.wait_until_scaled("base", copies=2)
    assert done.runtime_config is not None
    assert done.runtime_config.desired_copy_count == 2


Case = Callable[[InferenceComponentClient, Any, FakeClock], Awaitable[None]]

CASES: dict[str, Case] = {
    "CreateModel": _create_model,
    "DeleteModel": _delete_model,
    "CreateEndpointConfig": _create_config,
    "DeleteEndpointConfig": _delete_config,
    "AddTags": _add_tags,
    "DeleteTags": _delete_tags,
    "DeleteEndpoint": _delete_endpoint,
    "UpdateInferenceComponentRuntimeConfig": _scale,
}


@pytest.mark.parametrize("operation", sorted(CASES))
@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_call_mutations_say_what_the_service_did(
    sm: LocalSageMaker,
    client: InferenceComponentClient,
    raw: Any,
    clock: FakeClock,
    operation: str,
    fault: str,
) -> None:
    FAULTS[fault](sm, operation)
    await CASES[operation](client, raw, clock)
    assert sm.faults.rules == ()  # every injected fault was met


async def test_someone_elses_model_stays_an_error(
    sm: LocalSageMaker, client: InferenceComponentClient, raw: Any
) -> None:
    theirs = attrs.evolve(MODEL, primary_container=models.ContainerDefinition(image="other:1"))
    await raw.create_model(**converter.unstructure(theirs))
    # Our first attempt is dropped (it may have landed); the retry meets "already existing"
    # and the model shows another image: not ours.
    sm.faults.drop_connection(times=1, operations="CreateModel")
    with pytest.raises(ServiceValidationError, match="already existing"):
        await client.call(MODEL)
    # Without a possibly lost answer, "already existing" is taken at its word.
    with pytest.raises(ServiceValidationError, match="already existing"):
        await client.call(attrs.evolve(MODEL, primary_container=theirs.primary_container))


async def test_a_lost_delete_of_a_model_that_never_was_stays_an_error(
    client: InferenceComponentClient,
) -> None:
    with pytest.raises(ResourceNotFound):
        await client.call(models.DeleteModelInput(model_name="never-was"))


async def test_tags_showing_another_value_are_someone_elses() -> None:
    from ic_sdk.reconcile import tags_applied

    wanted = [{"Key": "team", "Value": "search"}]
    assert tags_applied(wanted, [{"Key": "team", "Value": "search"}, {"Key": "x", "Value": ""}])
    assert not tags_applied(wanted, [{"Key": "team", "Value": "ads"}])
    assert not tags_applied(wanted, [])


# -- any other mutation: sent once its answer may be lost, and says so ---------------------

OTHER = models.DeleteModelPackageInput(model_package_name="pkg")


@pytest.mark.parametrize(
    ("inject", "error"),
    [
        (lambda sm: sm.faults.lose_answers("DeleteModelPackage", times=2), TransportError),
        (
            lambda sm: sm.faults.server_error(status=503, times=2, operations="DeleteModelPackage"),
            ServiceError,
        ),
    ],
)
async def test_other_mutations_are_not_sent_again_once_the_answer_may_be_lost(
    sm: LocalSageMaker,
    client: InferenceComponentClient,
    inject: Callable[[LocalSageMaker], FaultRule],
    error: type[Exception],
) -> None:
    rule = inject(sm)
    with pytest.raises(error) as raised:
        await client.call(OTHER)
    assert rule.fired == 1  # sent once: a second attempt could apply it twice
    message = str(raised.value)
    assert "the answer to DeleteModelPackage may have been lost" in message
    assert "check DescribeModelPackage" in message


async def test_other_mutations_retry_refusals(
    sm: LocalSageMaker, client: InferenceComponentClient
) -> None:
    rule = sm.faults.throttle(times=2, operations="DeleteModelPackage")
    with pytest.raises(ServiceError) as raised:
        await client.call(OTHER)
    assert rule.fired == 2  # throttled twice, sent a third time...
    assert raised.value.code == "UnknownOperationException"  # ...where the emulator stops
    assert "may have been lost" not in str(raised.value)

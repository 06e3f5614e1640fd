"""The client over aiobotocore's httpx session with respx routes: wire format, error
mapping, botocore's retries, client lifecycle. No emulator, no sockets."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx
from aiobotocore.config import AioConfig
from aiobotocore.httpxsession import HttpxSession
from aiobotocore.session import AioSession
from botocore.exceptions import ClientError, EndpointConnectionError

from ic_sdk import models
from ic_sdk.client import InferenceComponentClient
from ic_sdk.clock import FakeClock
from ic_sdk.errors import (
    ClientClosed,
    IcSdkError,
    ResourceInUse,
    ResourceLimitExceeded,
    ResourceNotFound,
    ServiceError,
    ServiceValidationError,
    ThrottlingError,
    TransportError,
    ValidationError,
)
from ic_sdk.models import runtime as rt

pytestmark = pytest.mark.filterwarnings(
    # aiobotocore warns once that it prefers httpx2; respx can only intercept httpx.
    "ignore:aiobotocore's httpx backend now prefers httpx2:DeprecationWarning"
)

SM = "https://sagemaker.test/"
RT = "https://runtime.test"
SECRET = "hf_SUPERSECRETTOKEN123"


def target(operation: str) -> dict[str, str]:
    return {"X-Amz-Target": f"SageMaker.{operation}"}


def error(status: int, code: str, message: str, request_id: str = "req-1") -> httpx.Response:
    return httpx.Response(
        status,
        json={"__type": code, "message": message},
        headers={"x-amzn-RequestId": request_id, "Content-Type": "application/x-amz-json-1.1"},
    )


def ok(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200,
        json=body,
        headers={"x-amzn-RequestId": "req-ok", "Content-Type": "application/x-amz-json-1.1"},
    )


DESCRIBED = {
    "InferenceComponentName": "ic",
    "InferenceComponentArn": "arn:aws:sagemaker:us-east-1:1:inference-component/ic",
    "EndpointName": "ep",
    "EndpointArn": "arn:aws:sagemaker:us-east-1:1:endpoint/ep",
    "VariantName": "AllTraffic",
    "InferenceComponentStatus": "InService",
    "CreationTime": 1700000000.5,
    "LastModifiedTime": 1700000100,
    "RuntimeConfig": {"DesiredCopyCount": 2, "CurrentCopyCount": 2},
}


def spec(name: str = "ic", **changes: Any) -> models.CreateInferenceComponentInput:
    fields: dict[str, Any] = {
        "inference_component_name": name,
        "endpoint_name": "ep",
        "variant_name": "AllTraffic",
        "specification": models.InferenceComponentSpecification(
            model_name="model",
            compute_resource_requirements=models.InferenceComponentComputeResourceRequirements(
                min_memory_required_in_mb=1024, number_of_accelerator_devices_required=1
            ),
            container=models.InferenceComponentContainerSpecification(
                environment={"HF_TOKEN": SECRET}
            ),
        ),
        "runtime_config": models.InferenceComponentRuntimeConfig(copy_count=1),
    }
    fields.update(changes)
    return models.CreateInferenceComponentInput(**fields)


# One session for the module: it caches botocore's service models between clients.
SESSION = AioSession()


def make_client(**kwargs: Any) -> InferenceComponentClient:
    config = kwargs.pop("config", AioConfig(http_session_cls=HttpxSession))
    kwargs.setdefault("session", SESSION)
    kwargs.setdefault("clock", FakeClock())  # ic_sdk's retries sleep on it
    return InferenceComponentClient(
        region="us-east-1",
        endpoint_url=SM,
        runtime_endpoint_url=RT,
        config=config,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        **kwargs,
    )


@pytest.fixture
async def client() -> AsyncIterator[InferenceComponentClient]:
    async with make_client() as c:
        yield c


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(using="httpx", assert_all_called=False) as r:
        yield r


class Streamed(httpx.AsyncByteStream):
    """A response body respx hands over unread, as aiobotocore's streaming bodies need.

    (respx pre-reads plain ``content=`` bodies, and aiobotocore then finds the stream
    consumed.)
    """

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data


def answer(status: int, data: bytes, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, stream=Streamed(data))


def sent(route: respx.Route, index: int = -1) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(route.calls[index].request.content)
    return body


# -- happy path and wire format ---------------------------------------------------------


async def test_describe_sends_pascal_case_and_parses_a_model(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    route = router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        return_value=ok(DESCRIBED)
    )
    desc = await client.describe("ic")
    assert sent(route) == {"InferenceComponentName": "ic"}
    assert route.calls[0].request.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert "Authorization" in route.calls[0].request.headers
    assert isinstance(desc, models.DescribeInferenceComponentOutput)
    assert desc.inference_component_status is models.InferenceComponentStatus.IN_SERVICE
    assert desc.runtime_config is not None
    assert desc.runtime_config.current_copy_count == 2
    assert desc.creation_time.year == 2023
    from ic_sdk.serde import unknown_fields

    assert unknown_fields(desc) == {}  # botocore's ResponseMetadata is not kept


async def test_create_serializes_the_spec(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    route = router.post(SM, headers=target("CreateInferenceComponent")).mock(
        return_value=ok({"InferenceComponentArn": "arn:ic"})
    )
    out = await client.create(spec())
    assert out.inference_component_arn == "arn:ic"
    assert sent(route) == {
        "InferenceComponentName": "ic",
        "EndpointName": "ep",
        "VariantName": "AllTraffic",
        "Specification": {
            "ModelName": "model",
            "ComputeResourceRequirements": {
                "MinMemoryRequiredInMb": 1024,
                "NumberOfAcceleratorDevicesRequired": 1,
            },
            "Container": {"Environment": {"HF_TOKEN": SECRET}},
        },
        "RuntimeConfig": {"CopyCount": 1},
    }


async def test_scale_and_update(client: InferenceComponentClient, router: respx.MockRouter) -> None:
    scale = router.post(SM, headers=target("UpdateInferenceComponentRuntimeConfig")).mock(
        return_value=ok({"InferenceComponentArn": "arn:ic"})
    )
    update = router.post(SM, headers=target("UpdateInferenceComponent")).mock(
        return_value=ok({"InferenceComponentArn": "arn:ic"})
    )
    await client.scale("ic", 3)
    assert sent(scale) == {"InferenceComponentName": "ic", "DesiredRuntimeConfig": {"CopyCount": 3}}
    await client.update(
        models.UpdateInferenceComponentInput(
            inference_component_name="ic",
            runtime_config=models.InferenceComponentRuntimeConfig(copy_count=2),
        )
    )
    assert sent(update) == {"InferenceComponentName": "ic", "RuntimeConfig": {"CopyCount": 2}}


async def test_list_walks_every_page_with_filters(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    def summary(name: str) -> dict[str, Any]:
        return {
            "InferenceComponentName": name,
            "InferenceComponentArn": f"arn:{name}",
            "EndpointName": "ep",
            "EndpointArn": "arn:ep",
            "VariantName": "AllTraffic",
            "CreationTime": 1700000000,
            "LastModifiedTime": 1700000000,
            "InferenceComponentStatus": "InService",
        }

    route = router.post(SM, headers=target("ListInferenceComponents")).mock(
        side_effect=[
            ok({"InferenceComponents": [summary("a"), summary("b")], "NextToken": "t1"}),
            ok({"InferenceComponents": [summary("c")], "NextToken": "t2"}),
            ok({"InferenceComponents": []}),
        ]
    )
    names = [
        s.inference_component_name
        async for s in client.list(
            endpoint_name_equals="ep",
            status_equals=models.InferenceComponentStatus.IN_SERVICE,
            sort_by="Name",
            sort_order="Ascending",
            page_size=2,
        )
    ]
    assert names == ["a", "b", "c"]
    assert route.call_count == 3
    assert sent(route, 0) == {
        "EndpointNameEquals": "ep",
        "StatusEquals": "InService",
        "SortBy": "Name",
        "SortOrder": "Ascending",
        "MaxResults": 2,
    }
    assert sent(route, 1)["NextToken"] == "t1"
    assert sent(route, 2)["NextToken"] == "t2"


# -- validation first ---------------------------------------------------------------------


async def test_invalid_input_raises_before_anything_is_sent(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    route = router.post(SM).mock(return_value=ok({}))
    bad = spec(
        name="bad name!" + "x" * 70,
        runtime_config=models.InferenceComponentRuntimeConfig(copy_count=0),
    )
    with pytest.raises(ValidationError) as info:
        await client.create(bad)
    paths = {p.path for p in info.value.problems}
    assert "InferenceComponentName" in paths
    assert "RuntimeConfig.CopyCount" in paths
    assert info.value.operation == "CreateInferenceComponent"
    with pytest.raises(ValidationError):
        await client.scale("ic", -1)
    with pytest.raises(ValidationError):
        await client.describe("")
    with pytest.raises(ValidationError):
        await client.invoke("ic", b"{}", endpoint_name="bad endpoint!")
    assert route.call_count == 0
    assert SECRET not in str(info.value)


# -- error mapping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "message", "expected", "retryable"),
    [
        (
            400,
            "ValidationException",
            "Could not find inference component ic.",
            ResourceNotFound,
            False,
        ),
        (400, "ValidationException", "Invalid copy count", ServiceValidationError, False),
        (400, "ResourceLimitExceeded", "Not enough capacity", ResourceLimitExceeded, False),
        (400, "ResourceInUse", "Component ic is in use", ResourceInUse, False),
        (400, "ThrottlingException", "Rate exceeded", ThrottlingError, True),
        (500, "InternalFailure", "oops", ServiceError, True),
        (503, "ServiceUnavailable", "later", ServiceError, True),
    ],
)
async def test_service_errors_map_onto_the_tree(
    router: respx.MockRouter,
    status: int,
    code: str,
    message: str,
    expected: type[ServiceError],
    retryable: bool,
) -> None:
    router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        return_value=error(status, code, message, request_id="rid-42")
    )
    async with make_client(max_attempts=1) as client:
        with pytest.raises(expected) as info:
            await client.describe("ic")
    err = info.value
    assert type(err) is expected
    assert err.code == code
    assert err.message == message
    assert err.request_id == "rid-42"
    assert err.http_status == status
    assert err.retryable is retryable
    assert err.operation == "DescribeInferenceComponent"
    assert isinstance(err.__cause__, ClientError)


async def test_connection_errors_become_transport_errors(router: respx.MockRouter) -> None:
    router.post(SM).mock(side_effect=httpx.ConnectError("refused"))
    async with make_client(max_attempts=1) as client:
        with pytest.raises(TransportError) as info:
            await client.describe("ic")
    assert isinstance(info.value.__cause__, EndpointConnectionError)
    assert isinstance(info.value, IcSdkError)


# -- retries: ic_sdk's, on the clock; botocore's are off ----------------------------------


async def test_botocore_retries_and_parameter_validation_are_off(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    sm = await client._sagemaker()
    assert sm.meta.config.retries["total_max_attempts"] == 1
    # Nothing answers botocore's "retry this?" question: ic_sdk.retry is the one that retries.
    assert await retry_handlers(sm) == []
    route = router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        return_value=ok(DESCRIBED)
    )
    # botocore's ParamValidator would refuse this; ic_sdk.validate checks its requests.
    await sm.describe_inference_component(InferenceComponentName=5)
    assert json.loads(route.calls.last.request.content) == {"InferenceComponentName": 5}


async def test_explicit_config_wins_over_the_default() -> None:
    config = AioConfig(http_session_cls=HttpxSession, retries={"mode": "legacy", "max_attempts": 7})
    async with make_client(config=config) as client:
        sm = await client._sagemaker()
    assert sm.meta.config.retries["mode"] == "legacy"
    assert sm.meta.config.retries["total_max_attempts"] == 8
    assert len(await retry_handlers(sm)) == 1  # botocore retries on its own, as configured


async def test_adaptive_mode_keeps_botocores_rate_limiting() -> None:
    async with make_client(retry_mode="adaptive") as client:
        sm = await client._sagemaker()
    assert sm.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 1}
    # The standard handler (which feeds the rate limiter its throttling signal) stays.
    assert await retry_handlers(sm) != []


async def retry_handlers(sm: Any) -> list[Any]:
    """The handlers botocore asks whether to retry an answer (via the public ``emit``)."""
    answers = await sm.meta.events.emit(
        "needs-retry.sagemaker.DescribeInferenceComponent",
        response=None,
        endpoint=None,
        operation=sm.meta.service_model.operation_model("DescribeInferenceComponent"),
        attempts=1,
        caught_exception=EndpointConnectionError(endpoint_url=SM),
        request_dict={"context": {}},
    )
    return [handler for handler, _ in answers]


async def test_throttling_and_5xx_are_retried_on_the_clock(router: respx.MockRouter) -> None:
    route = router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        side_effect=[
            error(400, "ThrottlingException", "Rate exceeded"),
            error(500, "InternalFailure", "oops"),
            ok(DESCRIBED),
        ]
    )
    clock = FakeClock()
    async with make_client(clock=clock) as client:
        desc = await client.describe("ic")
    assert desc.inference_component_name == "ic"
    assert route.call_count == 3
    assert len(clock.sleeps) == 2
    assert clock.now() == pytest.approx(sum(clock.sleeps))


async def test_retries_exhausted_raise_the_last_error(router: respx.MockRouter) -> None:
    route = router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        return_value=error(400, "ThrottlingException", "Rate exceeded")
    )
    async with make_client(max_attempts=4) as client:
        with pytest.raises(ThrottlingError):
            await client.describe("ic")
    assert route.call_count == 4


async def test_waiter_rides_out_errors_beyond_botocore_retries(
    router: respx.MockRouter,
) -> None:
    from ic_sdk.waiters import EventKind, WaiterEvent

    creating = dict(DESCRIBED, InferenceComponentStatus="Creating")
    route = router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        side_effect=[
            ok(creating),
            error(400, "ThrottlingException", "Rate exceeded"),
            httpx.ConnectError("reset"),
            error(503, "ServiceUnavailable", "later"),
            ok(DESCRIBED),
        ]
    )
    events: list[WaiterEvent] = []
    async with make_client(max_attempts=1, clock=FakeClock()) as client:
        desc = await client.wait_until_in_service("ic", on_event=events.append)
    assert desc.inference_component_status == "InService"
    assert route.call_count == 5
    assert [e.kind for e in events].count(EventKind.RETRYING) == 3


# -- delete ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        error(400, "ValidationException", "Could not find inference component ic."),
        error(400, "ValidationException", "Inference component ic is in DELETE_IN_PROGRESS state"),
    ],
    ids=["gone", "deleting"],
)
async def test_delete_missing_ok(
    client: InferenceComponentClient, router: respx.MockRouter, answer: httpx.Response
) -> None:
    router.post(SM, headers=target("DeleteInferenceComponent")).mock(return_value=answer)
    await client.delete("ic", missing_ok=True)
    with pytest.raises(ServiceError):
        await client.delete("ic")


async def test_delete_of_a_base_with_adapters_raises_even_when_missing_ok(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    router.post(SM, headers=target("DeleteInferenceComponent")).mock(
        return_value=error(
            400,
            "ValidationException",
            "ic is a base inference component for one or more associated",
        )
    )
    with pytest.raises(ServiceValidationError):
        await client.delete("ic", missing_ok=True)


# -- invoke ------------------------------------------------------------------------------


async def test_invoke_finds_the_endpoint_once_and_sends_the_component_header(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    describe = router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        return_value=ok(DESCRIBED)
    )
    invoke = router.post(f"{RT}/endpoints/ep/invocations").mock(
        side_effect=lambda _: answer(
            200,
            b'{"answer": 42}',
            **{
                "Content-Type": "application/json",
                "x-Amzn-Invoked-Production-Variant": "AllTraffic",
            },
        )
    )
    for _ in range(3):
        out = await client.invoke(
            "ic", '{"q": 1}', content_type="application/json", accept="application/json"
        )
        assert isinstance(out, rt.InvokeEndpointOutput)
        assert out.body == b'{"answer": 42}'
        assert out.content_type == "application/json"
        assert out.invoked_production_variant == "AllTraffic"
    assert describe.call_count == 1
    assert invoke.call_count == 3
    request = invoke.calls[0].request
    assert request.headers["X-Amzn-SageMaker-Inference-Component"] == "ic"
    assert request.content == b'{"q": 1}'


async def test_invoke_errors_map_and_drop_the_cached_endpoint(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    describe = router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        return_value=ok(DESCRIBED)
    )
    router.post(f"{RT}/endpoints/ep/invocations").mock(
        side_effect=[
            httpx.Response(
                424,
                json={"ErrorCode": "ModelError", "Message": "model crashed"},
                headers={"x-amzn-ErrorType": "ModelError:http://internal.amazon.com/coral/"},
            ),
            httpx.Response(
                400,
                json={"message": "Inference Component Name header is required"},
                headers={"x-amzn-ErrorType": "ValidationError:http://internal.amazon.com/coral/"},
            ),
            answer(200, b"ok"),
        ]
    )
    with pytest.raises(ServiceError) as info:
        await client.invoke("ic", b"x")
    assert info.value.code == "ModelError"
    assert info.value.http_status == 424
    with pytest.raises(ServiceValidationError):
        await client.invoke("ic", b"x")
    assert (await client.invoke("ic", b"x")).body == b"ok"
    assert describe.call_count == 2  # re-described after the validation error


async def test_runtime_client_is_created_on_first_invoke(
    client: InferenceComponentClient, router: respx.MockRouter
) -> None:
    router.post(f"{RT}/endpoints/ep/invocations").mock(side_effect=lambda _: answer(200, b"ok"))
    assert client._rt is None
    await client.invoke("ic", b"x", endpoint_name="ep")
    assert client._rt is not None


# -- lifecycle and concurrency -------------------------------------------------------------


class CountingSession:
    """An AioSession whose client creations are counted."""

    def __init__(self) -> None:
        self.inner = SESSION
        self.created: list[str] = []

    def create_client(self, service: str, **kwargs: Any) -> Any:
        self.created.append(service)
        return self.inner.create_client(service, **kwargs)


async def test_concurrent_first_use_creates_each_client_once(router: respx.MockRouter) -> None:
    router.post(SM, headers=target("DescribeInferenceComponent")).mock(return_value=ok(DESCRIBED))
    router.post(f"{RT}/endpoints/ep/invocations").mock(side_effect=lambda _: answer(200, b"ok"))
    session = CountingSession()
    client = make_client(session=session)
    results = await asyncio.gather(
        *(client.describe("ic") for _ in range(20)),
        *(client.invoke("ic", b"x") for _ in range(20)),
    )
    assert len(results) == 40
    assert sorted(session.created) == ["sagemaker", "sagemaker-runtime"]
    await client.aclose()
    with pytest.raises(ClientClosed, match="closed"):
        await client.describe("ic")


async def test_from_clients_leaves_the_given_clients_open(router: respx.MockRouter) -> None:
    route = router.post(SM, headers=target("DescribeInferenceComponent")).mock(
        return_value=ok(DESCRIBED)
    )
    router.post(f"{RT}/endpoints/ep/invocations").mock(side_effect=lambda _: answer(200, b"ok"))
    session = SESSION
    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    config = AioConfig(http_session_cls=HttpxSession)
    async with (
        session.create_client(
            "sagemaker", region_name="us-east-1", endpoint_url=SM, config=config, **creds
        ) as sm,
        session.create_client(
            "sagemaker-runtime", region_name="us-east-1", endpoint_url=RT, config=config, **creds
        ) as runtime,
    ):
        async with InferenceComponentClient.from_clients(sm, runtime) as client:
            await client.describe("ic")
            await client.invoke("ic", b"x")
        # still usable after the facade closed
        await sm.describe_inference_component(InferenceComponentName="ic")
        await runtime.invoke_endpoint(EndpointName="ep", Body=b"x", InferenceComponentName="ic")
    assert route.call_count == 3


async def test_nothing_secret_is_logged(
    client: InferenceComponentClient, router: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    router.post(SM, headers=target("CreateInferenceComponent")).mock(
        side_effect=[error(400, "ValidationException", "nope"), ok({"InferenceComponentArn": "a"})]
    )
    with caplog.at_level(logging.DEBUG, logger="ic_sdk"):
        with pytest.raises(ServiceValidationError):
            await client.create(spec())
        await client.create(spec())
    ours = [r for r in caplog.records if r.name.startswith("ic_sdk")]
    assert ours
    assert all(SECRET not in r.getMessage() for r in ours)
    assert logging.getLogger("ic_sdk").handlers == []


def test_repr_shows_no_credentials() -> None:
    client = make_client()
    assert "testing" not in repr(client)
    assert "sagemaker.test" in repr(client)


async def test_from_clients_creates_and_closes_its_own_runtime_client(
    router: respx.MockRouter,
) -> None:
    router.post(f"{RT}/endpoints/ep/invocations").mock(side_effect=lambda _: answer(200, b"ok"))
    router.post(SM, headers=target("DescribeInferenceComponent")).mock(return_value=ok(DESCRIBED))
    session = CountingSession()
    session.inner = AioSession()
    session.inner.set_credentials("testing", "testing")
    config = AioConfig(http_session_cls=HttpxSession, retries={"mode": "standard"})
    async with SESSION.create_client(
        "sagemaker",
        region_name="eu-west-1",
        endpoint_url=SM,
        config=config,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ) as sm:
        client = InferenceComponentClient.from_clients(sm, session=session, runtime_endpoint_url=RT)
        assert (await client.invoke("ic", b"x")).body == b"ok"
        assert session.created == ["sagemaker-runtime"]
        runtime = client._rt
        assert runtime.meta.region_name == "eu-west-1"
        await client.aclose()
        await sm.describe_inference_component(InferenceComponentName="ic")  # still open
    with pytest.raises(ClientClosed, match="closed"):
        await client.invoke("ic", b"x")


async def test_configuration_errors_are_sdk_errors(
    router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    route = router.post(SM).mock(return_value=ok(DESCRIBED))
    async with InferenceComponentClient(
        region="us-east-1",
        endpoint_url=SM,
        session=AioSession(),
        config=AioConfig(http_session_cls=HttpxSession),
    ) as client:
        with pytest.raises(IcSdkError, match="credentials") as info:
            await client.describe("ic")
    assert type(info.value) is IcSdkError
    assert info.value.__cause__ is not None
    assert route.call_count == 0

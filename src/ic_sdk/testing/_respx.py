"""The emulator behind respx routes: socket-free tests with aiobotocore's httpx session.

One route per control-plane operation, matched on its ``X-Amz-Target`` header (so
``router.routes["CreateInferenceComponent"].calls`` counts calls), one per runtime
operation, and a catch-all answering unknown targets as the service does. Requests go to
the default AWS URLs of the region, so clients need no ``endpoint_url``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import respx

from ic_sdk.testing._protocol import DropConnection, Service, WireRequest
from ic_sdk.testing._state import SAGEMAKER_OPERATIONS

_HOST = r"[a-z0-9-]+\.amazonaws\.com(?:\.cn)?"
_CONTROL = rf"^https://api\.sagemaker\.{_HOST}/$"
_RUNTIME = rf"^https://runtime\.sagemaker\.{_HOST}/endpoints/[^/]+"
_AUTOSCALING = rf"^https://application-autoscaling\.{_HOST}/$"
_CLOUDWATCH = rf"^https://monitoring\.{_HOST}/"

__all__ = ["mock_router"]


class _Stream(httpx.AsyncByteStream):
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            yield chunk


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


def _side_effect(service: Service) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    async def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        wire = WireRequest.build(request.method, path, request.headers, await request.aread())
        try:
            response = await service.handle(wire)
        except DropConnection:
            # What httpcore raises when the server hangs up before answering.
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None
        body = response.body
        # An async stream even for whole bodies: respx pre-reads plain byte streams, after
        # which aiobotocore's streaming bodies (InvokeEndpoint's Body) cannot read them.
        stream = _Stream(_once(body) if isinstance(body, bytes) else body)
        return httpx.Response(response.status, headers=dict(response.headers), stream=stream)

    return answer


def mock_router(service: Service, *, assert_all_called: bool = False) -> respx.MockRouter:
    """A ``respx.mock(using="httpx")`` router answering ``service``'s operations."""
    router = respx.mock(using="httpx", assert_all_called=assert_all_called)
    answer = _side_effect(service)
    # Any region: the emulator keeps each region apart by the request's credential scope.
    control = _CONTROL
    # respx tries routes in order and header patterns cost tens of microseconds each: the
    # operations waiters poll come first.
    hot = ("DescribeInferenceComponent", "DescribeEndpoint", "ListInferenceComponents")
    rest = sorted(set(SAGEMAKER_OPERATIONS).difference(hot))
    for operation in (*hot, *rest):
        router.post(
            url__regex=control, headers={"X-Amz-Target": f"SageMaker.{operation}"}, name=operation
        ).mock(side_effect=answer)
    router.post(url__regex=control, name="UnknownOperation").mock(side_effect=answer)
    runtime = _RUNTIME
    router.post(url__regex=runtime + r"/invocations$", name="InvokeEndpoint").mock(
        side_effect=answer
    )
    router.post(
        url__regex=runtime + r"/invocations-response-stream$",
        name="InvokeEndpointWithResponseStream",
    ).mock(side_effect=answer)
    # Application Auto Scaling and CloudWatch (autoscaling; delete_and_wait removes it).
    for name, host in (("ApplicationAutoScaling", _AUTOSCALING), ("CloudWatch", _CLOUDWATCH)):
        router.post(url__regex=host, name=name).mock(side_effect=answer)
    return router

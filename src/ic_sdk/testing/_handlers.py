"""What answers an invocation: pluggable async handlers, one per inference component.

A handler is ``async def handler(invocation) -> Reply | bytes | str``; a streaming handler
is an async generator yielding ``bytes | str`` chunks. Raise :class:`ModelError` from
either to make the "container" fail the way a real one does (the caller sees a
``ModelError`` / ``ModelStreamError``). Without a handler of its own a component answers
with a JSON echo that names it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeAlias

import attrs

__all__ = [
    "Handler",
    "HandlerRegistry",
    "Invocation",
    "ModelError",
    "Reply",
    "StreamHandler",
    "echo",
    "echo_stream",
]


@attrs.frozen(kw_only=True)
class Invocation:
    """One runtime request, as the model container would see it."""

    endpoint_name: str
    variant_name: str
    #: The component named in ``X-Amzn-SageMaker-Inference-Component`` (``None`` for
    #: endpoints that host models directly).
    inference_component_name: str | None
    #: For an adapter component, the base component it runs on.
    base_inference_component_name: str | None
    body: bytes
    content_type: str | None = None
    accept: str | None = None
    custom_attributes: str | None = None
    inference_id: str | None = None
    #: ``True`` for InvokeEndpointWithResponseStream.
    streaming: bool = False
    #: The ``SessionId`` sent (``"NEW_SESSION"`` opens a stateful session).
    session_id: str | None = None

    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> object:
        return json.loads(self.body)


@attrs.frozen(kw_only=True)
class Reply:
    """A handler's answer."""

    body: bytes
    content_type: str = "application/json"
    custom_attributes: str | None = None


class ModelError(Exception):
    """Raise from a handler: the container answered ``status`` with ``message``."""

    def __init__(self, message: str, *, status: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


Handler: TypeAlias = Callable[[Invocation], Awaitable[Reply | bytes | str]]
StreamHandler: TypeAlias = Callable[[Invocation], AsyncIterator[bytes | str]]


def _echo_document(invocation: Invocation) -> bytes:
    try:
        payload: object = json.loads(invocation.body) if invocation.body else None
    except ValueError:
        try:
            payload = invocation.body.decode("utf-8")
        except UnicodeDecodeError:
            payload = {"base64": base64.b64encode(invocation.body).decode("ascii")}
    document: dict[str, object] = {
        "endpoint": invocation.endpoint_name,
        "variant": invocation.variant_name,
    }
    if invocation.inference_component_name is not None:
        document["inference_component"] = invocation.inference_component_name
    if invocation.base_inference_component_name is not None:
        document["base_inference_component"] = invocation.base_inference_component_name
    document["input"] = payload
    return json.dumps(document, separators=(",", ":")).encode()


async def echo(invocation: Invocation) -> Reply:
    """The default handler: a JSON document naming the component and echoing the input."""
    return Reply(body=_echo_document(invocation))


async def echo_stream(invocation: Invocation) -> AsyncIterator[bytes]:
    """The default streaming handler: the echo document in chunks of 16 bytes."""
    document = _echo_document(invocation)
    for start in range(0, len(document), 16):
        yield document[start : start + 16]


def _as_reply(value: Reply | bytes | str) -> Reply:
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        return Reply(body=value.encode(), content_type="text/plain; charset=utf-8")
    return Reply(body=value, content_type="application/octet-stream")


def _as_bytes(chunk: bytes | str) -> bytes:
    return chunk.encode() if isinstance(chunk, str) else chunk


class HandlerRegistry:
    """Handlers by component (or, for model endpoints, endpoint) name."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._stream_handlers: dict[str, StreamHandler] = {}

    def set(
        self, name: str, handler: Handler | None = None, *, stream: StreamHandler | None = None
    ) -> None:
        """Install handlers for ``name``; ``None`` restores the default for that kind."""
        key = name.lower()
        if handler is None:
            self._handlers.pop(key, None)
        else:
            self._handlers[key] = handler
        if stream is None:
            self._stream_handlers.pop(key, None)
        else:
            self._stream_handlers[key] = stream

    async def invoke(self, name: str, invocation: Invocation) -> Reply:
        """One answer; a component with only a streaming handler gets its chunks joined."""
        key = name.lower()
        handler = self._handlers.get(key)
        if handler is not None:
            return _as_reply(await handler(invocation))
        stream = self._stream_handlers.get(key)
        if stream is not None:
            chunks = [_as_bytes(chunk) async for chunk in stream(invocation)]
            return Reply(body=b"".join(chunks), content_type="application/octet-stream")
        return await echo(invocation)

    def stream(self, name: str, invocation: Invocation) -> AsyncIterator[bytes]:
        """Chunks; a component with only a plain handler streams its answer as one chunk."""
        key = name.lower()
        stream = self._stream_handlers.get(key)
        handler = self._handlers.get(key)
        if stream is None and handler is not None:
            return self._single(handler, invocation)
        return self._chunks(stream or echo_stream, invocation)

    @staticmethod
    async def _single(handler: Handler, invocation: Invocation) -> AsyncIterator[bytes]:
        yield _as_reply(await handler(invocation)).body

    @staticmethod
    async def _chunks(stream: StreamHandler, invocation: Invocation) -> AsyncIterator[bytes]:
        async for chunk in stream(invocation):
            yield _as_bytes(chunk)

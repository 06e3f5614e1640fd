"""Serving a :class:`~ic_sdk.testing._protocol.Service` over HTTP with aiohttp, on 127.0.0.1."""

from __future__ import annotations

import socket

from aiohttp import web

from ic_sdk.testing._protocol import MAX_PAYLOAD_BYTES, DropConnection, Service, WireRequest

__all__ = ["Server"]

HOST = "127.0.0.1"
_CHUNK = 64 * 1024


class Server:
    """An aiohttp server for one :class:`Service`; :meth:`start` binds, :meth:`stop` closes."""

    def __init__(self, service: Service, *, port: int = 0) -> None:
        self._service = service
        self._requested_port = port
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the server is not running")
        return f"http://{HOST}:{self._port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((HOST, self._requested_port))
            site = web.SockSite(runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = sock.getsockname()[1]

    async def stop(self) -> None:
        runner, self._runner, self._port = self._runner, None, None
        if runner is not None:
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        # Read the whole body, but keep no more than the largest the service takes: the
        # service, not aiohttp, answers an oversized one (413, with a request id).
        kept = bytearray()
        size = 0
        async for chunk in request.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if len(kept) <= MAX_PAYLOAD_BYTES:
                kept += chunk
        wire = WireRequest.build(
            request.method, request.rel_url.raw_path, request.headers, bytes(kept), size
        )
        try:
            response = await self._service.handle(wire)
        except DropConnection:
            if request.transport is not None:
                request.transport.abort()
            raise web.HTTPServiceUnavailable() from None  # never sent: the socket is gone
        if isinstance(response.body, bytes):
            return web.Response(
                status=response.status, headers=response.headers, body=response.body
            )
        stream = web.StreamResponse(status=response.status, headers=response.headers)
        await stream.prepare(request)
        async for chunk in response.body:
            await stream.write(chunk)
        await stream.write_eof()
        return stream

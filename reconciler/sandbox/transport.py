"""The in-process way in: an httpx transport that answers from a Sandbox.

Faults surface as the exceptions a real network would raise: a reset as ``httpx.ReadError``,
a lost answer as ``httpx.RemoteProtocolError``, a timeout as ``httpx.ReadTimeout``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .faults import Fault

if TYPE_CHECKING:
    from .reply import Answering as Sandbox


class SandboxTransport(httpx.BaseTransport):
    """``httpx.Client(base_url="http://sandbox.local", transport=SandboxTransport(sandbox))``."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        reply = self.sandbox.handle(
            request.method,
            request.url.path,
            request.url.query.decode("ascii", "replace"),
            request.headers,
            request.read(),
        )
        if reply.fault is Fault.RESET:
            raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        if reply.fault is Fault.LOSE:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if reply.fault is Fault.TIMEOUT:
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        return httpx.Response(
            reply.status, headers=reply.headers, content=reply.body, request=request
        )

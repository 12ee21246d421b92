"""What a sandbox answers to one request, for both ways in (in-process transport, HTTP)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from .faults import Fault

JSON_HEADERS = {"content-type": "application/json"}


@dataclass(frozen=True)
class Reply:
    """One answer. With ``fault`` set, the transport must drop (RESET, LOSE) or stall
    (TIMEOUT, for ``delay`` seconds over HTTP) the connection instead of answering."""

    status: int
    headers: dict[str, str]
    body: bytes
    fault: Fault | None = None
    delay: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


class Answering(Protocol):
    """Any sandbox: one method answers every request (``path`` decoded, no query)."""

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Any = None,
        body: bytes = b"",
    ) -> Reply: ...

"""A ProductLift portal connection for a target: over HTTP, or the embedded sandbox."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .client import Client
from .writing import ProductLift

if TYPE_CHECKING:
    from ...connect import Target


def open_portal(target: Target, env: Mapping[str, str]) -> ProductLift:
    """The token comes from PRODUCTLIFT_TOKEN; the sandbox needs none."""
    if target.sandbox is not None:
        from ...sandbox.faults import Faults
        from .sandbox import Sandbox

        limit = env.get("RECONCILER_SANDBOX_RATE_LIMIT", "")
        faults = env.get("RECONCILER_SANDBOX_FAULTS", "")
        target.sandbox.parent.mkdir(parents=True, exist_ok=True)
        box = Sandbox(
            target.sandbox,
            rate_limit=int(limit) if limit.strip() not in ("", "0") else None,
            faults=Faults.parse(faults) if faults else None,
        )
        client = Client(  # no network in between: a lost answer is worth retrying at once
            "http://sandbox.local",
            None,
            transport=box.transport(),
            allow_insecure=True,
            backoff_base=0.01,
        )
        return ProductLift(client, target.url, closers=(box.close,))
    token = env.get("PRODUCTLIFT_TOKEN") or None
    return ProductLift(Client(target.url, token), target.url)

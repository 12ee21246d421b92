"""A ProductLift portal connection for a target: over HTTP, or the embedded sandbox.

``RECONCILER_PARALLEL`` (the CLI's ``--parallel N``) is how many reads may be in flight at
once (default 8; never more than the rate-limit budget has left). Two environment variables
bound the time a run may take (the CLI's ``--deadline`` and ``--run-deadline`` set them):

- ``RECONCILER_DEADLINE``: seconds each request may take in all, however slowly its answer
  arrives (default 60);
- ``RECONCILER_RUN_DEADLINE``: seconds the whole run may take from the connection on
  (default: no limit); past it no request is sent and no wait begins, and the run fails with
  one line naming the request.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...errors import TargetError
from ...http import parallel_from
from .client import Client
from .writing import ProductLift

if TYPE_CHECKING:
    from ...connect import Target

DEADLINE_VARIABLE = "RECONCILER_DEADLINE"
RUN_DEADLINE_VARIABLE = "RECONCILER_RUN_DEADLINE"
DEFAULT_DEADLINE = 60.0


def seconds_from(env: Mapping[str, str], name: str) -> float | None:
    """The positive number of seconds in ``env[name]``; None when unset or empty; a
    :class:`TargetError` naming the variable for anything else."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise TargetError(
            f"{name} must be a number of seconds greater than 0, not {raw!r}",
            hint="for example 60 (a minute) or 0.5; leave it unset for the default",
        )
    return value


def deadlines(env: Mapping[str, str]) -> dict[str, Any]:
    """The client options the deadline variables ask for."""
    run = seconds_from(env, RUN_DEADLINE_VARIABLE)
    return {
        "deadline": seconds_from(env, DEADLINE_VARIABLE) or DEFAULT_DEADLINE,
        "run_deadline": run,
    }


def open_portal(target: Target, env: Mapping[str, str]) -> ProductLift:
    """The token comes from PRODUCTLIFT_TOKEN; the sandbox needs none."""
    limits = deadlines(env)
    parallel = parallel_from(env)
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
            **limits,
        )
        return ProductLift(client, target.url, closers=(box.close,), parallel=parallel)
    token = env.get("PRODUCTLIFT_TOKEN") or None
    return ProductLift(Client(target.url, token, **limits), target.url, parallel=parallel)

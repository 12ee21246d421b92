"""An ABC User Feedback connection for a target: over HTTP, or the embedded sandbox.

Over HTTP the credentials come from ``ABC_API_KEY`` and (for the admin API) ``ABC_EMAIL`` and
``ABC_PASSWORD``; a missing one is named before the first request (:meth:`Reader.read`). The
embedded sandbox needs none: the portal uses the sandbox's own key and admin password. The
project is the spec's ``portal.project``; ``export``, which has no spec, reads ``ABC_PROJECT``
(default 1). ``RECONCILER_PARALLEL`` (the CLI's ``--parallel N``): reads in flight at once
(default 8).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...errors import TargetError
from ...http import parallel_from
from .client import public_client
from .reading import Credentials
from .writing import Abc

if TYPE_CHECKING:
    from ...connect import Target


def open_portal(target: Target, env: Mapping[str, str]) -> Abc:
    project, parallel = _project(env), parallel_from(env)
    if target.sandbox is not None:
        portal = _sandbox(target, env, project)
    else:
        creds = Credentials(env.get("ABC_API_KEY"), env.get("ABC_EMAIL"), env.get("ABC_PASSWORD"))
        client = public_client(target.url, creds.api_key)
        once = public_client(target.url, creds.api_key, max_attempts=2)
        portal = Abc(client, target.url, creds, once=once, project=project)
    portal.parallel = parallel
    return portal


def _project(env: Mapping[str, str]) -> int:
    raw = (env.get("ABC_PROJECT") or "1").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise TargetError(f"ABC_PROJECT must be a project id (a positive number), not {raw!r}")
    return int(raw)


def _sandbox(target: Target, env: Mapping[str, str], project: int) -> Abc:
    from ...sandbox.faults import Faults
    from .sandbox import ADMIN_EMAIL, AbcSandbox

    assert target.sandbox is not None
    faults = env.get("RECONCILER_SANDBOX_FAULTS", "")
    target.sandbox.parent.mkdir(parents=True, exist_ok=True)
    box = AbcSandbox(target.sandbox, faults=Faults.parse(faults) if faults else None)
    creds = Credentials(box.api_key, ADMIN_EMAIL, box.password)
    # no network in between: a lost answer is worth retrying at once
    options: dict[str, Any] = {"transport": box.transport(), "allow_insecure": True}
    client = public_client("http://sandbox.local", box.api_key, backoff_base=0.01, **options)
    once = public_client(
        "http://sandbox.local", box.api_key, backoff_base=0.01, max_attempts=2, **options
    )
    return Abc(client, target.url, creds, once=once, project=project, closers=(box.close,))

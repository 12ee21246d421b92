"""Which portal to talk to, and a provider pointed at it.

Target precedence: ``--url`` > ``PRODUCTLIFT_URL`` > the spec's ``portal.url`` > the
embedded sandbox at ``./.reconciler/sandbox.db``. ``sandbox:`` or ``sandbox:PATH`` names the
sandbox explicitly. With ``CI`` set and no target configured, that is an error: a pipeline
that lost its secret must not "apply" to a local sandbox and pass.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .client import Client
from .errors import TargetError
from .providers.productlift import ProductLift

DEFAULT_SANDBOX = Path(".reconciler") / "sandbox.db"
SANDBOX_SCHEME = "sandbox:"


@dataclass(frozen=True, slots=True)
class Target:
    url: str  # what the plan calls the target: a URL, or sandbox:PATH
    sandbox: Path | None = None  # set for the embedded sandbox
    implicit: bool = False  # nothing was configured: the default sandbox
    source: str = ""  # where the target came from, for the banner

    def banner(self) -> str:
        if self.implicit:
            return (
                f"Target: {self.url} (the local sandbox portal: no --url, PRODUCTLIFT_URL "
                "or portal.url is set)"
            )
        return f"Target: {self.url} (from {self.source})"


def resolve_target(
    url: str | None, spec_url: str | None, env: Mapping[str, str] | None = None
) -> Target:
    env = os.environ if env is None else env
    for value, source in (
        (url, "--url"),
        (env.get("PRODUCTLIFT_URL"), "PRODUCTLIFT_URL"),
        (spec_url, "portal.url"),
    ):
        if value:
            return _named(value.strip(), source)
    if env.get("CI"):
        raise TargetError(
            "no portal configured, and CI is set: refusing to fall back to the local sandbox",
            hint="set PRODUCTLIFT_URL and PRODUCTLIFT_TOKEN (or pass --url); "
            "pass --url sandbox: to target the local sandbox on purpose",
        )
    return Target(f"{SANDBOX_SCHEME}{DEFAULT_SANDBOX}", DEFAULT_SANDBOX, implicit=True)


def _named(value: str, source: str) -> Target:
    if value.startswith(SANDBOX_SCHEME):
        path = Path(value[len(SANDBOX_SCHEME) :] or DEFAULT_SANDBOX)
        return Target(f"{SANDBOX_SCHEME}{path}", path, source=source)
    if "@" in urlsplit(value).netloc:  # refuse before the URL is shown anywhere
        raise TargetError(
            f"the portal URL from {source} holds credentials",
            hint="give the bare portal URL, and the token in PRODUCTLIFT_TOKEN",
        )
    return Target(value.rstrip("/"), source=source)


def open_provider(target: Target, env: Mapping[str, str] | None = None) -> ProductLift:
    """A ProductLift provider for ``target``; the token comes from PRODUCTLIFT_TOKEN."""
    env = os.environ if env is None else env
    if target.sandbox is not None:
        from .sandbox import Faults, Sandbox

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

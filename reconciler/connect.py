"""Which portal to talk to, and a provider pointed at it.

Target precedence: ``--url`` > the provider's URL variable > the spec's ``portal.url`` > the
provider's embedded sandbox (``./.reconciler/sandbox.db`` for the default provider,
``./.reconciler/NAME-sandbox.db`` for the others). ``sandbox:`` or ``sandbox:PATH`` names the
sandbox explicitly. With ``CI`` set and no target configured, that is an error: a pipeline
that lost its secret must not "apply" to a local sandbox and pass.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import TargetError
from .providers import DEFAULT, Portal, Product, get

DEFAULT_SANDBOX = Path(".reconciler") / "sandbox.db"
SANDBOX_SCHEME = "sandbox:"


def default_sandbox(product: Product | None = None) -> Path:
    """Where a provider's embedded sandbox lives unless named: one file per provider."""
    if product is None or product.name == DEFAULT:
        return DEFAULT_SANDBOX
    return Path(".reconciler") / f"{product.name}-sandbox.db"


@dataclass(frozen=True, slots=True)
class Target:
    url: str  # what the plan calls the target: a URL, or sandbox:PATH
    sandbox: Path | None = None  # set for the embedded sandbox
    implicit: bool = False  # nothing was configured: the default sandbox
    source: str = ""  # where the target came from, for the banner
    url_env: str = "the URL variable"

    def banner(self) -> str:
        if self.implicit:
            return f"Target: {self.url} ({self.why_sandbox()})"
        return f"Target: {self.url} (from {self.source})"

    def why_sandbox(self) -> str:
        return f"the local sandbox portal: no --url, {self.url_env} or portal.url is set"


def resolve_target(
    url: str | None,
    spec_url: str | None,
    env: Mapping[str, str] | None = None,
    product: Product | None = None,
    saved: str | None = None,
) -> Target:
    """--url, else the provider's URL variable, else the spec's portal.url, else ``saved``
    (the target a plan applied alone records: used only when nothing names one, so the file
    never sends the environment's credentials elsewhere), else the local sandbox (not in CI)."""
    env = os.environ if env is None else env
    product = get(DEFAULT) if product is None else product
    url_env = product.url_env
    named = ((url, "--url"), (env.get(url_env), url_env), (spec_url, "portal.url"))
    for value, source in (*named, (saved, "the saved plan")):
        if value:
            return _named(value.strip(), source, product)
    if env.get("CI"):
        raise TargetError(
            "no portal configured, and CI is set: refusing to fall back to the local sandbox",
            hint=f"set {url_env} and {' and '.join(product.credentials)} (or pass --url); "
            "pass --url sandbox: to target the local sandbox on purpose",
        )
    path = default_sandbox(product)
    return Target(f"{SANDBOX_SCHEME}{path}", path, implicit=True, url_env=url_env)


def _named(value: str, source: str, product: Product) -> Target:
    if value.startswith(SANDBOX_SCHEME):
        path = Path(value[len(SANDBOX_SCHEME) :] or default_sandbox(product))
        return Target(f"{SANDBOX_SCHEME}{path}", path, source=source, url_env=product.url_env)
    if "@" in urlsplit(value).netloc:  # refuse before the URL is shown anywhere
        raise TargetError(
            f"the portal URL from {source} holds credentials",
            hint=f"give the bare portal URL, and the secrets in {', '.join(product.credentials)}",
        )
    return Target(value.rstrip("/"), source=source, url_env=product.url_env)


def open_provider(
    target: Target,
    env: Mapping[str, str] | None = None,
    product: Product | None = None,
    spec: Any = None,
) -> Portal:
    """A portal connection for ``target``; secrets come from the provider's variables.

    A credential the spec's kinds need (``spec`` None: an export, which reads everything)
    and the environment lacks is an error here, before the first request; the embedded
    sandbox needs none.
    """
    env = os.environ if env is None else env
    product = get(DEFAULT) if product is None else product
    if target.sandbox is None:
        missing = [name for name in product.needed_credentials(spec) if not env.get(name)]
        if missing:
            names = " and ".join(missing)
            one = len(missing) == 1
            raise TargetError(
                f"{names} {'is' if one else 'are'} not set: the {product.title} portal at "
                f"{target.url} needs {'it' if one else 'them'}",
                hint=f"export {missing[0]}=… (never in the spec); or target the local sandbox "
                "with --url sandbox:",
            )
    return product.connect(target, env)

"""Providers: what one product is, declared for the engine, and the registry naming them.

A provider is a folder ``reconciler/providers/NAME/`` exposing one :class:`Product`: its
declared kinds (:class:`~reconciler.kinds.ProviderSchema`), its spec model, the cross-entry
rules of its spec, how a spec becomes desired resources, how to reach a portal (a
:class:`Portal` that reads and writes), how a live portal becomes a spec again (export),
and its sandbox. The engine knows kinds only through these declarations.

The registry is the entry-point group ``reconciler.providers`` (``NAME = "module:PRODUCT"``),
so a third party adds a provider by installing a package; the three built in are named here
too, so that a source checkout without installed metadata still finds them.

Writing one: see ``docs/providers.md``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import TargetError
from ..kinds import Id, Ident, ProviderSchema
from ..plan import Change
from ..state import Desired, LiveState

if TYPE_CHECKING:
    import click
    from pydantic import BaseModel

    from ..connect import Target
    from ..spec_doc import Document, Pos

GROUP = "reconciler.providers"
BUILT_IN = {
    "productlift": "reconciler.providers.productlift:PRODUCT",
    "abc": "reconciler.providers.abc:PRODUCT",
    "userecho": "reconciler.providers.userecho:PRODUCT",
}
DEFAULT = "productlift"

Problems = list[tuple["Pos", str]]
Index = dict[tuple[str, str], "Pos"]


class Portal(Protocol):
    """One connection to one portal: reads it whole, then performs one change at a time."""

    target: str

    @property
    def product(self) -> Product: ...

    def read(self, desired: Desired) -> LiveState:
        """Read every collection once, and what ``desired`` needs beyond them (the children
        of the parents it manages, the users its members name). Raises PlanError when the
        spec names what the portal cannot have (an email that is no user)."""
        ...

    def write(self, change: Change, ids: Mapping[tuple[str, Ident], Id]) -> Id | None:
        """Perform ``change``; return the id of what a create or replace made.

        ``ids`` maps (kind, identity) to portal ids for everything that exists now,
        including what this apply created, so children find their parents. A write whose
        first attempt landed but whose answer was lost is recognised and adopted, never
        repeated.
        """
        ...

    def close(self) -> None: ...


class Budgeted:
    """What a Portal with an HTTP client ``self.client`` (``reconciler.http.Client``) says
    about its requests, for the plan's ``requests``: mix it into the Portal class.

    ``write_requests``: how many requests apply sends for one change (one, two for a
    replace); a provider whose writes cost more for some changes overrides it.
    """

    client: Any

    def requests_sent(self) -> int:
        return int(self.client.sent)

    def rate_limit(self) -> float | None:
        limit = self.client.rate_limit
        return None if limit is None else float(limit)

    def write_requests(self, change: Change) -> int:
        from ..plan import Action

        return 2 if change.action is Action.REPLACE else 1


@dataclass(frozen=True)
class Product:
    """Everything the engine and the CLI need to know about one product.

    ``url_env``/``credentials``: the environment variables naming the portal and holding
    its secrets (checked before the first request by ``needed_credentials``). ``check``:
    the spec's cross-entry rules on the raw document, with the index of where each entry was
    written. ``desired``: a validated spec as resources. ``connect``: a Portal for a target.
    ``export``: a live portal as a spec document. ``summarize``: counts for ``validate``.
    ``length_bounds``: (min, max) of a name field, for messages. ``serve``: the click
    command behind ``reconciler sandbox serve --provider NAME``.
    """

    name: str
    title: str
    schema: ProviderSchema
    spec_model: type[BaseModel]
    url_env: str
    credentials: Sequence[str]
    check: Callable[[Document], tuple[Problems, Index]]
    desired: Callable[[Any], Desired]
    connect: Callable[[Target, Mapping[str, str]], Portal]
    export: Callable[[LiveState, str | None], dict[str, Any]]
    summarize: Callable[[Any], dict[str, int]]
    serve: Callable[[], click.Command]
    needed_credentials: Callable[[Any], Sequence[str]] = lambda spec: ()
    length_bounds: Callable[[str], tuple[int, int] | None] = lambda field: None
    union_labels: frozenset[str] = frozenset()
    sandbox_hint: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


def names() -> list[str]:
    """Every provider the registry knows, built-in first."""
    found = {ep.name for ep in entry_points(group=GROUP)}
    return [*BUILT_IN, *sorted(found - BUILT_IN.keys())]


_loaded: dict[str, Product] = {}


def get(name: str) -> Product:
    """The provider called ``name``; TargetError when there is none."""
    if name in _loaded:
        return _loaded[name]
    spot = {ep.name: ep.value for ep in entry_points(group=GROUP)}.get(name) or BUILT_IN.get(name)
    if spot is None:
        raise TargetError(f"unknown provider {name!r}", hint=f"providers: {', '.join(names())}")
    module, _, attr = spot.partition(":")
    try:
        product = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as error:
        raise TargetError(f"provider {name!r} is not available: {error}") from None
    _loaded[name] = product
    return product  # type: ignore[no-any-return]

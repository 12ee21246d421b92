"""One resource model for desired and live state alike, whatever the product.

A :class:`Resource` is a kind, an identity (a tuple: see :mod:`reconciler.kinds`) and the
attributes that matter, already normalized: the spec side carries only the attributes the
file names; the live side carries what the provider read, with ids, timestamps and read-only
fields dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .kinds import Id, Ident, display

__all__ = ["Desired", "Id", "Ident", "LiveState", "Resource"]


@dataclass(slots=True)
class Resource:
    """One portal resource, desired or live. Never changed once made: a changed copy is
    made with :func:`dataclasses.replace`. (Not ``frozen``: a frozen dataclass sets each
    field through ``object.__setattr__``, five times the cost of making one, and a plan of
    100,000 resources makes 200,000 of them.)

    ``parent`` is the identity of the resource this one lives in (a section's parent
    section, a membership's group); ``position`` orders siblings (spec order, portal order).
    ``extra`` holds what the engine never compares: on the live side what the provider needs
    back (``parent_id``, ``depth``), on the desired side the preceding sibling (``after``).
    """

    kind: str
    ident: Ident
    attrs: Mapping[str, Any] = field(default_factory=dict)
    id: Id | None = None
    parent: Ident | None = None
    renamed_from: tuple[Ident, ...] = ()
    position: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The identity as plans show it."""
        return display(self.ident)

    @property
    def own(self) -> str:
        """The resource's own name (the last part of its identity)."""
        return self.ident[-1]

    @property
    def scope(self) -> str:
        """The first part of its identity (a section's tab, a member's group)."""
        return self.ident[0]


@dataclass(slots=True)
class LiveState:
    """What a provider read from the portal: resources by kind, in the portal's order."""

    resources: dict[str, list[Resource]] = field(default_factory=dict)

    def of(self, kind: str) -> list[Resource]:
        return self.resources.get(kind, [])

    def all(self) -> Iterator[Resource]:
        for resources in self.resources.values():
            yield from resources


@dataclass(frozen=True, slots=True)
class Desired:
    """The spec as resources by kind, in spec order (a tree's parents before children).

    ``sets``: for each whole-set kind, the identities of the parent entries that list their
    children (a group with ``members``); other parents' children are not managed.
    ``prune``: the kinds whose unnamed resources are pruned. ``everything``: read all there
    is (export), not just what the spec names.
    """

    resources: Mapping[str, list[Resource]] = field(default_factory=dict)
    sets: Mapping[str, frozenset[Ident]] = field(default_factory=dict)
    prune: frozenset[str] = frozenset()
    everything: bool = False

    def of(self, kind: str) -> list[Resource]:
        return self.resources.get(kind, [])

    def manages_set(self, kind: str, parent: Ident) -> bool:
        return parent in self.sets.get(kind, frozenset())

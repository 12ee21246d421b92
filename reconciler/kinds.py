"""What a provider declares about its kinds; the engine derives the plan from it.

Modelled on Terraform's provider schemas and octoDNS's ``SUPPORTS``: a provider lists its
kinds as data (:class:`KindSchema`), each with its identity, how the product compares names,
its parent and references, the nature of each attribute, what can be done to it and what
``prune`` means for it. Matching, diff, replace and refuse, cascades, the order of writes,
prune, thresholds, renderer labels and the fingerprint all read these declarations; no engine
module names a kind.

Identities are tuples (:data:`Ident`): a child's is its parent's identity plus its own name
(a membership ``("Beta", "a@x.com")``), a tree kind's starts with its scope (a section
``("roadmap", "Now", "Backend")``). Plans show them joined with ``/``.
"""

from __future__ import annotations

import enum
import graphlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

Ident = tuple[str, ...]
Id = int | str
Compare = Literal["exact", "case"]
PruneMode = Literal["delete", "deactivate", "never"]


class Nature(enum.StrEnum):
    """How an attribute may change on an existing resource."""

    UPDATE = "update"  # an update sends the new value
    REPLACE = "replace"  # a change deletes and re-creates the resource
    FIXED = "fixed"  # cannot change at all: a changed value is a plan error
    READ_ONLY = "read_only"  # the portal's to set: read, shown, never written nor compared


@dataclass(frozen=True, slots=True)
class Attr:
    """One managed attribute of a kind.

    ``ref`` names the kind whose name the value is (a status's ``tab``): the value is
    compared as that kind compares names and written as the portal spells it.
    ``required_on_create``: the API creates the resource only with it. ``secret``: shown as
    ``(secret)`` in every output and never written to a plan file.
    """

    nature: Nature = Nature.UPDATE
    clearable: bool = True
    secret: bool = False
    required_on_create: bool = False
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class KindSchema:
    """One kind of resource of one product.

    ``parent``: the kind a resource of this kind lives in (its identity starts with the
    parent's); the kind itself for a tree (sections under sections). ``scope``: for a tree,
    the attribute whose value starts the identity of a top-level resource (a section's tab):
    a resource whose scope changes is replaced. ``whole_set``: the children listed in a parent
    entry are all of them (group members): others are removed, prune or not; a parent entry
    that does not list them leaves them unmanaged. ``cascade``: deleting one deletes its
    children, so those the spec does not place elsewhere are planned as deletes.
    ``must_exist``: a read-only kind the spec only refers to (tabs). ``moves``: a tree
    resource whose parent changed within its scope is moved, not re-created.
    ``show_id``: whether plans show the portal id (a membership's would be the user's).
    ``delete_warning``: said whenever a plan deletes one (a forum takes its topics along);
    ``replace_warning``: whenever it replaces one (``{name}``, ``{to}``: the new scope).
    """

    name: str
    plural: str
    name_attr: str = "name"
    compare: Compare = "case"
    parent: str | None = None
    scope: str | None = None
    attrs: Mapping[str, Attr] = field(default_factory=dict)
    create: bool = True
    update: bool = True
    rename: bool = True
    delete: bool = True
    whole_set: bool = False
    cascade: bool = False
    must_exist: bool = False
    moves: bool = False
    prune: PruneMode = "delete"
    deactivate: Mapping[str, Any] = field(default_factory=dict)
    show_id: bool = True
    delete_warning: str | None = None
    replace_warning: str | None = None

    @property
    def tree(self) -> bool:
        return self.parent == self.name

    def fold(self, name: str) -> str:
        """The looser comparison form of a name, as the product compares names."""
        return name if self.compare == "exact" else name.lower()

    def attr(self, name: str) -> Attr:
        return self.attrs.get(name, _PLAIN)


_PLAIN = Attr()


@dataclass(frozen=True)
class ProviderSchema:
    """A provider's kinds, in the order its spec lists them."""

    name: str
    kinds: Sequence[KindSchema]

    @cached_property
    def by_name(self) -> Mapping[str, KindSchema]:
        return {k.name: k for k in self.kinds}

    def kind(self, name: str) -> KindSchema:
        return self.by_name[name]

    @cached_property
    def order(self) -> tuple[str, ...]:
        """Kinds with every parent and referenced kind before them (creates run in this
        order, deletes in reverse): declaration order, except where a kind needs one
        declared after it. A cycle is a provider bug (graphlib.CycleError)."""
        needs: dict[str, set[str]] = {k.name: set() for k in self.kinds}
        for k in self.kinds:
            if k.parent is not None and k.parent != k.name:
                needs[k.name].add(k.parent)
            needs[k.name].update(a.ref for a in k.attrs.values() if a.ref and a.ref != k.name)
        graphlib.TopologicalSorter(needs).prepare()  # raises CycleError on a cycle
        ordered: list[str] = []
        while len(ordered) < len(needs):
            ordered.append(next(n for n in needs if n not in ordered and needs[n] <= {*ordered}))
        return tuple(ordered)

    @cached_property
    def plurals(self) -> Mapping[str, str]:
        return {k.name: k.plural for k in self.kinds}

    def managed(self) -> tuple[KindSchema, ...]:
        """Kinds the plan writes (not the read-only ones the spec only refers to)."""
        return tuple(self.kind(n) for n in self.order if not self.kind(n).must_exist)


def display(ident: Ident) -> str:
    """An identity as plans show it: ``TAB/PARENT/TITLE``."""
    return "/".join(ident)

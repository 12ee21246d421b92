"""One resource model for desired and live state alike.

A :class:`Resource` is a kind, an identity ``name`` and the attributes that matter, already
normalized: the spec side carries only the attributes the file names; the live side carries
what the provider read, with ids, timestamps and read-only fields dropped. Identity compares
case-insensitively through :func:`key`.

Identity names, as the plan shows them:

- category, status, group: the name; tag: its text
- section: ``TAB/PARENT/.../TITLE``
- membership: ``GROUP/EMAIL``
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["category", "status", "tag", "section", "group", "membership"]
KIND_ORDER: tuple[Kind, ...] = ("category", "status", "tag", "group", "section", "membership")
PLURAL: dict[Kind, str] = {
    "category": "categories",
    "status": "statuses",
    "tag": "tags",
    "section": "sections",
    "group": "groups",
    "membership": "memberships",
}
Id = int | str


def key(name: str) -> str:
    """The comparison form of an identity: the portal compares names case-insensitively."""
    return name.casefold()


def join_path(*parts: str) -> str:
    return "/".join(parts)


@dataclass(frozen=True, slots=True)
class Resource:
    """One portal resource, desired or live.

    ``parent`` is the identity name of the resource this one lives in (a section's parent
    section, a membership's group); ``position`` orders siblings (spec order, portal order).
    ``extra`` holds what the engine needs but never compares (a section's tab and title,
    a membership's email, the portal's raw order).
    """

    kind: Kind
    name: str
    attrs: Mapping[str, Any] = field(default_factory=dict)
    id: Id | None = None
    parent: str | None = None
    renamed_from: tuple[str, ...] = ()
    position: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return key(self.name)


@dataclass(frozen=True, slots=True)
class TabInfo:
    id: Id
    slug: str
    name: str


@dataclass(slots=True)
class LiveState:
    """What a provider read from the portal: resources by kind, tabs, and known users."""

    resources: dict[Kind, list[Resource]] = field(default_factory=dict)
    tabs: dict[str, TabInfo] = field(default_factory=dict)  # by slug
    users: dict[str, Id] = field(default_factory=dict)  # email (lower-case) → user id
    managed_member_groups: frozenset[str] = frozenset()  # group keys whose members were read

    def of(self, kind: Kind) -> list[Resource]:
        return self.resources.get(kind, [])

    def all(self) -> Iterator[Resource]:
        for kind in KIND_ORDER:
            yield from self.of(kind)


@dataclass(frozen=True, slots=True)
class ReadNeeds:
    """What the plan needs read beyond one GET per collection.

    ``member_groups``: keys of group names (own and earlier) whose membership the spec manages.
    ``emails``: every member email the spec names (lower-case).
    ``nested_sections``: keys of section paths (own and earlier) the spec nests sections
    under, read through the children endpoint when the portal lists only root sections.
    """

    member_groups: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    nested_sections: frozenset[str] = frozenset()
    everything: bool = False  # export: every group's members, every section's children


def index(resources: Iterable[Resource]) -> dict[str, Resource]:
    return {r.key: r for r in resources}

"""The spec as desired resources, and what the plan needs read beyond the collections.

Pure: a :class:`~reconciler.spec.Spec` in, :class:`~reconciler.state.Resource` lists out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .spec import KINDS, Section, Spec, managed
from .state import PLURAL, Kind, ReadNeeds, Resource, join_path, key

SECTION_ATTRS = ("title", "description", "icon", "color", "hidden")
FREE_TEXTS = frozenset({"description", "icon"})


@dataclass(frozen=True, slots=True)
class Desired:
    resources: dict[Kind, list[Resource]]
    needs: ReadNeeds
    tabs: tuple[str, ...]
    prune: frozenset[Kind]

    def of(self, kind: Kind) -> list[Resource]:
        return self.resources.get(kind, [])


def desired_state(spec: Spec) -> Desired:
    """Turn a validated spec into desired resources, in spec order."""
    tabs = tuple(t.slug for t in spec.tabs)
    res: dict[Kind, list[Resource]] = {
        "category": [
            _named("category", c.name, managed(c), c.renamed_from) for c in spec.categories
        ],
        "status": [_named("status", s.name, managed(s), s.renamed_from) for s in spec.statuses],
        "tag": [_named("tag", t.name, {"name": t.name}, t.renamed_from) for t in spec.tag_models()],
        "group": [
            _named("group", g.name, _as_stored(managed(g)), g.renamed_from) for g in spec.groups
        ],
        "section": list(_sections(spec.sections, None, None, tabs)),
        "membership": [
            Resource(
                "membership",
                join_path(g.name, email),
                {"email": email},
                parent=g.name,
                position=i,
                extra={"email": email, "group": g.name},
            )
            for g in spec.groups
            if g.members is not None
            for i, email in enumerate(g.members)
        ],
    }
    member_groups = frozenset(
        key(n) for g in spec.groups if g.members is not None for n in (g.name, *g.renamed_from)
    )
    by_name = {s.name: s for s in res["section"]}
    nested = frozenset(
        k
        for s in res["section"]
        if s.parent is not None
        for k in (key(s.parent), *(key(old) for old in by_name[s.parent].renamed_from))
    )
    needs = ReadNeeds(
        member_groups=member_groups,
        emails=frozenset(r.extra["email"] for r in res["membership"]),
        nested_sections=nested,
    )
    prune = frozenset(
        kind for kind, plural in PLURAL.items() if plural in KINDS and spec.prunes(plural)
    )
    return Desired(res, needs, tabs, prune)


def _as_stored(attrs: dict[str, object]) -> dict[str, object]:
    """Free texts as the portal stores them: it trims strings and keeps "" as null, so
    ``description: ""`` clears like ``null`` and outer spaces would never match."""
    return {
        k: (v.strip() or None) if k in FREE_TEXTS and isinstance(v, str) else v
        for k, v in attrs.items()
    }


def _named(kind: Kind, name: str, attrs: dict[str, object], renamed: Sequence[str]) -> Resource:
    return Resource(kind, name, attrs, renamed_from=tuple(renamed))


def _sections(
    sections: Sequence[Section], parent: Resource | None, tab: str | None, tabs: Sequence[str]
) -> Iterator[Resource]:
    """Pre-order walk: every parent before its children, siblings in spec order.

    A section's ``after`` is the preceding sibling: same parent, or at the top level the
    preceding top-level section of the same tab (the API refuses an ``after_id`` elsewhere).
    """
    previous: dict[str, str] = {}  # by tab key: the preceding sibling's identity
    for position, section in enumerate(sections):
        slug = section.tab or tab or ""
        prefix = parent.name if parent is not None else slug
        name = join_path(prefix, section.title)
        attrs = _as_stored({k: v for k, v in managed(section, "tab").items() if k in SECTION_ATTRS})
        node = Resource(
            "section",
            name,
            attrs,
            parent=parent.name if parent is not None else None,
            renamed_from=tuple(_old_path(old, prefix, tabs) for old in section.renamed_from),
            position=position,
            extra={"tab": slug, "title": section.title, "after": previous.get(key(slug))},
        )
        yield node
        yield from _sections(section.sections, node, slug, tabs)
        previous[key(slug)] = name


def _old_path(old: str, prefix: str, tabs: Sequence[str]) -> str:
    """An earlier title (same parent) or an earlier full ``TAB/.../TITLE`` path."""
    head = old.split("/", 1)[0]
    if "/" in old and key(head) in {key(t) for t in tabs}:
        return old
    return join_path(prefix, old)

"""A ProductLift spec as desired resources. Pure: a :class:`Spec` in, a Desired out."""

from __future__ import annotations

from collections.abc import Sequence, Set

from ...kinds import Ident
from ...state import Desired, Resource
from .schema import SCHEMA
from .spec import KINDS, Section, Spec, managed

FREE_TEXTS = frozenset({"description", "icon"})


def desired_state(spec: Spec) -> Desired:
    """Turn a validated spec into desired resources, in spec order."""
    sections: list[Resource] = []
    _sections(spec.sections, None, "", frozenset(t.slug.lower() for t in spec.tabs), sections)
    res: dict[str, list[Resource]] = {
        "tab": [Resource("tab", (t.slug,), {"slug": t.slug}) for t in spec.tabs],
        "category": [
            _named("category", c.name, managed(c), c.renamed_from) for c in spec.categories
        ],
        "status": [_named("status", s.name, managed(s), s.renamed_from) for s in spec.statuses],
        "tag": [_named("tag", t.name, {"name": t.name}, t.renamed_from) for t in spec.tag_models()],
        "group": [
            _named("group", g.name, _as_stored(managed(g)), g.renamed_from) for g in spec.groups
        ],
        "section": sections,
        "membership": _memberships(spec),
    }
    sets = {"membership": frozenset((g.name,) for g in spec.groups if g.members is not None)}
    prune = frozenset(
        kind.name for kind in SCHEMA.kinds if kind.plural in KINDS and spec.prunes(kind.plural)
    )
    return Desired(res, sets, prune)


def _as_stored(attrs: dict[str, object]) -> dict[str, object]:
    """Free texts as the portal stores them: it trims strings and keeps "" as null, so
    ``description: ""`` clears like ``null`` and outer spaces would never match. Changes
    ``attrs`` (fresh from :func:`.spec.managed`) in place, and returns it."""
    for k in FREE_TEXTS.intersection(attrs):
        value = attrs[k]
        if isinstance(value, str):
            attrs[k] = value.strip() or None
    return attrs


def _named(kind: str, name: str, attrs: dict[str, object], renamed: Sequence[str]) -> Resource:
    earlier = tuple((old,) for old in renamed) if renamed else ()
    return Resource(kind, (name,), attrs, renamed_from=earlier)


def _sections(
    sections: Sequence[Section],
    parent: Ident | None,
    tab: str,
    tabs: Set[str],
    found: list[Resource],
) -> None:
    """Pre-order walk into ``found``: every parent before its children, siblings in spec
    order. ``parent``: the identity of the sections' parent (None: the top level); ``tab``:
    its tab's slug; ``tabs``: every tab's, in lower case.

    A section's ``after`` is the preceding sibling: same parent, or at the top level the
    preceding top-level section of the same tab (the API refuses an ``after_id`` elsewhere).
    """
    previous: dict[str, Ident] = {}  # by tab (lower-case): the preceding sibling's identity
    for position, section in enumerate(sections):
        slug = section.tab or tab
        tab_key = slug.lower()
        prefix: Ident = parent if parent is not None else (slug,)
        ident = (*prefix, section.title)
        renamed = section.renamed_from
        earlier = tuple(_old_path(old, prefix, tabs) for old in renamed) if renamed else ()
        found.append(
            Resource(
                "section",
                ident,
                _as_stored(managed(section, "tab")),
                parent=parent,
                renamed_from=earlier,
                position=position,
                extra={"after": previous.get(tab_key)},
            )
        )
        if section.sections:
            _sections(section.sections, ident, slug, tabs, found)
        previous[tab_key] = ident


def _old_path(old: str, prefix: Ident, tabs: Set[str]) -> Ident:
    """An earlier title (same parent) or an earlier full ``TAB/.../TITLE`` path (``tabs``:
    the tabs' slugs in lower case)."""
    head = old.split("/", 1)[0]
    if "/" in old and head.lower() in tabs:
        return tuple(old.split("/"))
    return (*prefix, old)


def _memberships(spec: Spec) -> list[Resource]:
    """The members of the groups that list them, in spec order."""
    found: list[Resource] = []
    for g in spec.groups:
        if g.members is not None:
            group = (g.name,)
            found += [
                Resource("membership", (g.name, email), {"email": email}, parent=group, position=i)
                for i, email in enumerate(g.members)
            ]
    return found


def needs(desired: Desired) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """What to read beyond the collections: the (lower-case) names, own and earlier, of the
    groups whose members the spec manages; the member emails; the section paths the spec
    nests sections under."""
    groups = {g.ident: g for g in desired.of("group")}
    member_groups = frozenset(
        name.lower()
        for ident in desired.sets.get("membership", ())
        for name in (ident[-1], *(old[-1] for old in groups[ident].renamed_from))
    )
    emails = frozenset([m.ident[-1] for m in desired.of("membership")])
    sections = desired.of("section")
    by_ident = {s.ident: s for s in sections}
    parents = {s.parent for s in sections if s.parent is not None}
    nested = frozenset(
        ["/".join(path).lower() for p in parents for path in (p, *by_ident[p].renamed_from)]
    )
    return member_groups, emails, nested

"""A ProductLift spec as desired resources. Pure: a :class:`Spec` in, a Desired out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ...kinds import Ident
from ...state import Desired, Resource
from .schema import SCHEMA
from .spec import KINDS, Section, Spec, managed

SECTION_ATTRS = ("title", "description", "icon", "color", "hidden")
FREE_TEXTS = frozenset({"description", "icon"})


def desired_state(spec: Spec) -> Desired:
    """Turn a validated spec into desired resources, in spec order."""
    tabs = tuple(t.slug for t in spec.tabs)
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
        "section": list(_sections(spec.sections, None, None, tabs)),
        "membership": [
            Resource("membership", (g.name, email), {"email": email}, parent=(g.name,), position=i)
            for g in spec.groups
            if g.members is not None
            for i, email in enumerate(g.members)
        ],
    }
    sets = {"membership": frozenset((g.name,) for g in spec.groups if g.members is not None)}
    prune = frozenset(
        kind.name for kind in SCHEMA.kinds if kind.plural in KINDS and spec.prunes(kind.plural)
    )
    return Desired(res, sets, prune)


def _as_stored(attrs: dict[str, object]) -> dict[str, object]:
    """Free texts as the portal stores them: it trims strings and keeps "" as null, so
    ``description: ""`` clears like ``null`` and outer spaces would never match."""
    return {
        k: (v.strip() or None) if k in FREE_TEXTS and isinstance(v, str) else v
        for k, v in attrs.items()
    }


def _named(kind: str, name: str, attrs: dict[str, object], renamed: Sequence[str]) -> Resource:
    return Resource(kind, (name,), attrs, renamed_from=tuple((old,) for old in renamed))


def _sections(
    sections: Sequence[Section], parent: Resource | None, tab: str | None, tabs: Sequence[str]
) -> Iterator[Resource]:
    """Pre-order walk: every parent before its children, siblings in spec order.

    A section's ``after`` is the preceding sibling: same parent, or at the top level the
    preceding top-level section of the same tab (the API refuses an ``after_id`` elsewhere).
    """
    previous: dict[str, Ident] = {}  # by tab (lower-case): the preceding sibling's identity
    for position, section in enumerate(sections):
        slug = section.tab or tab or ""
        prefix: Ident = parent.ident if parent is not None else (slug,)
        attrs = _as_stored({k: v for k, v in managed(section, "tab").items() if k in SECTION_ATTRS})
        node = Resource(
            "section",
            (*prefix, section.title),
            attrs,
            parent=parent.ident if parent is not None else None,
            renamed_from=tuple(_old_path(old, prefix, tabs) for old in section.renamed_from),
            position=position,
            extra={"after": previous.get(slug.lower())},
        )
        yield node
        yield from _sections(section.sections, node, slug, tabs)
        previous[slug.lower()] = node.ident


def _old_path(old: str, prefix: Ident, tabs: Sequence[str]) -> Ident:
    """An earlier title (same parent) or an earlier full ``TAB/.../TITLE`` path."""
    head = old.split("/", 1)[0]
    if "/" in old and head.lower() in {t.lower() for t in tabs}:
        return tuple(old.split("/"))
    return (*prefix, old)


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
    emails = frozenset(m.own for m in desired.of("membership"))
    by_ident = {s.ident: s for s in desired.of("section")}
    nested = frozenset(
        "/".join(path).lower()
        for s in desired.of("section")
        if s.parent is not None
        for path in (s.parent, *by_ident[s.parent].renamed_from)
    )
    return member_groups, emails, nested

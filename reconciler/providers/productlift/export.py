"""The live portal as a spec document, which plans to zero changes against that portal.

Whatever the portal holds, the document validates: names are written as the portal holds
them (the spec accepts any name a portal can hold), and a value the spec format cannot state
(a colour not like ``#RRGGBB``, a status's tab that is no tab, a section description or
icon past the API's length, a member list with an address that is not ``user@host``) is
left out, so the spec leaves it unmanaged rather than failing to load.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ...state import Id, LiveState, Resource
from .spec import COLOR_PATTERN, EMAIL_PATTERN

# what the spec format takes for section texts (spec.Description, spec.Icon)
LIMITS = {"description": 255, "icon": 50}


def export_spec(live: LiveState, url: str | None) -> dict[str, Any]:
    """Build a version-1 spec dict: every tab, and every resource in portal order."""
    doc: dict[str, Any] = {"version": 1}
    if url:
        doc["portal"] = {"url": url}
    doc["prune"] = False
    doc["tabs"] = [{"slug": t.own} for t in live.of("tab")]
    doc["categories"] = [_attrs(r, "name", "color") for r in live.of("category")]
    slugs = {t.own for t in live.of("tab")}
    doc["statuses"] = [
        _attrs(r, "name", "color", *(("tab",) if r.attrs.get("tab") in slugs else ()))
        for r in live.of("status")
    ]
    doc["tags"] = [r.attrs["name"] for r in live.of("tag")]
    doc["sections"] = _section_tree(live.of("section"))
    members: dict[Id, list[str]] = defaultdict(list)
    for m in live.of("membership"):
        members[m.extra["group_id"]].append(m.own)
    doc["groups"] = [_group(g, members.get(g.id or "", [])) for g in live.of("group")]
    return {k: v for k, v in doc.items() if v != [] or k == "tabs"}


def _group(group: Resource, members: list[str]) -> dict[str, Any]:
    out = _attrs(group, "name", "description")
    if all(re.search(EMAIL_PATTERN, email) for email in members):
        out["members"] = members
    return out


def _stateable(name: str, value: Any) -> bool:
    """Whether the spec format can state ``value`` for attribute ``name``."""
    if value is None:
        return False
    if name == "color":
        return isinstance(value, str) and re.search(COLOR_PATTERN, value) is not None
    limit = LIMITS.get(name)
    return limit is None or (isinstance(value, str) and len(value) <= limit)


def _attrs(resource: Resource, *names: str) -> dict[str, Any]:
    return {n: resource.attrs[n] for n in names if _stateable(n, resource.attrs.get(n))}


def _section_tree(sections: list[Resource]) -> list[dict[str, Any]]:
    children: dict[Id | None, list[Resource]] = defaultdict(list)
    for s in sections:  # already in portal order
        children[s.extra.get("parent_id")].append(s)

    def node(s: Resource, top: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"title": s.attrs["title"]}
        if top:
            out["tab"] = s.scope
        out.update(_attrs(s, "description", "icon", "color"))
        if s.attrs.get("hidden"):
            out["hidden"] = True
        kids = [node(c, False) for c in children.get(s.id, [])]
        if kids:
            out["sections"] = kids
        return out

    return [node(s, True) for s in children.get(None, [])]

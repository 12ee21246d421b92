"""The live portal as a spec document, which plans to zero changes against that portal."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ...state import Id, LiveState, Resource


def export_spec(live: LiveState, url: str | None) -> dict[str, Any]:
    """Build a version-1 spec dict: every tab, and every resource in portal order."""
    doc: dict[str, Any] = {"version": 1}
    if url:
        doc["portal"] = {"url": url}
    doc["prune"] = False
    doc["tabs"] = [{"slug": t.own} for t in live.of("tab")]
    doc["categories"] = [_attrs(r, "name", "color") for r in live.of("category")]
    doc["statuses"] = [_attrs(r, "name", "color", "tab") for r in live.of("status")]
    doc["tags"] = [r.attrs["name"] for r in live.of("tag")]
    doc["sections"] = _section_tree(live.of("section"))
    members: dict[Id, list[str]] = defaultdict(list)
    for m in live.of("membership"):
        members[m.extra["group_id"]].append(m.own)
    doc["groups"] = [
        {**_attrs(g, "name", "description"), "members": members.get(g.id or "", [])}
        for g in live.of("group")
    ]
    return {k: v for k, v in doc.items() if v != [] or k == "tabs"}


def _attrs(resource: Resource, *names: str) -> dict[str, Any]:
    return {n: resource.attrs[n] for n in names if resource.attrs.get(n) is not None}


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

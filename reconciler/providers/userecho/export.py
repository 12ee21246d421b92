"""The live UserEcho portal as a spec document, which plans to zero changes against it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ...kinds import Ident
from ...state import LiveState
from .schema import FORUM_ATTRS, PRIVATE_TYPES


def export_spec(live: LiveState, url: str | None) -> dict[str, Any]:
    """A version-1 ``provider: userecho`` spec: every forum with its categories, tags and
    (private forums) access list, every group with its members, every webhook."""
    doc: dict[str, Any] = {"version": 1, "provider": "userecho"}
    if url:
        doc["portal"] = {"url": url}
    doc["prune"] = False
    children: dict[tuple[str, Ident | None], list[str]] = defaultdict(list)
    for kind in ("category", "tag", "access", "membership"):
        for r in live.of(kind):
            children[(kind, r.parent)].append(r.own)
    forums = []
    for f in live.of("forum"):
        entry = {k: f.attrs[k] for k in FORUM_ATTRS if f.attrs.get(k) is not None}
        cats = children[("category", f.ident)]
        if cats:
            entry["categories"] = [{"name": c} for c in cats]
        if children[("tag", f.ident)]:
            entry["tags"] = children[("tag", f.ident)]
        if f.attrs.get("type") in PRIVATE_TYPES:
            entry["access_list"] = children[("access", f.ident)]
        forums.append(entry)
    groups = [
        {
            "name": g.attrs["name"],
            "vote_weight": g.attrs.get("vote_weight"),
            "vote_count": g.attrs.get("vote_count"),
            "members": children[("membership", g.ident)],
        }
        for g in live.of("group")
    ]
    hooks = {w.own.lower(): w for w in live.of("webhook")}  # the same twice is one entry
    doc["forums"] = forums
    doc["groups"] = [{k: v for k, v in g.items() if k != "vote_weight" or v} for g in groups]
    doc["webhooks"] = [{k: w.attrs[k] for k in ("event", "target_url")} for w in hooks.values()]
    return {k: v for k, v in doc.items() if v != []}

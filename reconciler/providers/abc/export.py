"""A live ABC project as a spec document, which plans to zero changes against that project.

Webhook tokens are left out (a secret never goes into a file; left out, it is not managed):
add ``token: ${VARIABLE}`` by hand to manage one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ...state import Id, LiveState, Resource


def export_spec(live: LiveState, url: str | None, project: int = 1) -> dict[str, Any]:
    """Build a version-1 ``provider: abc`` spec dict, every resource in the server's order."""
    portal: dict[str, Any] = {"url": url} if url else {}
    doc: dict[str, Any] = {
        "version": 1,
        "provider": "abc",
        "portal": {**portal, "project": project},
    }
    doc["prune"] = False
    doc["categories"] = [{"name": c.own} for c in live.of("category")]
    doc["issues"] = [_issue(i) for i in live.of("issue")]
    fields: dict[Id | None, list[Resource]] = defaultdict(list)
    for f in live.of("field"):
        fields[f.extra.get("channel_id")].append(f)
    doc["channels"] = [_channel(c, fields.get(c.id, [])) for c in live.of("channel")]
    doc["webhooks"] = [_webhook(w) for w in live.of("webhook")]
    return {k: v for k, v in doc.items() if v != []}


def _set(resource: Resource, *names: str) -> dict[str, Any]:
    return {n: resource.attrs[n] for n in names if resource.attrs.get(n) is not None}


def _issue(issue: Resource) -> dict[str, Any]:
    return _set(issue, "name", "description", "status", "external_id", "category")


def _channel(channel: Resource, fields: list[Resource]) -> dict[str, Any]:
    out = _set(channel, "name", "description", "feedback_search_max_days")
    out["fields"] = [
        {
            "key": f.own,
            **_set(f, "name", "format", "description", "property", "status"),
            **({"options": f.attrs["options"]} if "options" in f.attrs else {}),
        }
        for f in fields
    ]
    return out


def _webhook(webhook: Resource) -> dict[str, Any]:
    out = _set(webhook, "name", "url", "status")
    out["events"] = [
        {
            "type": e["type"],
            **({"status": e["status"]} if e["status"] != "ACTIVE" else {}),
            **({"channels": e["channels"]} if e["channels"] else {}),
        }
        for e in webhook.attrs.get("events") or []
    ]
    return out

"""An ABC spec as desired resources. Pure: a :class:`Spec` in, an :class:`AbcDesired` out.

Values take the form the reading side gives them (:mod:`.reading`), so that equal means equal:
a field's options sorted by key, a webhook's events sorted by type, each with its status
(``ACTIVE`` unless the spec says otherwise) and its channel names sorted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ...state import Desired, Resource
from .schema import ADMIN_KINDS, SCHEMA
from .spec import KINDS, Channel, Event, Option, Spec, managed

DEFAULT_PROJECT = 1


@dataclass(frozen=True, slots=True)
class AbcDesired(Desired):
    """A Desired that also says which project of the server the spec configures (the engine
    hands ``desired`` to ``read`` but not the spec; ``export`` reads a plain Desired)."""

    project: int = DEFAULT_PROJECT


def desired_state(spec: Spec) -> AbcDesired:
    """Turn a validated spec into desired resources, in spec order."""
    res: dict[str, list[Resource]] = {
        "category": [
            _named("category", c.name, {"name": c.name}, c.renamed_from) for c in spec.categories
        ],
        "issue": [_named("issue", i.name, managed(i), i.renamed_from) for i in spec.issues],
        "channel": [_named("channel", c.name, managed(c), c.renamed_from) for c in spec.channels],
        "field": [f for c in spec.channels for f in _fields(c)],
        "webhook": [
            _named("webhook", w.name, _webhook_attrs(managed(w)), w.renamed_from)
            for w in spec.webhooks
        ],
    }
    prune = frozenset(
        kind.name for kind in SCHEMA.kinds if kind.plural in KINDS and spec.prunes(kind.plural)
    )
    return AbcDesired(res, {}, prune, project=spec.project)


def _named(kind: str, name: str, attrs: dict[str, Any], renamed: Sequence[str]) -> Resource:
    return Resource(kind, (name,), attrs, renamed_from=tuple((old,) for old in renamed))


def _fields(channel: Channel) -> list[Resource]:
    found = []
    for position, item in enumerate(channel.fields or ()):
        attrs = managed(item, "key")
        if "options" in attrs:
            attrs["options"] = options_form(item.options or ())
        found.append(
            Resource(
                "field",
                (channel.name, item.key),
                attrs,
                parent=(channel.name,),
                position=position,
            )
        )
    return found


def options_form(options: Iterable[Option | dict[str, Any]]) -> list[dict[str, str]]:
    """Options as compared: ``{key, name}`` sorted by key (the server keeps its own order)."""
    rows = [o if isinstance(o, dict) else {"key": o.key, "name": o.name} for o in options]
    return sorted(({"key": str(o["key"]), "name": str(o["name"])} for o in rows), key=_by_key)


def _by_key(row: dict[str, str]) -> str:
    return row["key"]


def events_form(events: Iterable[Event | dict[str, Any]]) -> list[dict[str, Any]]:
    """Events as compared: ``{type, status, channels}`` sorted by type, channels by name."""
    rows = []
    for event in events:
        if isinstance(event, Event):
            event = {"type": event.type, "status": event.status, "channels": event.channels}
        rows.append(
            {
                "type": str(event["type"]),
                "status": str(event.get("status") or "ACTIVE"),
                "channels": sorted(str(c) for c in event.get("channels") or ()),
            }
        )
    return sorted(rows, key=lambda row: row["type"])


def _webhook_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    if "events" in attrs:
        attrs["events"] = events_form(attrs["events"])
    return attrs


def needs_admin(desired: Desired) -> bool:
    """Whether reading and writing this spec needs the admin API (a signed-in session):
    channels, fields, webhooks, issues whose category the spec sets, and export."""
    if desired.everything or desired.prune & ADMIN_KINDS:
        return True
    if any(desired.of(kind) for kind in ADMIN_KINDS):
        return True
    return any("category" in issue.attrs for issue in desired.of("issue"))


def project_of(desired: Desired, fallback: int = DEFAULT_PROJECT) -> int:
    return desired.project if isinstance(desired, AbcDesired) else fallback

"""Writing to an ABC User Feedback project: one request per change, lost answers adopted.

Only ids read from this project's own lists (or made by this apply) are ever written: the
server would rename another project's category, or link its channels, by id alone.

- A create whose retry answers "already exists" (``CategoryNameDuplicated``,
  ``IssueNameDuplicated``, ``ChannelAlreadyExists``, ``WebhookAlreadyExists``) was our own first
  attempt: the list is read again and the resource adopted. A field create whose retry answers
  500 (the collision of our own first attempt) is adopted when the channel shows the key.
- An issue ``PUT`` replaces the whole issue (an omitted status resets to ``INIT``): the issue
  as read, with the changes on top, is sent. An issue delete answering 500 after a retry
  (deleting a deleted issue) is done when the issue is no longer listed.
- Issue deletes and field creates are sent through ``once`` (a client that retries once): the
  server's answer to their repeat is a 500 that no further retry can change.
- The engine runs updates before creates: an issue update naming a category this apply creates,
  or a webhook update naming a new channel, is completed right after that create.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ...errors import ApiError
from ...http import Client
from ...kinds import Ident
from ...plan import Action, Change
from ...state import Id
from .. import Budgeted, Product
from .reading import CHOICES, Credentials, Reader

Ids = Mapping[tuple[str, Ident], Id]
TAKEN = {
    "category": "CategoryNameDuplicated",
    "issue": "IssueNameDuplicated",
    "channel": "ChannelAlreadyExists",
    "webhook": "WebhookAlreadyExists",
}
DEFAULT_SEARCH_DAYS = 365


class Abc(Budgeted, Reader):
    """A connection to one ABC User Feedback server; ``client`` is pointed at it."""

    def requests_sent(self) -> int:
        return int(self.client.sent) + (0 if self.once is self.client else int(self.once.sent))

    def write_requests(self, change: Change) -> int:
        """An issue's category is a request of its own (set or cleared)."""
        after = change.after or {}
        if change.kind != "issue" or change.action is Action.DELETE:
            return super().write_requests(change)
        if change.action is Action.CREATE:
            return 1 + (after.get("category") is not None)
        return bool(set(after) - {"category"}) + ("category" in after)

    def __init__(
        self,
        client: Client,
        target: str,
        credentials: Credentials,
        *,
        once: Client | None = None,
        project: int = 1,
        closers: Iterable[Callable[[], None]] = (),
    ) -> None:
        super().__init__(client, target, credentials, project=project, closers=closers)
        self.once = once or client
        self.links: dict[str, list[Id]] = defaultdict(list)  # category name → issues to link
        self.hooks: dict[str, list[tuple[Id, dict[str, Any]]]] = defaultdict(list)

    @property
    def product(self) -> Product:
        from . import PRODUCT

        return PRODUCT

    def close(self) -> None:
        if self.once is not self.client:
            self.once.close()
        super().close()

    def write(self, change: Change, ids: Ids) -> Id | None:
        if change.action is Action.DELETE:
            self._delete(change)
            return None
        write: dict[str, Callable[[Change, Ids], Id | None]] = {
            "category": self._write_category,
            "issue": self._write_issue,
            "channel": self._write_channel,
            "field": self._write_field,
            "webhook": self._write_webhook,
        }
        return write[change.kind](change, ids)

    # -- shared ----------------------------------------------------------------------------

    def _create(
        self, change: Change, send: Callable[[], Any], relist: Callable[[], dict[str, Id]]
    ) -> Id:
        """POST through ``send``; a retry answered "already exists" adopts from ``relist()``."""
        try:
            made = send()
        except ApiError as error:
            if not (error.retried and error.status == 400 and error.mentions(TAKEN[change.kind])):
                raise
            found = relist().get(change.ident[-1])
            if found is None:
                raise
            return found
        new = made.get("id") if isinstance(made, dict) else None
        if not isinstance(new, int):
            self.bad("POST", change.kind, 'expected {"id": ...}')
        return new

    def _delete(self, change: Change) -> None:
        path = {
            "category": self.public(f"categories/{change.id}"),
            "issue": self.public(f"issues/{change.id}"),
        }
        try:
            if change.kind == "issue":
                self.once.request("DELETE", path["issue"])
            elif change.kind in path:
                self.client.request("DELETE", path[change.kind])
            else:
                self.admin("DELETE", f"{change.kind}s/{change.id}")
        except ApiError as error:
            if error.status == 404:
                return  # already gone: the end state we want
            if not (change.kind == "issue" and error.status == 500 and error.retried):
                raise
            if change.id in {i.id for i in self._issues(admin=False)}:
                raise
            # gone: our first attempt deleted it, and the retry hit the deleted issue

    # -- categories and issues -------------------------------------------------------------

    def _write_category(self, change: Change, ids: Ids) -> Id | None:
        name = str((change.after or {})["name"])
        if change.action is Action.UPDATE:
            self.client.request("PUT", self.public(f"categories/{change.id}"), json={"name": name})
            self.category_ids[name] = _known(change.id)
            return change.id
        path = self.public("categories")
        new = self._create(
            change,
            lambda: self.client.request("POST", path, json={"name": name}),
            lambda: {r.own: _known(r.id) for r in self._categories()},
        )
        self.category_ids[name] = new
        for issue in self.links.pop(name, []):
            self.client.request("PUT", self.public(f"issues/{issue}/category/{new}"))
        return new

    def _write_issue(self, change: Change, ids: Ids) -> Id | None:
        after = dict(change.after or {})
        if change.action is Action.CREATE:
            body = {"name": after["name"], **_issue_body(after)}
            path = self.public("issues")
            new = self._create(
                change,
                lambda: self.client.request("POST", path, json=body),
                lambda: {r.own: _known(r.id) for r in self._issues(admin=False)},
            )
            if after.get("category") is not None:
                self._link(new, after["category"], None, ids)
            return new
        assert change.id is not None
        raw = self.raw.get(("issue", change.id), {})
        if set(after) - {"category"}:
            body = {
                "name": after.get("name", raw.get("name")),
                "description": raw.get("description"),
                "status": raw.get("status") or "INIT",
                **_issue_body(after),
            }
            self.client.request("PUT", self.public(f"issues/{change.id}"), json=body)
        if "category" in after:
            self._link(change.id, after["category"], raw.get("categoryId"), ids)
        return change.id

    def _link(self, issue: Id, category: str | None, current: Id | None, ids: Ids) -> None:
        """Set (or clear) an issue's one category; a category not made yet is linked when it is."""
        if category is None:
            if current is not None:
                self.client.request("DELETE", self.public(f"issues/{issue}/category/{current}"))
            return
        found = ids.get(("category", (category,))) or self.category_ids.get(category)
        if found is None:
            self.links[category].append(issue)
        elif found != current:
            self.client.request("PUT", self.public(f"issues/{issue}/category/{found}"))

    # -- channels and fields ---------------------------------------------------------------

    def _write_channel(self, change: Change, ids: Ids) -> Id | None:
        after = dict(change.after or {})
        raw = self.raw.get(("channel", change.id or 0), {})
        body = {
            "name": after.get("name", raw.get("name")),
            "description": after.get("description", raw.get("description")),
            "feedbackSearchMaxDays": after.get(
                "feedback_search_max_days", raw.get("feedbackSearchMaxDays")
            ),
        }
        if change.action is Action.UPDATE:
            self.admin("PUT", f"channels/{change.id}", json=body)
            self.channel_ids[str(body["name"])] = _known(change.id)
            return change.id
        if body["feedbackSearchMaxDays"] is None:
            body["feedbackSearchMaxDays"] = DEFAULT_SEARCH_DAYS
        new = self._create(
            change,
            lambda: self.admin("POST", "channels", json={**body, "fields": []}),
            lambda: {r.own: _known(r.id) for r in self._channels()},
        )
        self.channel_ids[str(body["name"])] = new
        for hook, pending in self.hooks.pop(str(body["name"]), []):
            self.admin("PUT", f"webhooks/{hook}", json=self._hook_body(pending, ids))
        return new

    def _write_field(self, change: Change, ids: Ids) -> Id | None:
        assert change.refs.parent is not None
        channel = (
            ids.get(("channel", change.refs.parent)) or self.channel_ids[change.refs.parent[-1]]
        )
        after = dict(change.after or {})
        raw = self.raw.get(("field", change.id or 0), {})
        sent = {
            "key": change.ident[-1],
            "name": after.get("name", raw.get("name")),
            "description": after.get("description", raw.get("description")),
            "format": raw.get("format") or after.get("format"),
            "property": after.get("property", raw.get("property") or "EDITABLE"),
            "status": after.get("status", raw.get("status") or "ACTIVE"),
        }
        if sent["format"] in CHOICES:
            wanted = after.get("options", raw.get("options") or [])
            have = {o.get("key"): o.get("id") for o in raw.get("options") or []}
            sent["options"] = [
                {
                    **({"id": have[o["key"]]} if have.get(o["key"]) else {}),
                    "key": o["key"],
                    "name": o["name"],
                }
                for o in wanted
            ]
        if change.id is not None:
            sent = {"id": change.id, **sent}
        # a create is sent through ``once``: its repeat would collide with itself (a 500)
        via = self.client if change.id is not None else self.once
        try:
            self.admin("PUT", f"channels/{channel}/fields", json={"fields": [sent]}, via=via)
        except ApiError as error:
            if not (change.id is None and error.status == 500 and error.retried):
                raise
            body = self.admin("GET", f"channels/{channel}")
            listed = body.get("fields") if isinstance(body, dict) else None
            keys = {f.get("key") for f in listed or [] if isinstance(f, dict)}
            if sent["key"] not in keys:
                raise
        return change.id

    # -- webhooks --------------------------------------------------------------------------

    def _write_webhook(self, change: Change, ids: Ids) -> Id | None:
        after = dict(change.after or {})
        raw = self.raw.get(("webhook", change.id or 0), {})
        wanted = {
            "name": after.get("name", raw.get("name")),
            "url": after.get("url", raw.get("url")),
            "status": after.get("status", raw.get("status") or "ACTIVE"),
            "events": after.get("events", self._raw_events(raw)),
            "token": after.get("token", raw.get("token")),
        }
        if change.action is Action.UPDATE:
            self.admin("PUT", f"webhooks/{change.id}", json=self._hook_body(wanted, ids))
            for name in self._unknown_channels(wanted, ids):
                self.hooks[name].append((_known(change.id), wanted))
            return change.id
        body = self._hook_body(wanted, ids)
        if "token" not in after:
            body.pop("token")
        return self._create(
            change,
            lambda: self.admin("POST", "webhooks", json=body),
            lambda: {r.own: _known(r.id) for r in self._webhooks()},
        )

    def _raw_events(self, raw: Mapping[str, Any]) -> list[dict[str, Any]]:
        """A webhook's events as read, its channels by name (ours only)."""
        ours = {v: k for k, v in self.channel_ids.items()}
        return [
            {
                "type": e.get("type"),
                "status": e.get("status") or "ACTIVE",
                "channels": [ours[c["id"]] for c in e.get("channels") or [] if c.get("id") in ours],
            }
            for e in raw.get("events") or []
            if isinstance(e, dict)
        ]

    def _channel_id(self, name: str, ids: Ids) -> Id | None:
        return ids.get(("channel", (name,))) or self.channel_ids.get(name)

    def _unknown_channels(self, wanted: Mapping[str, Any], ids: Ids) -> set[str]:
        return {
            n for e in wanted["events"] for n in e["channels"] if self._channel_id(n, ids) is None
        }

    def _hook_body(self, wanted: Mapping[str, Any], ids: Ids) -> dict[str, Any]:
        events = [
            {
                "type": e["type"],
                "status": e.get("status") or "ACTIVE",
                "channelIds": [
                    found for n in e["channels"] if (found := self._channel_id(n, ids)) is not None
                ],
            }
            for e in wanted["events"]
        ]
        return {
            "name": wanted["name"],
            "url": wanted["url"],
            "status": wanted["status"],
            "events": events,
            "token": wanted["token"],
        }


def _known(id_: Id | None) -> Id:
    assert id_ is not None
    return id_


def _issue_body(after: Mapping[str, Any]) -> dict[str, Any]:
    """The issue's fields of ``after`` as the API names them."""
    names = {"name": "name", "description": "description", "status": "status"}
    body = {names[k]: v for k, v in after.items() if k in names}
    if "external_id" in after:
        body["externalIssueId"] = after["external_id"]
    if "status" in body and body["status"] is None:
        body.pop("status")
    return body

"""Writing to a ProductLift portal: one request per change, lost answers adopted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import ApiError, BadResponseError
from ...kinds import Ident
from ...plan import Action, Change
from ...state import Id
from .. import Budgeted, Product
from .reading import FLAT, Kind, Reader, key
from .taken import TAKEN, taken

Ids = Mapping[tuple[str, Ident], Id]


class ProductLift(Budgeted, Reader):
    """A ProductLift portal connection; ``client`` is already pointed at the portal."""

    def write_requests(self, change: Change) -> int:
        """A replace deletes and creates; a hidden section takes a second write to hide."""
        made = change.action in (Action.CREATE, Action.REPLACE)
        hidden = made and change.kind == "section" and bool((change.after or {}).get("hidden"))
        return super().write_requests(change) + hidden

    @property
    def product(self) -> Product:
        from . import PRODUCT

        return PRODUCT

    # -- writing -------------------------------------------------------------------------

    def write(self, change: Change, ids: Ids) -> Id | None:
        if change.kind == "membership":
            self._member(change, ids)
            return None
        if change.action is Action.DELETE:
            self._delete(change.kind, change.id)
            return None
        if change.action is Action.UPDATE:
            self._update(change, ids)
            return change.id
        if change.action is Action.REPLACE:
            # delete first: if the create then fails, the next plan shows a plain create; the
            # other way round, the old section would linger as unmanaged, its delete forgotten
            self._delete(change.kind, change.id)
        return self._create(change, ids)

    def _path(self, kind: Kind) -> str:
        return "sections" if kind == "section" else FLAT[kind].path

    def _delete(self, kind: Kind, id_: Id | None) -> None:
        try:
            self.client.request("DELETE", f"{self._path(kind)}/{id_}")
        except ApiError as error:
            if error.status != 404:  # already gone: the end state we want
                raise

    def _payload(self, change: Change, ids: Ids) -> dict[str, Any]:
        after = dict(change.after or {})
        body: dict[str, Any] = {}
        if change.kind == "section":
            for attr, field in (
                ("title", "title"),
                ("description", "description"),
                ("icon", "icon"),
                ("color", "color"),
            ):
                if attr in after:
                    body[field] = after[attr]
            if "hidden" in after and change.action is Action.UPDATE:
                body["is_hidden_for_users"] = bool(after["hidden"])
            if "parent" in after or change.action is not Action.UPDATE:
                parent = change.refs.parent
                body["parent_id"] = ids[("section", parent)] if parent else None
            return body
        spelled = FLAT[change.kind]
        for attr, value in after.items():
            if attr == "name":
                body[spelled.name_field] = value
            elif attr == "tab":
                body["tab_id"] = self.tabs[value.lower()].id if value else None
            else:
                body[attr] = value
        return body

    def _create(self, change: Change, ids: Ids) -> Id:
        body = self._payload(change, ids)
        if change.kind == "section":
            body["tab_id"] = self.tabs[str(change.refs.scope).lower()].id
            after = change.refs.after
            if after and ("section", after) in ids:
                body["after_id"] = ids[("section", after)]
            if body.get("parent_id") is None:
                body.pop("parent_id", None)
        path = self._path(change.kind)
        try:
            created = self._data(self.client.request("POST", path, json=body), "POST", path)
            new_id: Id = created["id"]
        except ApiError as error:
            if not (error.status == 422 and error.mentions(TAKEN)):
                raise
            if not error.retried:
                raise taken(error, change.kind, body, self._raw) from None
            new_id = self._adopt(change, body, error)
        if change.kind == "section" and (change.after or {}).get("hidden"):
            # the create endpoint takes no visibility: a second write sets it
            self.client.request(
                "PUT",
                f"sections/{new_id}",
                json={"title": body["title"], "is_hidden_for_users": True},
            )
        return new_id

    def _adopt(self, change: Change, body: Mapping[str, Any], error: ApiError) -> Id:
        """Our first attempt landed but its answer was lost: find what it made. A child
        section is looked for among its parent's children too, for a portal whose
        ``GET sections`` lists root sections only."""
        path = self._path(change.kind)
        field = "title" if change.kind == "section" else FLAT[change.kind].name_field
        parent = body.get("parent_id") if change.kind == "section" else None
        found = self._made(change.kind, self._list(path, named=field), field, body)
        if found is None and parent is not None:
            children = self._list(f"sections/{parent}/children", named=field)
            for child in children:
                child.setdefault("tab_id", body["tab_id"])
                child.setdefault("parent_id", parent)
            found = self._made(change.kind, children, field, body)
        if found is None:
            raise taken(error, change.kind, body, self._raw, listed=False) from None
        return found

    @staticmethod
    def _made(
        kind: Kind, items: list[dict[str, Any]], field: str, body: Mapping[str, Any]
    ) -> Id | None:
        """The id of the item in ``items`` that the create of ``body`` made, if listed."""
        for item in items:
            if key(str(item.get(field))) == key(str(body[field])) and _same_place(kind, item, body):
                return item["id"]  # type: ignore[no-any-return]
        return None

    def _update(self, change: Change, ids: Ids) -> None:
        assert change.id is not None
        body = self._payload(change, ids)
        raw = self._raw.get((change.kind, change.id), {})
        if change.kind == "section":
            body.setdefault("title", raw.get("title"))
            method = "PUT"
        else:
            spelled = FLAT[change.kind]
            method = spelled.update
            if method == "PUT":  # PUT replaces: send the current values we do not change
                body.setdefault(spelled.name_field, raw.get(spelled.name_field))
                if change.kind == "status":
                    body.setdefault("color", raw.get("color"))
                    body.setdefault("tab_id", raw.get("tab_id"))
        try:
            self.client.request(method, f"{self._path(change.kind)}/{change.id}", json=body)
        except ApiError as error:
            if error.status == 422 and error.mentions(TAKEN):
                raise taken(error, change.kind, body, self._raw) from None
            raise

    def _member(self, change: Change, ids: Ids) -> None:
        assert change.refs.parent is not None
        group_id = ids[("group", change.refs.parent)]
        email = change.ident[-1].lower()
        user_id = change.refs.live_id or self.users[email]
        method = "POST" if change.action is Action.CREATE else "DELETE"
        try:
            self.client.request(method, f"groups/{group_id}/users", json={"user_id": user_id})
        except ApiError as error:
            done = "already in the group" if method == "POST" else "not in the group"
            if not (error.status == 422 and error.mentions(done)):
                raise

    def _data(self, body: Any, method: str, path: str) -> dict[str, Any]:
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or "id" not in data:
            raise BadResponseError(
                method,
                f"{self.client.api_prefix}/{path}",
                200,
                'expected {"data": {... "id": ...}}',
            )
        return data


def _same_place(kind: Kind, item: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    """For a section: the same tab and parent as the create asked for (else: True)."""
    if kind != "section":
        return True
    same_parent = str(item.get("parent_id") or "") == str(body.get("parent_id") or "")
    return same_parent and str(item.get("tab_id")) == str(body["tab_id"])

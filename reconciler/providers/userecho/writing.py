"""Writing to a UserEcho portal: one request per change (two for a replace), lost answers
adopted, never repeated blindly.

A create is sent with ``retry_lost=False``: when its answer is lost, the collection is read
again and what the first attempt made is adopted (UserEcho's "already exists" wording is
unknown, and webhooks have no uniqueness at all, so a blind retry could make two). Only when
the re-read shows nothing is the create sent again. Adding a member or an access email is
checked the same way. Updates and deletes are retried by the client (sending them twice
does no harm); a delete answered "not found" is done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from ...errors import ApiError
from ...http import LostAnswerError
from ...kinds import Ident
from ...plan import Action, Change
from ...state import Id
from .. import Budgeted, Product
from .reading import Reader, key

Ids = Mapping[tuple[str, Ident], Id]
LOST_TRIES = 4  # creates sent at most this many times, each after a re-read found nothing
log = logging.getLogger("reconciler.providers.userecho")

_OPS = {"forum": "forums", "category": "categories", "tag": "tags", "group": "groups"}


class UserEcho(Budgeted, Reader):
    """A UserEcho portal connection (see :mod:`.connect` for how one is made)."""

    @property
    def product(self) -> Product:
        from . import PRODUCT

        return PRODUCT

    def write(self, change: Change, ids: Ids) -> Id | None:
        kind, action = change.kind, change.action
        if kind in ("access", "membership"):
            self._set_member(change, ids)
            return None
        if action is Action.DELETE:
            self._delete(change, ids)
            return None
        if action is Action.UPDATE:
            self._update(change, ids)
            return change.id
        if action is Action.REPLACE:  # delete first: a failed create then plans as a create
            self._delete(change, ids)
        return self._create(change, ids)

    # -- where a change acts -----------------------------------------------------------------

    def _parent_id(self, change: Change, ids: Ids, parent_kind: str) -> Id:
        """The portal id of the forum or group a child change acts in."""
        parent = change.refs.parent
        if parent is not None and (parent_kind, parent) in ids:
            return ids[(parent_kind, parent)]
        raw = self.raw.get((change.kind, change.id)) if change.id is not None else None
        found = raw.get(f"{parent_kind}_id") if raw else None
        if found is None:
            raise ApiError("-", "-", None, f"{change.kind} {change.name!r}: no {parent_kind} id")
        return found  # type: ignore[no-any-return]

    def _args(self, change: Change, ids: Ids) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if change.kind in ("category", "tag"):
            args["forum"] = self._parent_id(change, ids, "forum")
        if change.id is not None:
            args["hook" if change.kind == "webhook" else "id"] = change.id
        return args

    # -- creates -----------------------------------------------------------------------------

    def _create(self, change: Change, ids: Ids) -> Id:
        args = {**self._args(change, ids), **(change.after or {})}
        args.pop("id", None)
        args.pop("hook", None)
        op = "hooks" if change.kind == "webhook" else _OPS[change.kind]
        known = {i for (k, i) in self.raw if k == change.kind}

        def landed() -> Id | None:
            return self._find(change, args, known)

        def send() -> Id:
            made: Id = self.api.call(f"{op}.create", retry_lost=False, **args)["id"]
            return made

        created: Id = self._once(send, landed)
        return created

    def _once(self, send: Callable[[], Any], landed: Callable[[], Any]) -> Any:
        """``send()``; after a lost answer, ``landed()`` (a re-read) says whether it was
        performed (anything but None: adopted), else it is sent again."""
        lost: LostAnswerError | None = None
        for _ in range(LOST_TRIES):
            try:
                return send()
            except LostAnswerError as error:
                lost = error
            found = landed()
            if found is not None:
                log.info("%s %s: answer lost, but performed: adopted", lost.method, lost.path)
                return found
        assert lost is not None
        raise lost

    def _find(self, change: Change, args: Mapping[str, Any], known: set[Id]) -> Id | None:
        """Re-read the collection: the resource the lost create made, if any."""
        if change.kind == "webhook":
            for hook in self.api.fetch("hooks.list"):
                same = (hook.get("event"), hook.get("target_url")) == (
                    args["event"],
                    args["target_url"],
                )
                if same and hook.get("id") not in known:
                    return hook["id"]  # type: ignore[no-any-return]
            return None
        op = _OPS[change.kind]
        for item in self.api.fetch(f"{op}.list", **args):
            if key(str(item.get("name"))) == key(str(args["name"])):
                return item["id"]  # type: ignore[no-any-return]
        return None

    # -- updates and deletes ---------------------------------------------------------------

    def _update(self, change: Change, ids: Ids) -> None:
        args = self._args(change, ids)
        raw = self.raw.get((change.kind, change.id), {}) if change.id is not None else {}
        if change.kind in ("forum", "group"):  # PUT may replace: send every setting we know
            fields = ("name", "vote_weight", "vote_count") if change.kind == "group" else None
            current = {
                k: v for k, v in raw.items() if k != "type" and (fields is None or k in fields)
            }
            args = {**current, **args}
        args.update({k: v for k, v in (change.after or {}).items() if k != "type"})
        self.api.call(f"{_OPS[change.kind]}.update", **args)

    def _delete(self, change: Change, ids: Ids) -> None:
        op = "hooks" if change.kind == "webhook" else _OPS[change.kind]
        try:
            self.api.call(f"{op}.delete", **self._args(change, ids))
        except ApiError as error:
            if not (error.status == 404 or (error.retried and error.mentions("not found"))):
                raise  # already gone is the end state we want; anything else is not

    # -- whole sets: access lists and group members ------------------------------------------

    def _set_member(self, change: Change, ids: Ids) -> None:
        email = change.ident[-1].lower()
        adding = change.action is Action.CREATE
        if change.kind == "access":
            forum = self._parent_id(change, ids, "forum")
            op = "access.add" if adding else "access.remove"

            def send() -> Any:
                return self.api.call(op, retry_lost=not adding, forum=forum, emails=[email])

            def landed() -> Any:
                listed = {str(e).lower() for e in self.api.fetch("access.list", forum=forum)}
                return True if email in listed else None

        else:
            group = self._parent_id(change, ids, "group")
            user = change.refs.live_id or self.users[email]
            op = "members.add" if adding else "members.remove"

            def send() -> Any:
                return self.api.call(op, retry_lost=not adding, user=user, group_id=group)

            def landed() -> Any:
                shown = self.api.call("users.show", user=user)
                groups = shown.get("groups") if isinstance(shown, dict) else None
                ids_in = {g.get("id") for g in groups or () if isinstance(g, dict)}
                return True if group in ids_in else None

        self._once(send, landed)

"""What lives in a forum: categories and tags (named things), and a private forum's access list.

Categories and tags answer the same four requests on ``forums/{forum}/categories`` and
``forums/{forum}/tags``: GET (a list), POST ``{name}``, PUT ``{id, name}``, DELETE ``{id}``.
Names are unique per forum ignoring letter case as ``str.lower()`` sees it. The access list
(``forums/{forum}/access_list``) exists only for ``PRIVATE`` and ``KNOWLEDGEBASE PRIVATE``
forums: GET answers the emails, POST and DELETE ``{"emails": [...]}`` add and remove some
(emails compare ignoring case; adding one present or removing one absent changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .call import Call, Payload, ok
from .errors import Refused, bad, need_emails, need_id, need_text
from .forums import PRIVATE_TYPES
from .listing import page
from .store import Row

Handler = Callable[[Call], Payload]
FIELDS = ("id", "forum_id", "name", "created")


def render(row: Row) -> dict[str, Any]:
    return {key: row[key] for key in FIELDS}


@dataclass(frozen=True)
class Named:
    """The handlers of one named kind in a forum (``table``: categories or tags)."""

    table: str
    what: str  # "category", "tag": for messages
    longest: int

    def _forum(self, call: Call) -> int:
        return int(call.path_row("forums", "forum", "forum")["id"])

    def _row(self, call: Call, forum: int) -> Row:
        id_ = need_id(call.input)
        row = call.store.find(self.table, id_, {"forum_id": forum})
        if row is None:
            raise Refused(404, f"{self.what} {id_} not found in forum {forum}")
        return row

    def _name(self, call: Call, forum: int, besides: int | None = None) -> dict[str, str]:
        name = need_text(call.input, "name", self.longest)
        scope = {"forum_id": forum, "name_key": name.lower()}
        if call.store.exists(self.table, scope, besides=besides):
            raise bad(
                f"a {self.what} named {name!r} already exists in this forum "
                "(names compare ignoring case)"
            )
        return {"name": name, "name_key": name.lower()}

    def listing(self, call: Call) -> Payload:
        rows = call.store.select(self.table, {"forum_id": self._forum(call)})
        return page([render(row) for row in rows], call.query, FIELDS)

    def create(self, call: Call) -> Payload:
        forum = self._forum(call)
        values = {"forum_id": forum, **self._name(call, forum), "created": call.store.stamp()}
        id_ = call.store.insert(self.table, values)
        return ok(render(self._fetch(call, id_)))

    def update(self, call: Call) -> Payload:
        forum = self._forum(call)
        row = self._row(call, forum)
        call.store.update(self.table, row["id"], self._name(call, forum, besides=row["id"]))
        return ok(render(self._fetch(call, row["id"])))

    def delete(self, call: Call) -> Payload:
        row = self._row(call, self._forum(call))
        call.store.delete(self.table, {"id": row["id"]})
        return ok({"id": row["id"]})

    def _fetch(self, call: Call, id_: int) -> Row:
        row = call.store.find(self.table, id_)
        assert row is not None  # written in this transaction
        return row


CATEGORIES = Named("categories", "category", 100)
TAGS = Named("tags", "tag", 50)


def _private_forum(call: Call) -> int:
    forum = call.path_row("forums", "forum", "forum")
    if forum["type"] not in PRIVATE_TYPES:
        raise bad(f"forum {forum['id']} is {forum['type']}: only private forums have access lists")
    return int(forum["id"])


def _emails(call: Call, forum: int) -> list[str]:
    return [row["email"] for row in call.store.select("access", {"forum_id": forum})]


def list_access(call: Call) -> Payload:
    return page(_emails(call, _private_forum(call)), call.query)


def add_access(call: Call) -> Payload:
    forum = _private_forum(call)
    for email in need_emails(call.input):
        scope = {"forum_id": forum, "email_key": email.lower()}
        if not call.store.exists("access", scope):
            call.store.insert("access", {**scope, "email": email})
    return ok(_emails(call, forum))


def remove_access(call: Call) -> Payload:
    forum = _private_forum(call)
    for email in need_emails(call.input):
        call.store.delete("access", {"forum_id": forum, "email_key": email.lower()})
    return ok(_emails(call, forum))

"""Reading a ProductLift portal: each collection once, normalized for the diff.

Reads each collection once (tabs, categories, statuses, tags, groups, sections), one member
list per group whose membership the spec manages, and resolves the remaining member emails
with whichever is cheaper: ``users/find_by_email`` one by one, or paging ``users``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from ...errors import ApiError, BadResponseError, PlanError
from ...kinds import Ident
from ...state import Desired, Id, LiveState, Resource
from .bounds import check_new_names
from .client import Client
from .desired import needs as read_needs

PAGE = 100
Kind = str


@dataclass(frozen=True, slots=True)
class TabInfo:
    id: Id
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class ReadNeeds:
    """What to read beyond one GET per collection (see :func:`.desired.needs`)."""

    member_groups: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    nested_sections: frozenset[str] = frozenset()
    everything: bool = False  # export: every group's members, every section's children

    @classmethod
    def of(cls, desired: Desired) -> ReadNeeds:
        groups, emails, nested = read_needs(desired)
        return cls(groups, emails, nested, desired.everything)


def join_path(*parts: str) -> str:
    return "/".join(parts)


def key(name: str) -> str:
    return name.lower()


class _KindMap:
    """How one flat kind is spelled in the API."""

    def __init__(self, path: str, name_field: str, update: str, model: str) -> None:
        self.path, self.name_field, self.update, self.model = path, name_field, update, model


FLAT: dict[Kind, _KindMap] = {
    "category": _KindMap("categories", "name", "PATCH", "Category"),
    "status": _KindMap("statuses", "name", "PUT", "Status"),
    "tag": _KindMap("tags", "tag", "PUT", "Tag"),
    "group": _KindMap("groups", "name", "PUT", "Group"),
}


def _blank(value: Any) -> Any:
    """A free text as the spec states it (desired.py): trimmed, and "" as null; the portal
    trims what it is sent, but may hold outer spaces from elsewhere."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def _color(value: Any) -> Any:
    return value.upper() if isinstance(value, str) and value else None


class Reader:
    """Reads the portal into a LiveState; keeps what the writes need (tabs, users, raw items)."""

    def __init__(
        self, client: Client, target: str, closers: Iterable[Callable[[], None]] = ()
    ) -> None:
        self.client = client
        self._closers = tuple(closers)
        self.target = target
        self.tabs: dict[str, TabInfo] = {}
        self.users: dict[str, Id] = {}
        self._raw: dict[tuple[Kind, Id], dict[str, Any]] = {}

    # -- reading -------------------------------------------------------------------------

    def read(self, desired: Desired) -> LiveState:
        needs = ReadNeeds.of(desired)
        self.tabs, self.users = {}, {}
        state = LiveState()
        tabs: list[Resource] = []
        for tab in self._list("tabs", named="slug"):
            info = TabInfo(tab["id"], str(tab["slug"]), str(tab.get("name") or tab["slug"]))
            self.tabs[info.slug.lower()] = info
            tabs.append(Resource("tab", (info.slug,), {"slug": info.slug}, id=info.id))
        state.resources["tab"] = tabs
        for kind in FLAT:
            state.resources[kind] = [
                self._flat(kind, item)
                for item in self._list(FLAT[kind].path, named=FLAT[kind].name_field)
            ]
        state.resources["section"] = self._read_sections(needs.nested_sections, needs.everything)
        state.resources["membership"] = self._read_members(state.of("group"), needs)
        check_new_names(desired, state)
        self._resolve_users(needs.emails)
        return state

    def _list(
        self, path: str, params: Mapping[str, Any] | None = None, *, named: str
    ) -> list[dict[str, Any]]:
        """GET a collection; every item must have an id and a non-empty ``named`` string."""
        body = self.client.get(path, params)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            self._bad(path, 'expected {"data": [...]}')
        for item in data:
            if not isinstance(item, dict):
                self._bad(path, f"expected objects in data, got {type(item).__name__}")
            id_ = item.get("id")
            if isinstance(id_, bool) or not isinstance(id_, int | str) or id_ == "":
                self._bad(path, f"an item has no usable id ({id_!r})")
            if not isinstance(item.get(named), str) or not item[named].strip():
                self._bad(path, f"item {id_!r} has no {named}")
        return data

    def _bad(self, path: str, message: str) -> NoReturn:
        raise BadResponseError(
            "GET",
            f"{self.client.api_prefix}/{path}",
            200,
            message,
            hint="the portal answered what its API does not promise; nothing was written",
        )

    def _flat(self, kind: Kind, item: dict[str, Any]) -> Resource:
        spelled = FLAT[kind]
        name = item[spelled.name_field]
        attrs: dict[str, Any] = {"name": name}
        if kind in ("category", "status"):
            attrs["color"] = _color(item.get("color"))
        if kind == "status":
            attrs["tab"] = self._tab_slug(item.get("tab_id"))
        if kind == "group":
            attrs["description"] = _blank(item.get("description"))
        self._raw[(kind, item["id"])] = item
        return Resource(kind, (name,), attrs, id=item["id"])

    def _tab_slug(self, tab_id: Any) -> str | None:
        for info in self.tabs.values():
            if str(info.id) == str(tab_id):
                return info.slug
        return None if tab_id is None else str(tab_id)

    def _read_sections(self, nested: frozenset[str], everything: bool) -> list[Resource]:
        items = self._list("sections", named="title")
        if (nested or everything) and not any(i.get("parent_id") for i in items):
            items = items + self._children(items, nested, everything)
        by_id = {i["id"]: i for i in items}
        paths: dict[Id, tuple[Ident, int]] = {}

        def path(item: dict[str, Any], seen: int = 0) -> tuple[Ident, int]:
            if item["id"] in paths:
                return paths[item["id"]]
            parent = by_id.get(item.get("parent_id"))
            if parent is None or seen > 64:
                found = ((self._tab_slug(item.get("tab_id")) or "?", item["title"]), 0)
            else:
                above, depth = path(parent, seen + 1)
                found = ((*above, item["title"]), depth + 1)
            paths[item["id"]] = found
            return found

        ordered = sorted(items, key=lambda i: (i.get("order") or 0, i["id"]))
        return [self._section(item, path(item), by_id, path) for item in ordered]

    def _section(
        self,
        item: dict[str, Any],
        where: tuple[Ident, int],
        by_id: Mapping[Id, dict[str, Any]],
        path: Callable[[dict[str, Any]], tuple[Ident, int]],
    ) -> Resource:
        parent_id: Any = item.get("parent_id")
        parent = by_id.get(parent_id)
        attrs = {
            "title": item["title"],
            "description": _blank(item.get("description")),
            "icon": _blank(item.get("icon")),
            "color": _color(item.get("color")),
            "hidden": bool(item.get("is_hidden_for_users")),
        }
        self._raw[("section", item["id"])] = item
        return Resource(
            "section",
            where[0],
            attrs,
            id=item["id"],
            parent=path(parent)[0] if parent is not None else None,
            extra={
                "parent_id": item.get("parent_id") if parent is not None else None,
                "depth": where[1],
            },
        )

    def _children(
        self, roots: list[dict[str, Any]], nested: frozenset[str], everything: bool
    ) -> list[dict[str, Any]]:
        """The portal listed root sections only: read the children the spec nests under."""
        found: list[dict[str, Any]] = []
        todo = [(join_path(self._tab_slug(r.get("tab_id")) or "?", r["title"]), r) for r in roots]
        while todo:
            where, item = todo.pop()
            if not everything and key(where) not in nested:
                continue
            for child in self._list(f"sections/{item['id']}/children", named="title"):
                child.setdefault("tab_id", item.get("tab_id"))
                child.setdefault("parent_id", item["id"])
                found.append(child)
                todo.append((join_path(where, child["title"]), child))
        return found

    def _read_members(self, groups: Iterable[Resource], needs: ReadNeeds) -> list[Resource]:
        members: list[Resource] = []
        for group in groups:
            if not needs.everything and key(group.own) not in needs.member_groups:
                continue
            for user in self._list(f"groups/{group.id}/users", named="email"):
                email = str(user.get("email", "")).lower()
                self.users[email] = user["id"]
                members.append(
                    Resource(
                        "membership",
                        (group.own, email),
                        {"email": email},
                        id=user["id"],
                        parent=group.ident,
                        extra={"group_id": group.id},
                    )
                )
        return members

    def _resolve_users(self, emails: Iterable[str]) -> None:
        """Find the users behind emails not seen in a member list, with the fewest requests."""
        users = self.users
        missing = {e for e in emails if e not in users}
        # the member lists showed len(users) users: paging past them all costs at
        # least that many pages, so with as few missing emails, look them up one by one
        at_least_pages = -(-len(users) // PAGE)
        skip = 0
        while len(missing) > max(1, at_least_pages):
            page = self._list("users", {"limit": PAGE, "skip": skip}, named="email")
            for user in page:
                users[str(user.get("email", "")).lower()] = user["id"]
            missing -= users.keys()
            skip += PAGE
            if len(page) < PAGE or skip // PAGE >= len(missing):
                break
        unknown = []
        for email in sorted(missing - users.keys()):
            try:
                body = self.client.get("users/find_by_email", {"email": email})
            except ApiError as error:
                if error.status == 404:
                    unknown.append(email)
                    continue
                raise
            found = body.get("data") if isinstance(body, dict) else None
            if not isinstance(found, dict) or "id" not in found:
                unknown.append(email)
                continue
            users[email] = found["id"]
        if unknown:
            raise PlanError(
                f"member emails that are not portal users: {', '.join(unknown)}",
                hint="invite them to the portal first, or remove them from the spec",
            )

    def close(self) -> None:
        self.client.close()
        for close in self._closers:
            close()

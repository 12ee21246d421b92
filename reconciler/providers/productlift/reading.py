"""Reading a ProductLift portal: each collection once, normalized for the diff.

Reads each collection once (tabs, categories, statuses, tags, groups, sections), one member
list per group whose membership the spec manages, and resolves the remaining member emails
with whichever is cheaper: ``users/find_by_email`` one by one, or paging ``users``.

Independent reads go side by side, at most ``parallel`` at once (``RECONCILER_PARALLEL``,
within the rate-limit budget: :mod:`reconciler.http.gate`): the collections in one round;
then, once group and section ids are known, the member lists with the root sections'
children; then each deeper level of children; the email look-ups last. Results are used
in a fixed order, so the state read is the same whatever order the answers arrive in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, NoReturn, TypeVar

from ...errors import BadResponseError
from ...http import DEFAULT_PARALLEL, ReadPool, fetch_all
from ...kinds import Ident
from ...state import Desired, Id, LiveState, Resource
from .bounds import check_new_names
from .client import Client
from .desired import needs as read_needs
from .users import resolve_users

Kind = str
T = TypeVar("T")


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
    """How one flat kind is spelled in the API; ``kept``: the fields of a listed item that
    the writes read back (writing.py: what a PUT resends; taken.py: the name)."""

    def __init__(
        self, path: str, name_field: str, update: str, model: str, kept: tuple[str, ...]
    ) -> None:
        self.path, self.name_field, self.update, self.model = path, name_field, update, model
        self.kept = kept


FLAT: dict[Kind, _KindMap] = {
    "category": _KindMap("categories", "name", "PATCH", "Category", ("name",)),
    "status": _KindMap("statuses", "name", "PUT", "Status", ("name", "color", "tab_id")),
    "tag": _KindMap("tags", "tag", "PUT", "Tag", ("tag",)),
    "group": _KindMap("groups", "name", "PUT", "Group", ("name",)),
}
# What the writes read back of a section: its title (a PUT resends it), and its tab and
# parent (taken.py: a name is taken among the same siblings only).
SECTION_KEPT = ("title", "tab_id", "parent_id")


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
        self,
        client: Client,
        target: str,
        closers: Iterable[Callable[[], None]] = (),
        *,
        parallel: int = DEFAULT_PARALLEL,
    ) -> None:
        self.client = client
        self._closers = tuple(closers)
        self.target = target
        self.parallel = parallel  # reads in flight at most (1: one at a time)
        self.tabs: dict[str, TabInfo] = {}
        self._slugs: dict[str, str] = {}  # the tabs' slugs by id (as a string)
        self.users: dict[str, Id] = {}
        self._raw: dict[tuple[Kind, Id], dict[str, Any]] = {}

    # -- reading -------------------------------------------------------------------------

    def read(self, desired: Desired) -> LiveState:
        needs = ReadNeeds.of(desired)
        self.tabs, self._slugs, self.users, self._raw = {}, {}, {}, {}
        with ReadPool(self.parallel) as pool:
            # the first request goes alone: its answer tells the budget, and whether the
            # portal answers at all (one request's retries, not one per collection)
            tabs = self._list("tabs", named="slug")
            flat = {
                kind: pool.submit(partial(self._list, m.path, named=m.name_field))
                for kind, m in FLAT.items()
            }
            sections = pool.submit(partial(self._list, "sections", named="title"))
            groups = [
                g
                for g in flat["group"].result()
                if needs.everything or key(g["name"]) in needs.member_groups
            ]
            member_lists = pool.all(
                [partial(self._list, f"groups/{g['id']}/users", named="email") for g in groups]
            )
            state = self._collections(tabs, [f.result() for f in flat.values()])
            items = sections.result()
            state.resources["section"] = self._sections(items + self._children(pool, items, needs))
            managed = {g["id"] for g in groups}
            state.resources["membership"] = self._members(
                [g for g in state.of("group") if g.id in managed],
                [m.result() for m in member_lists],
            )
        check_new_names(desired, state)
        self._resolve_users(needs.emails)
        return state

    def _collections(
        self, tabs: list[dict[str, Any]], flat: list[list[dict[str, Any]]]
    ) -> LiveState:
        """The tabs and the flat kinds (categories, statuses, tags, groups) as resources."""
        state = LiveState()
        found: list[Resource] = []
        for tab in tabs:
            info = TabInfo(tab["id"], str(tab["slug"]), str(tab.get("name") or tab["slug"]))
            self.tabs[info.slug.lower()] = info
            found.append(Resource("tab", (info.slug,), {"slug": info.slug}, id=info.id))
        for info in self.tabs.values():
            self._slugs.setdefault(str(info.id), info.slug)
        state.resources["tab"] = found
        for kind, items in zip(FLAT, flat, strict=True):
            state.resources[kind] = self._flat(kind, items)
        return state

    def _fetch(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """``calls`` at most :attr:`parallel` at a time; results in the order given."""
        return fetch_all(calls, self.parallel)

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

    def _flat(self, kind: Kind, items: list[dict[str, Any]]) -> list[Resource]:
        """One flat kind's items as resources, in the portal's order."""
        spelled = FLAT[kind]
        self._keep(kind, items, spelled.kept)
        field = spelled.name_field
        attrs: list[dict[str, Any]]
        if kind == "category":
            attrs = [{"name": i[field], "color": _color(i.get("color"))} for i in items]
        elif kind == "status":
            attrs = [
                {
                    "name": i[field],
                    "color": _color(i.get("color")),
                    "tab": self._tab_slug(i.get("tab_id")),
                }
                for i in items
            ]
        elif kind == "group":
            attrs = [{"name": i[field], "description": _blank(i.get("description"))} for i in items]
        else:
            attrs = [{"name": i[field]} for i in items]
        return [
            Resource(kind, (a["name"],), a, id=i["id"]) for i, a in zip(items, attrs, strict=True)
        ]

    def _keep(self, kind: Kind, items: list[dict[str, Any]], fields: tuple[str, ...]) -> None:
        """Keep ``fields`` of each item for the writes (one missing is kept as None: the
        writes read them with ``get``)."""
        raw = self._raw
        for item in items:
            raw[(kind, item["id"])] = {f: item.get(f) for f in fields}

    def _tab_slug(self, tab_id: Any) -> str | None:
        """The slug of the tab with this id; else the id as a string, or None."""
        slug = self._slugs.get(str(tab_id))
        if slug is not None:
            return slug
        return None if tab_id is None else str(tab_id)

    def _sections(self, items: list[dict[str, Any]]) -> list[Resource]:
        """Every section read (roots, and the children read for a portal that lists roots
        only), as resources in the portal's order (by ``order``, then id)."""
        self._keep("section", items, SECTION_KEPT)
        by_id = {i["id"]: i for i in items}
        places: dict[Id, tuple[Ident, int]] = {}  # by id: identity, depth

        def place(item: dict[str, Any]) -> tuple[Ident, int]:
            """The identity (tab slug, ancestors' titles, title) and depth of ``item``: up
            its parents to the first one placed, or to a root. One 65 parents up (a cycle)
            counts as a root."""
            if (known := places.get(item["id"])) is not None:
                return known
            below: list[dict[str, Any]] = []  # the unplaced, from ``item`` upwards
            while True:
                parent = by_id.get(item.get("parent_id"))
                if parent is None or len(below) > 64:
                    known = ((self._tab_slug(item.get("tab_id")) or "?", item["title"]), 0)
                    break
                below.append(item)
                item = parent
                if (known := places.get(item["id"])) is not None:
                    break
            places[item["id"]] = known
            for child in reversed(below):
                known = ((*known[0], child["title"]), known[1] + 1)
                places[child["id"]] = known
            return known

        found: list[Resource] = []
        for item in sorted(items, key=lambda i: (i.get("order") or 0, i["id"])):
            ident, depth = place(item)
            parent_id = item.get("parent_id")
            parent = by_id.get(parent_id)
            attrs = {
                "title": item["title"],
                "description": _blank(item.get("description")),
                "icon": _blank(item.get("icon")),
                "color": _color(item.get("color")),
                "hidden": bool(item.get("is_hidden_for_users")),
            }
            found.append(
                Resource(
                    "section",
                    ident,
                    attrs,
                    id=item["id"],
                    parent=None if parent is None else place(parent)[0],
                    extra={
                        "parent_id": None if parent is None else parent_id,
                        "depth": depth,
                    },
                )
            )
        return found

    def _children(
        self, pool: ReadPool, items: list[dict[str, Any]], needs: ReadNeeds
    ) -> list[dict[str, Any]]:
        """For a portal that listed root sections only (``items``: none has a parent), the
        children the spec nests under (every section's, for export), a level at a time."""
        if not (needs.everything or needs.nested_sections) or any(
            i.get("parent_id") for i in items
        ):
            return []
        found: list[dict[str, Any]] = []
        level = [(join_path(self._tab_slug(i.get("tab_id")) or "?", i["title"]), i) for i in items]
        while level:
            wanted = [
                (w, i) for w, i in level if needs.everything or key(w) in needs.nested_sections
            ]
            answers = pool.all(
                [
                    partial(self._list, f"sections/{i['id']}/children", named="title")
                    for _, i in wanted
                ]
            )
            level = []
            for (where, item), answer in zip(wanted, answers, strict=True):
                for child in answer.result():
                    child.setdefault("tab_id", item.get("tab_id"))
                    child.setdefault("parent_id", item["id"])
                    found.append(child)
                    level.append((join_path(where, child["title"]), child))
        return found

    def _members(self, groups: list[Resource], lists: list[list[dict[str, Any]]]) -> list[Resource]:
        """The groups' member lists as resources, in the portal's order; and the users' ids
        by (lower-case) email."""
        members: list[Resource] = []
        for group, users in zip(groups, lists, strict=True):
            emails = [user["email"].lower() for user in users]  # _list made them strings
            self.users.update(zip(emails, map(itemgetter("id"), users), strict=True))
            name, extra = group.own, {"group_id": group.id}  # one for all: never changed
            members += [
                Resource(
                    "membership",
                    (name, email),
                    {"email": email},
                    id=user["id"],
                    parent=group.ident,
                    extra=extra,
                )
                for email, user in zip(emails, users, strict=True)
            ]
        return members

    def _resolve_users(self, emails: Iterable[str]) -> None:
        """Find the users behind emails not seen in a member list (:mod:`.users`)."""
        resolve_users(self.users, emails, self.client, self._list, self._fetch)

    def close(self) -> None:
        self.client.close()
        for close in self._closers:
            close()

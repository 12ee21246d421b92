"""Reading an ABC User Feedback project: each collection once, normalized for the diff.

- categories: one ``GET`` whose ``limit`` covers ``totalItems`` (the server's order changes
  with the page size, so walking pages repeats and skips rows); asked again if the count grew;
- issues: ``POST issues/search`` in id order, pages of 1,000 (the admin search instead when the
  spec sets categories: only it shows an issue's category);
- channels: the list (without fields), then ``GET channels/{id}`` for each channel the spec
  manages (every channel for export); the four system fields and AI fields are never listed;
- webhooks: one list, tokens in clear (the token is a secret attribute: masked in outputs);
  the sandbox answers a seal of each token instead (:mod:`.tokens`), read as the spec's token
  when it seals that one.

The admin API is used only when the spec needs it (:func:`.desired.needs_admin`).

Independent reads go side by side, at most ``parallel`` at once (``RECONCILER_PARALLEL``,
within the rate-limit budget): the categories first and alone (the answer shows whether the
key works), then the first pages of issues and channels with the webhooks; then the other
pages, whose count the first said, and the channels' fields. Results are used in a fixed
order, so the state read is the same whatever order the answers arrive in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, NoReturn

from ...errors import ApiError, BadResponseError, TargetError
from ...http import DEFAULT_PARALLEL, Auth, Client, ReadPool
from ...state import Desired, Id, LiveState, Resource
from .checks import check_fields, check_references
from .client import SIGN_IN, admin_auth
from .desired import events_form, needs_admin, options_form, project_of
from .tokens import unseal

FIRST_LIMIT = 1000  # categories asked for in the first request; more if totalItems says so
PAGE = 1000
SYSTEM_KEYS = frozenset({"id", "createdAt", "updatedAt", "issues"})
HIDDEN_FORMATS = frozenset({"aiField"})
CHOICES = frozenset({"select", "multiSelect"})


class Credentials:
    """What the environment gave: the project's API key, an admin's email and password."""

    def __init__(self, api_key: str | None, email: str | None, password: str | None) -> None:
        self.api_key, self.email, self.password = api_key, email, password

    def missing(self, admin: bool) -> list[str]:
        wanted = {"ABC_API_KEY": self.api_key}
        if admin:
            wanted |= {"ABC_EMAIL": self.email, "ABC_PASSWORD": self.password}
        return [name for name, value in wanted.items() if not value]


class Reader:
    """Reads one project into a LiveState; keeps what the writes need (raw items, ids)."""

    def __init__(
        self,
        client: Client,
        target: str,
        credentials: Credentials,
        *,
        project: int = 1,
        closers: Iterable[Callable[[], None]] = (),
    ) -> None:
        self.client = client
        self.target = target
        self.credentials = credentials
        self.project = project
        self._closers = tuple(closers)
        self.parallel = DEFAULT_PARALLEL  # reads in flight at most (1: one at a time)
        self._admin: Auth | None = None
        self.raw: dict[tuple[str, Id], dict[str, Any]] = {}
        self.fields: dict[Id, list[dict[str, Any]]] = {}  # channel id → every field read
        self.category_ids: dict[str, Id] = {}
        self.channel_ids: dict[str, Id] = {}

    # -- requests ------------------------------------------------------------------------

    def public(self, path: str) -> str:
        return f"projects/{self.project}/{path}"

    def admin_path(self, path: str) -> str:
        return f"admin/projects/{self.project}/{path}"

    def admin(self, method: str, path: str, *, via: Client | None = None, **kw: Any) -> Any:
        """An admin request (signed in on first use), through ``via`` (default: the client);
        a refused sign-in is a TargetError."""
        self._sign_in_with()
        try:
            return (via or self.client).request(
                method, self.admin_path(path), auth=self._sign_in_with(), **kw
            )
        except ApiError as error:
            if error.status is not None and error.path.endswith(SIGN_IN) and error.status < 500:
                raise TargetError(
                    f"the server refused the admin sign-in ({error.status}: {error.detail})",
                    hint="check ABC_EMAIL and ABC_PASSWORD (an admin of the server)",
                ) from None
            raise

    def _sign_in_with(self) -> Auth:
        """The admin auth strategy (made once; it signs in on its first request)."""
        if self._admin is None:
            self._admin = admin_auth(
                self.client, self.credentials.email or "", self.credentials.password or ""
            )
        return self._admin

    def bad(self, method: str, path: str, message: str) -> NoReturn:
        raise BadResponseError(
            method, self.client.path_of(path), None, message,
            hint="the server answered what its API does not promise; nothing was written",
        )  # fmt: skip

    def items(self, body: Any, method: str, path: str, *, named: str = "name") -> list[Any]:
        """``body["items"]``: objects, each with an integer id and a string ``named``."""
        found = body.get("items") if isinstance(body, dict) else None
        if not isinstance(found, list):
            self.bad(method, path, 'expected {"items": [...]}')
        for item in found:
            ok = isinstance(item, dict) and isinstance(item.get("id"), int)
            if not ok or not isinstance(item.get(named), str):
                self.bad(method, path, f"an item has no integer id or no {named}")
        return found

    def total(self, body: Any, method: str, path: str) -> int:
        meta = body.get("meta") if isinstance(body, dict) else None
        count = meta.get("totalItems") if isinstance(meta, dict) else None
        if not isinstance(count, int) or count < 0:
            self.bad(method, path, "expected meta.totalItems")
        return count

    # -- reading -------------------------------------------------------------------------

    def read(self, desired: Desired) -> LiveState:
        """Every collection the spec's kinds need; TargetError first if a credential is missing."""
        admin = needs_admin(desired)
        missing = self.credentials.missing(admin)
        if missing:
            why = " (the spec manages what only the admin API reaches)" if admin else ""
            raise TargetError(
                f"{' and '.join(missing)} not set{why}",
                hint="set them in the environment: README, 'ABC User Feedback'",
            )
        self.project = project_of(desired, self.project)
        self.raw, self.fields = {}, {}
        state = LiveState()
        if admin:
            self._sign_in_with()  # made before the threads share it
        with ReadPool(self.parallel) as pool:
            state.resources["category"] = self._categories()  # alone: is the key good?
            issues = self._issue_pages(pool, admin)
            if admin:
                channels = self._pages(pool, self._channel_page, "GET", self.admin_path("channels"))
                hooks = pool.submit(partial(self.admin, "GET", "webhooks"))
                state.resources["issue"] = self._issue_resources(issues(), admin)
                state.resources["channel"] = self._channel_resources(channels())
                wanted = self._wanted_channels(desired)
                state.resources["field"] = self._fields(
                    pool, [c for c in state.of("channel") if desired.everything or c.own in wanted]
                )
                tokens = [
                    w.attrs["token"]
                    for w in desired.of("webhook")
                    if isinstance(w.attrs.get("token"), str)
                ]
                renamed = _renamed_channels(desired, state.of("channel"))
                state.resources["webhook"] = self._hook_resources(hooks.result(), tokens, renamed)
            else:
                state.resources["issue"] = self._issue_resources(issues(), admin)
        check_references(desired, state)
        check_fields(desired, state, self.fields)
        return state

    def _categories(self) -> list[Resource]:
        path, limit = self.public("categories"), FIRST_LIMIT
        for _ in range(4):
            body = self.client.get(path, {"page": 1, "limit": limit})
            items = self.items(body, "GET", path)
            total = self.total(body, "GET", path)
            if len(items) == total and len({i["id"] for i in items}) == total:
                break
            limit = max(limit, total + 100)  # room for categories made meanwhile
        else:
            self.bad("GET", path, "the category list never held totalItems distinct rows")
        items = sorted(items, key=_id)  # the server's order means nothing: ids are stable
        self.category_ids = {i["name"]: i["id"] for i in items}
        return [Resource("category", (i["name"],), {"name": i["name"]}, id=i["id"]) for i in items]

    def _issue_pages(self, pool: ReadPool, admin: bool) -> Callable[[], list[dict[str, Any]]]:
        """Issues in id order: the admin search when the spec sets categories (only it shows
        an issue's category), else the public one."""
        if admin:
            path = self.admin_path("issues/search")
            extra = {"queries": [], "defaultQueries": [], "operator": "AND", "sort": {"id": "ASC"}}
            send: Callable[..., Any] = partial(self.admin, "POST", "issues/search")
        else:
            path, extra = self.public("issues/search"), {}
            send = partial(self.client.request, "POST", path)

        def page(number: int) -> Any:
            return send(json={"page": number, "limit": PAGE, **extra})

        return self._pages(pool, page, "POST", path)

    def _pages(
        self, pool: ReadPool, page: Callable[[int], Any], method: str, path: str
    ) -> Callable[[], list[dict[str, Any]]]:
        """Asks for the first page now; the returned call asks for the others at once (the
        first says how many there are), then one by one while rows keep coming (rows added
        meanwhile), and returns the rows by id."""
        first = pool.submit(partial(page, 1))

        def rest() -> list[dict[str, Any]]:
            body = first.result()
            items, total = self.items(body, method, path), self.total(body, method, path)
            found = {i["id"]: i for i in items}
            last = max(1, -(-total // PAGE))
            for answer in pool.all([partial(page, n) for n in range(2, last + 1)]):
                body = answer.result()
                items, total = self.items(body, method, path), self.total(body, method, path)
                found.update((i["id"], i) for i in items)
            while items and len(found) < total:
                last += 1
                body = page(last)
                items, total = self.items(body, method, path), self.total(body, method, path)
                found.update((i["id"], i) for i in items)
            return sorted(found.values(), key=_id)

        return rest

    def _issues(self, admin: bool) -> list[Resource]:
        """Every issue (as :meth:`read` reads them)."""
        with ReadPool(self.parallel) as pool:
            return self._issue_resources(self._issue_pages(pool, admin)(), admin)

    def _issue_resources(self, items: list[dict[str, Any]], admin: bool) -> list[Resource]:
        names = {v: k for k, v in self.category_ids.items()}
        return [self._issue(item, names, admin) for item in items]

    def _issue(self, item: dict[str, Any], names: Mapping[Id, str], admin: bool) -> Resource:
        attrs = {
            "name": item["name"],
            "description": item.get("description"),
            "status": item.get("status"),
            "external_id": item.get("externalIssueId"),
        }
        if admin:
            category = item.get("category")
            cid = category.get("id") if isinstance(category, dict) else None
            shown = category.get("name") if isinstance(category, dict) else None
            attrs["category"] = None if cid is None else names.get(cid, shown)
            item = {**item, "categoryId": cid}
        self.raw[("issue", item["id"])] = item
        return Resource("issue", (item["name"],), attrs, id=item["id"])

    def _channel_page(self, number: int) -> Any:
        return self.admin("GET", "channels", params={"page": number, "limit": PAGE})

    def _channels(self) -> list[Resource]:
        """Every channel, without its fields (as :meth:`read` reads them)."""
        with ReadPool(self.parallel) as pool:
            pages = self._pages(pool, self._channel_page, "GET", self.admin_path("channels"))
            return self._channel_resources(pages())

    def _channel_resources(self, items: list[dict[str, Any]]) -> list[Resource]:
        self.channel_ids = {i["name"]: i["id"] for i in items}
        channels = []
        for item in items:
            self.raw[("channel", item["id"])] = item
            attrs = {
                "name": item["name"],
                "description": item.get("description"),
                "feedback_search_max_days": item.get("feedbackSearchMaxDays"),
            }
            channels.append(Resource("channel", (item["name"],), attrs, id=item["id"]))
        return channels

    def _wanted_channels(self, desired: Desired) -> set[str]:
        """Channel names whose fields matter: the spec's, and their earlier names."""
        return {
            name
            for c in desired.of("channel")
            for name in (c.own, *(old[-1] for old in c.renamed_from))
        }

    def _fields(self, pool: ReadPool, channels: list[Resource]) -> list[Resource]:
        answers = pool.all([partial(self.admin, "GET", f"channels/{c.id}") for c in channels])
        found: list[Resource] = []
        for channel, answer in zip(channels, answers, strict=True):
            body = answer.result()
            where = self.admin_path(f"channels/{channel.id}")
            fields = self.items(
                {"items": body.get("fields")} if isinstance(body, dict) else None, "GET", where,
                named="key",
            )  # fmt: skip
            assert channel.id is not None
            self.fields[channel.id] = fields
            for item in sorted(fields, key=lambda f: str(f["key"])):
                if item["key"] in SYSTEM_KEYS or item.get("format") in HIDDEN_FORMATS:
                    continue
                self.raw[("field", item["id"])] = item
                found.append(self._field(channel, item))
        return found

    def _field(self, channel: Resource, item: dict[str, Any]) -> Resource:
        attrs = {k: item.get(k) for k in ("name", "description", "format")}
        attrs |= {"property": item.get("property"), "status": item.get("status")}
        if item.get("format") in CHOICES:
            attrs["options"] = options_form(_options(item.get("options")))
        return Resource(
            "field",
            (channel.own, item["key"]),
            attrs,
            id=item["id"],
            parent=channel.ident,
            extra={"channel_id": channel.id},
        )

    def _webhooks(self) -> list[Resource]:
        """Every webhook (as :meth:`read` reads them)."""
        return self._hook_resources(self.admin("GET", "webhooks"))

    def _hook_resources(
        self, body: Any, tokens: Iterable[str] = (), renamed: Mapping[str, str] | None = None
    ) -> list[Resource]:
        """``tokens``: the spec's, which a sandbox's sealed token may stand for; ``renamed``:
        the channels the plan renames, current name → new (see :func:`_renamed_channels`)."""
        known, found = tuple(tokens), []
        for item in self.items(body, "GET", self.admin_path("webhooks")):
            self.raw[("webhook", item["id"])] = item
            attrs = {
                "name": item["name"],
                "url": item.get("url"),
                "status": item.get("status"),
                "events": events_form(_events(item.get("events"), renamed or {})),
                "token": unseal(item.get("token"), known),
            }
            found.append(Resource("webhook", (item["name"],), attrs, id=item["id"]))
        return found

    def close(self) -> None:
        self.client.close()
        for close in self._closers:
            close()


def _id(item: dict[str, Any]) -> int:
    return int(item["id"])


def _options(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        return []
    return [o for o in raw if isinstance(o, dict) and "key" in o and "name" in o]


def _renamed_channels(desired: Desired, channels: Iterable[Resource]) -> dict[str, str]:
    """The channels the plan renames, current name → the spec's (by ``renamed_from``, as the
    engine follows it: only when no channel has the entry's own name, and the old name is no
    other entry's). A webhook links a channel by id, so its events read in the new name: a
    rename is then no change of the webhooks that name the channel."""
    held = {c.own for c in channels}
    own = {d.own for d in desired.of("channel")}
    found: dict[str, str] = {}
    for d in desired.of("channel"):
        if d.own in held:
            continue
        earlier = (old[-1] for old in d.renamed_from if old[-1] in held and old[-1] not in own)
        if (old := next(earlier, None)) is not None:
            found.setdefault(old, d.own)
    return found


def _events(raw: Any, renamed: Mapping[str, str]) -> list[dict[str, Any]]:
    events = []
    for event in raw if isinstance(raw, list) else []:
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            continue
        channels = event.get("channels")
        listed = channels if isinstance(channels, list) else []
        names = [
            renamed.get(c["name"], c["name"]) for c in listed if isinstance(c, dict) and "name" in c
        ]
        events.append({"type": event["type"], "status": event.get("status"), "channels": names})
    return events

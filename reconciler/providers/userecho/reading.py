"""Reading a UserEcho portal: each collection once, normalized exactly as the spec side.

Forums, groups and webhooks are read whole; categories and tags of just the forums the spec
names (by name or an earlier name), access lists of just those whose list the spec gives
(private forums only), and every forum's children for export. Memberships come from the
users list (each user carries ``groups``), walked only when a group whose members the spec
gives exists; member emails the walk did not meet are looked up with ``filter__email__in``.
Before returning, what the spec would create that the portal cannot take is a PlanError:
unknown member emails, unknown webhook events, names over the API's length.

Independent reads go side by side, at most ``parallel`` at once (``RECONCILER_PARALLEL``,
within the pace the client keeps): the forums first and alone, then groups and webhooks with
the children of each forum, then the users and the email look-ups. Results are used in a
fixed order, so the state read is the same whatever order the answers arrive in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from functools import partial
from typing import Any, NoReturn

from ...errors import BadResponseError, PlanError
from ...http import DEFAULT_PARALLEL, ReadPool
from ...state import Desired, Id, LiveState, Resource
from .api import LIMITS, Api
from .desired import UserEchoDesired, managed_names, webhook_ident
from .schema import FORUM_FLAGS, PRIVATE_TYPES

EMAILS_A_REQUEST = 50  # emails per filter__email__in look-up (the URL stays short)


def key(name: str) -> str:
    return name.lower()


class Reader:
    """Reads the portal into a LiveState; keeps what the writes need (raw records, users)."""

    def __init__(
        self,
        api: Api,
        target: str,
        closers: Iterable[Callable[[], None]] = (),
        *,
        pace_from_spec: bool = True,
    ) -> None:
        self.api = api
        self.client = api.client
        self.target = target
        self._closers = tuple(closers)
        self._pace_from_spec = pace_from_spec
        self.parallel = DEFAULT_PARALLEL  # reads in flight at most (1: one at a time)
        self.users: dict[str, Id] = {}
        self.raw: dict[tuple[str, Id], dict[str, Any]] = {}

    @property
    def limit_per_minute(self) -> float | None:
        """The pace the client keeps (None: none)."""
        return self.client.fixed_rate or None

    def read(self, desired: Desired) -> LiveState:
        if self._pace_from_spec and isinstance(desired, UserEchoDesired) and desired.rate_limit:
            self.client.fixed_rate = desired.rate_limit
        self.users, self.raw = {}, {}
        state = LiveState()
        with ReadPool(self.parallel) as pool:
            forums = self._records("forums.list")  # alone: does the portal answer at all?
            groups = pool.submit(partial(self._records, "groups.list"))
            hooks = pool.submit(partial(self._records, "hooks.list", "event"))
            state.resources["forum"] = [self._forum(item) for item in forums]
            self._read_children(pool, state, desired)
            state.resources["group"] = [self._group(item) for item in groups.result()]
            state.resources["membership"] = self._read_members(pool, state.of("group"), desired)
            state.resources["webhook"] = [self._hook(h) for h in hooks.result()]
        self._check_events(desired, state)
        self._check_new_names(desired, state)
        return state

    # -- collections -----------------------------------------------------------------------

    def _records(self, op: str, named: str = "name", **args: Any) -> list[dict[str, Any]]:
        """A whole list; every record must be an object with an integer id and a ``named``
        string (before anything is written: a bad answer stops the plan)."""
        items = self.api.fetch(op, **args)
        for item in items:
            id_ = item.get("id") if isinstance(item, dict) else None
            if not isinstance(id_, int) or isinstance(id_, bool):
                self._bad(op, args, f"a record has no integer id ({id_!r})")
            if not isinstance(item.get(named), str) or not item[named].strip():
                self._bad(op, args, f"record {id_} has no {named}")
        return items

    def _bad(self, op: str, args: Mapping[str, Any], message: str) -> NoReturn:
        from .api import OPS

        path = self.client.path_of(OPS[op].path.format_map(args) + ".json")
        raise BadResponseError(
            "GET", path, 200, message, hint="the portal answered what its API does not promise"
        )

    def _keep(self, kind: str, item: dict[str, Any]) -> None:
        self.raw[(kind, item["id"])] = item

    def _forum(self, item: dict[str, Any]) -> Resource:
        self._keep("forum", item)
        attrs: dict[str, Any] = {"name": item["name"], "type": item.get("type")}
        attrs["locale"] = item.get("locale")
        attrs.update({flag: bool(item.get(flag)) for flag in FORUM_FLAGS})
        return Resource("forum", (item["name"],), attrs, id=item["id"])

    def _group(self, item: dict[str, Any]) -> Resource:
        self._keep("group", item)
        attrs = {k: item.get(k) for k in ("name", "vote_weight", "vote_count")}
        return Resource("group", (item["name"],), attrs, id=item["id"])

    def _hook(self, item: dict[str, Any]) -> Resource:
        self._keep("webhook", item)
        event, url = item["event"], str(item.get("target_url") or "")
        attrs = {"event": event, "target_url": url}
        return Resource("webhook", webhook_ident(event, url), attrs, id=item["id"])

    # -- a forum's children ----------------------------------------------------------------

    def _read_children(self, pool: ReadPool, state: LiveState, desired: Desired) -> None:
        names = managed_names(desired, "forum")
        access_sets = {key(i[-1]) for i in desired.sets.get("access", ())}
        by_own = {key(f.own): f for f in desired.of("forum")}
        access_names = {
            key(n)
            for own in access_sets
            for n in (by_own[own].own, *(o[-1] for o in by_own[own].renamed_from))
        }
        for kind in ("category", "tag", "access"):
            state.resources[kind] = []
        reads: list[tuple[str, Resource, Future[Any]]] = []
        for forum in state.of("forum"):
            if not desired.everything and key(forum.own) not in names:
                continue
            kinds = [("category", "categories.list"), ("tag", "tags.list")]
            private = forum.attrs.get("type") in PRIVATE_TYPES
            if private and (desired.everything or key(forum.own) in access_names):
                kinds.append(("access", "access.list"))
            for kind, op in kinds:
                read: Callable[..., Any] = self._emails if kind == "access" else self._records
                reads.append((kind, forum, pool.submit(partial(read, op, forum=forum.id))))
        for kind, forum, answer in reads:
            if kind == "access":
                state.resources[kind] += self._access(forum, answer.result())
            else:
                state.resources[kind] += [self._child(kind, forum, i) for i in answer.result()]

    def _child(self, kind: str, forum: Resource, item: dict[str, Any]) -> Resource:
        self._keep(kind, item)
        name = item["name"]
        return Resource(
            kind,
            (forum.own, name),
            {"name": name},
            id=item["id"],
            parent=forum.ident,
            extra={"forum_id": forum.id},
        )

    def _emails(self, op: str, **args: Any) -> list[str]:
        """A list of email addresses (a private forum's access list)."""
        emails = self.api.fetch(op, **args)
        if not all(isinstance(e, str) and "@" in e for e in emails):
            self._bad(op, args, "expected a list of email addresses")
        return emails

    def _access(self, forum: Resource, emails: list[str]) -> list[Resource]:
        return [
            Resource(
                "access",
                (forum.own, e.lower()),
                {"email": e.lower()},
                id=e.lower(),
                parent=forum.ident,
                extra={"forum_id": forum.id},
            )
            for e in dict.fromkeys(str(e).strip() for e in emails)
        ]

    # -- users and memberships -------------------------------------------------------------

    def _read_members(
        self, pool: ReadPool, groups: list[Resource], desired: Desired
    ) -> list[Resource]:
        spec_groups = {g.ident: g for g in desired.of("group")}
        named = {
            key(name)
            for ident in desired.sets.get("membership", ())
            for name in (ident[-1], *(old[-1] for old in spec_groups[ident].renamed_from))
        }
        walk = desired.everything or any(key(g.own) in named for g in groups)
        members: list[Resource] = []
        if walk:
            by_id = {g.id: g for g in groups}
            for user in self._records("users.list", "email"):
                email = str(user["email"]).strip().lower()
                self.users[email] = user["id"]
                members += self._memberships(user, email, by_id)
        self._resolve(pool, (m.own for m in desired.of("membership")))
        return members

    def _memberships(
        self, user: dict[str, Any], email: str, groups: Mapping[Id | None, Resource]
    ) -> Iterator[Resource]:
        listed = user.get("groups")
        for entry in listed if isinstance(listed, list) else ():
            group = groups.get(entry.get("id")) if isinstance(entry, dict) else None
            if group is not None:
                yield Resource(
                    "membership",
                    (group.own, email),
                    {"email": email},
                    id=user["id"],
                    parent=group.ident,
                    extra={"group_id": group.id},
                )

    def _resolve(self, pool: ReadPool, emails: Iterable[str]) -> None:
        """Find the users behind emails the walk did not meet; PlanError for unknown ones."""
        missing = sorted({e for e in emails if e not in self.users})
        chunks = [
            ",".join(missing[start : start + EMAILS_A_REQUEST])
            for start in range(0, len(missing), EMAILS_A_REQUEST)
        ]
        answers = pool.all(
            [partial(self.api.fetch, "users.list", {"filter__email__in": c}) for c in chunks]
        )
        for answer in answers:
            for user in answer.result():
                if isinstance(user, dict) and isinstance(user.get("id"), int):
                    self.users[str(user.get("email", "")).strip().lower()] = user["id"]
        unknown = [e for e in missing if e not in self.users]
        if unknown:
            raise PlanError(
                f"member emails that are not portal users: {', '.join(unknown)}",
                hint="users are never created: invite them to the portal first, or remove "
                "them from the spec",
                entries=[(kind, email) for email in unknown for kind in ("membership", "access")],
            )

    # -- what the portal cannot take -------------------------------------------------------

    def _check_events(self, desired: Desired, state: LiveState) -> None:
        have = {key(w.own) for w in state.of("webhook")}
        new = [w for w in desired.of("webhook") if key(w.own) not in have]
        if not new:
            return
        events = {str(e) for e in self.api.fetch("hooks.events")}
        unknown = sorted({str(w.attrs.get("event")) for w in new} - events)
        if unknown:
            raise PlanError(
                f"webhook events the portal does not know: {', '.join(unknown)}",
                hint=f"GET hooks/events lists: {', '.join(sorted(events)) or 'none'}",
                entries=[
                    ("webhook", w.name, str(w.attrs.get("event")))
                    for w in new
                    if str(w.attrs.get("event")) not in events
                ],
            )

    def _check_new_names(self, desired: Desired, state: LiveState) -> None:
        """Names the spec creates or renames (not held by the portal as they are) must fit
        the API's limits and be as the portal keeps them (no outer spaces, one line); a name
        the portal already holds is accepted as it is, also in a forum the spec renames (its
        categories and tags are held under its earlier name)."""
        held = {(r.kind, r.ident) for r in state.all()}
        earlier = {
            f.own: [f.own, *(old[-1] for old in f.renamed_from)] for f in desired.of("forum")
        }

        def is_held(d: Resource) -> bool:
            if d.parent is None:
                return (d.kind, d.ident) in held
            return any((d.kind, (p, d.own)) in held for p in earlier.get(d.parent[-1], ()))

        new = [d for kind in LIMITS for d in desired.of(kind) if not is_held(d)]
        long = [
            (
                d.kind,
                d.name,
                f"{d.kind} {d.name!r} ({len(d.own)} characters; at most {LIMITS[d.kind]})",
            )
            for d in new
            if len(d.own) > LIMITS[d.kind]
        ]
        if long:
            raise PlanError(
                f"names longer than the portal takes: {'; '.join(said for _, _, said in long)}",
                hint="shorten them in the spec",
                entries=long,
            )
        odd = [
            (d.kind, d.name, f"{d.kind} {d.name!r}")
            for d in new
            if d.own != d.own.strip() or len(d.own.splitlines()) > 1
        ]
        if odd:
            raise PlanError(
                "new names with outer spaces or line breaks (the portal trims what it is sent): "
                + "; ".join(said for _, _, said in odd),
                hint="write the name on one line, without outer spaces",
                entries=odd,
            )

    def close(self) -> None:
        self.client.close()
        for close in self._closers:
            close()

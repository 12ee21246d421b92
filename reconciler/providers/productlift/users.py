"""The portal users behind member emails, found with the fewest requests.

The member lists already read show some users; the rest are found by paging ``users`` while
that can still pay off (the member lists showed that many users: paging past them all costs
at least that many pages), then by ``users/find_by_email`` one by one, side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from ...errors import ApiError, PlanError
from ...state import Id
from .client import Client

PAGE = 100
Lister = Callable[..., list[dict[str, Any]]]  # (path, params, *, named) → validated items
Fetcher = Callable[[Sequence[Callable[[], Id | None]]], list[Id | None]]


def resolve_users(
    users: dict[str, Id], emails: Iterable[str], client: Client, listing: Lister, fetch: Fetcher
) -> None:
    """Add to ``users`` (email → id) the users behind ``emails``; PlanError naming those
    that are no portal user. ``listing`` reads a page of users, ``fetch`` runs look-ups (at
    most so many at once, results in order)."""
    missing = {e for e in emails if e not in users}
    at_least_pages = -(-len(users) // PAGE)
    skip = 0
    while len(missing) > max(1, at_least_pages):
        page = listing("users", {"limit": PAGE, "skip": skip}, named="email")
        for user in page:
            users[str(user.get("email", "")).lower()] = user["id"]
        missing -= users.keys()
        skip += PAGE
        if len(page) < PAGE or skip // PAGE >= len(missing):
            break
    lookups = sorted(missing - users.keys())
    unknown = []
    for email, found in zip(
        lookups, fetch([partial(find, client, e) for e in lookups]), strict=True
    ):
        if found is None:
            unknown.append(email)
        else:
            users[email] = found
    if unknown:
        raise PlanError(
            f"member emails that are not portal users: {', '.join(unknown)}",
            hint="invite them to the portal first, or remove them from the spec",
            entries=[("membership", email) for email in unknown],
        )


def find(client: Client, email: str) -> Id | None:
    """The id of the user with ``email`` (``users/find_by_email``); None: no such user."""
    try:
        body = client.get("users/find_by_email", {"email": email})
    except ApiError as error:
        if error.status == 404:
            return None
        raise
    found: Mapping[str, Any] | None = body.get("data") if isinstance(body, dict) else None
    if not isinstance(found, dict) or "id" not in found:
        return None
    return found["id"]  # type: ignore[no-any-return]

"""What a 422 "has already been taken" means when the plan thought the name was free.

The plan compares names as ``str.lower()`` does (an exact match first), while the portal's
database compares them more loosely (MySQL's collation: ``ß`` and ``ss``, ``é`` and ``e``
alike). So a create or rename the plan made for ``MASSE`` is refused when the portal holds
``Maße``: the error then says that the portal treats the two names as one. Without such a
name in what the plan read, someone (another apply, a person in the portal) took the name
since the plan was made.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from ...errors import ApiError

TAKEN = "already been taken"
NAME_FIELD = {"tag": "tag", "section": "title"}


def collated(name: str) -> str:
    """A name as a case- and accent-insensitive collation compares it (an approximation of
    MySQL's ``utf8mb4_unicode_ci``): decomposed, without combining marks, casefolded."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def same_to_portal(
    kind: str, body: Mapping[str, Any], raw: Mapping[tuple[str, Any], Mapping[str, Any]]
) -> str | None:
    """A name the portal holds (as read for the plan) that it treats as the one ``body``
    sends, though ``str.lower()`` tells them apart; sections: among the same siblings."""
    field = NAME_FIELD.get(kind, "name")
    name = body.get(field)
    if not isinstance(name, str):
        return None
    for (of, _), item in raw.items():
        other = item.get(field)
        if of != kind or not isinstance(other, str) or other.lower() == name.lower():
            continue
        if kind == "section" and not _siblings(item, body):
            continue
        if collated(other) == collated(name):
            return other
    return None


def _siblings(item: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    shared = [k for k in ("tab_id", "parent_id") if k in body]
    return all(str(item.get(k) or "") == str(body.get(k) or "") for k in shared)


def taken(
    error: ApiError,
    kind: str,
    body: Mapping[str, Any],
    raw: Mapping[tuple[str, Any], Mapping[str, Any]],
    *,
    listed: bool = True,
) -> ApiError:
    """The error to raise for ``error`` (a 422 "taken" on a create or rename of ``kind``).
    ``listed=False``: a retried create whose earlier attempt is not to be found."""
    name = str(body.get(NAME_FIELD.get(kind, "name")))
    other = same_to_portal(kind, body, raw)
    hint: str | None
    if other is not None:
        detail = f"{error.detail}; the portal treats {name!r} and {other!r} as one name"
        hint = (
            "the portal compares names as its database does (letter case, accents, ß and ss "
            "alike), the plan by letter case only: give one of them another name in the spec"
        )
    elif not listed:
        detail = f"{kind} {name!r} is taken, but no such {kind} is listed"
        hint = error.hint
    else:
        detail = error.detail
        hint = (
            f"the {kind} name was free when the plan was made: another apply or someone in "
            "the portal took it since; run `reconciler plan` again"
        )
    return type(error)(
        error.method, error.path, error.status, detail,
        errors=error.errors, retried=error.retried, hint=hint, body=error.body,
    )  # fmt: skip

"""A UserEcho spec as desired resources. Pure: a :class:`Spec` in, a Desired out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...kinds import Ident
from ...state import Desired, Resource
from .schema import PRUNABLE
from .spec import Spec, managed


@dataclass(frozen=True, slots=True)
class UserEchoDesired(Desired):
    """Desired resources, plus the spec's ``portal.rate_limit`` (requests a minute; None:
    not set). The engine hands the provider the spec only as a Desired, so the setting
    travels here (see the provider's docs: the Product's ``connect`` never sees the spec)."""

    rate_limit: int | None = None


def webhook_ident(event: str, target_url: str) -> Ident:
    """A webhook's identity: one part, ``EVENT TARGET_URL``."""
    return (f"{event} {target_url}",)


def desired_state(spec: Spec) -> UserEchoDesired:
    """Turn a validated spec into desired resources, in spec order."""
    res: dict[str, list[Resource]] = {kind: [] for kind in ("forum", "category", "tag", "access")}
    for forum in spec.forums:
        parent: Ident = (forum.name,)
        res["forum"].append(_named("forum", parent, managed(forum), forum.renamed_from))
        for kind, entries in (("category", forum.categories), ("tag", forum.tag_models())):
            res[kind] += [
                _named(kind, (forum.name, e.name), {"name": e.name}, e.renamed_from, parent)
                for e in entries
            ]
        res["access"] += _emails("access", parent, forum.access_list)
    res["group"] = [_named("group", (g.name,), managed(g), g.renamed_from) for g in spec.groups]
    res["membership"] = [
        m for g in spec.groups for m in _emails("membership", (g.name,), g.members)
    ]
    res["webhook"] = [
        Resource("webhook", webhook_ident(w.event, w.target_url), managed(w), position=i)
        for i, w in enumerate(spec.webhooks)
    ]
    sets = {
        "access": frozenset((f.name,) for f in spec.forums if f.access_list is not None),
        "membership": frozenset((g.name,) for g in spec.groups if g.members is not None),
    }
    prune = frozenset(kind for plural, kind in PRUNABLE.items() if spec.prunes(plural))
    rate = spec.portal.rate_limit if spec.portal is not None else None
    return UserEchoDesired(res, sets, prune, rate_limit=rate)


def _named(
    kind: str,
    ident: Ident,
    attrs: dict[str, object],
    renamed: Sequence[str],
    parent: Ident | None = None,
) -> Resource:
    earlier = tuple((*ident[:-1], old) for old in renamed)
    return Resource(kind, ident, attrs, parent=parent, renamed_from=earlier)


def _emails(kind: str, parent: Ident, emails: Sequence[str] | None) -> list[Resource]:
    return [
        Resource(kind, (*parent, email), {"email": email}, parent=parent, position=i)
        for i, email in enumerate(emails or ())
    ]


def managed_names(desired: Desired, kind: str) -> frozenset[str]:
    """Lower-cased own and earlier names of the spec's entries of ``kind``: the portal
    resources whose children the spec may manage."""
    return frozenset(
        name.lower()
        for r in desired.of(kind)
        for name in (r.own, *(old[-1] for old in r.renamed_from))
    )

"""ProductLift (``provider: productlift``, the default): paths, payloads and quirks of its
REST API (``/api/v1``), its spec format, and its sandbox.

``schema.py`` declares the kinds; ``spec.py`` and ``rules.py`` are the spec format;
``desired.py`` turns a spec into resources; ``reading.py`` reads each collection once (tabs,
categories, statuses, tags, groups, sections), one member list per group whose membership
the spec manages, and resolves the remaining member emails with whichever is cheaper;
``writing.py`` performs one request per change and adopts what a lost answer had made;
``export.py`` writes a live portal as a spec; ``sandbox/`` is the local portal.
"""

from __future__ import annotations

from typing import Any

import click

from .. import Product
from .connect import open_portal
from .desired import desired_state
from .export import export_spec
from .rules import check
from .schema import SCHEMA
from .spec import COLOR_PATTERN, EMAIL_PATTERN, NAME_MAX, NAME_PATTERN, Section, Spec
from .writing import ProductLift

NAME_FIELDS = frozenset({"name", "title", "renamed_from", "tag"})


def summarize(spec: Spec) -> dict[str, int]:
    """How many entries of each kind the spec lists (sections at every depth)."""

    def count(sections: list[Section]) -> int:
        return sum(1 + count(s.sections) for s in sections)

    return {
        "tabs": len(spec.tabs),
        "categories": len(spec.categories),
        "statuses": len(spec.statuses),
        "tags": len(spec.tags),
        "sections": count(spec.sections),
        "groups": len(spec.groups),
        "members": sum(len(g.members or ()) for g in spec.groups),
    }


def _serve() -> click.Command:
    from .sandbox.command import serve

    return serve


def _export(live: Any, url: str | None) -> dict[str, Any]:
    return export_spec(live, url)


PRODUCT = Product(
    name="productlift",
    title="ProductLift",
    schema=SCHEMA,
    spec_model=Spec,
    url_env="PRODUCTLIFT_URL",
    credentials=("PRODUCTLIFT_TOKEN",),
    check=check,
    desired=desired_state,
    connect=open_portal,
    export=_export,
    summarize=summarize,
    serve=_serve,
    needed_credentials=lambda spec: ("PRODUCTLIFT_TOKEN",),
    length_bounds=lambda field: (1, NAME_MAX) if field in NAME_FIELDS else None,
    union_labels=frozenset({"str", "Tag", "bool", "Prune"}),
    extra={
        "name_unions": ("Tag",),
        "pattern_messages": {
            COLOR_PATTERN: "{name} '{value}' is not a colour like #RRGGBB",
            EMAIL_PATTERN: "{name}: '{value}' is not an email address",
            NAME_PATTERN: "{name} '{value}' is blank: a name needs a visible character",
        },
    },
)

__all__ = ["PRODUCT", "ProductLift"]

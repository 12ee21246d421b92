"""UserEcho (``provider: userecho``): forums, their categories, tags and access lists, user
groups and their members, webhooks; over UserEcho's API v2 (CONTRACT.md, part two).

``schema.py`` declares the kinds; ``spec.py`` and ``rules.py`` are the spec format;
``desired.py`` turns a spec into resources; ``api.py`` holds THE table of request shapes
(one line per operation: the assumptions a real account confirms or corrects);
``reading.py`` reads each collection once; ``writing.py`` performs one request per change and
adopts what a lost answer made; ``connect.py`` makes a connection (HTTP or the embedded
sandbox); ``export.py`` writes a live portal as a spec; ``serve.py`` is ``sandbox serve``;
``sandbox/`` is the local portal.
"""

from __future__ import annotations

from typing import Any

import click

from .. import Product
from .connect import TOKEN_VARIABLE, open_portal
from .desired import desired_state
from .export import export_spec
from .rules import check
from .schema import SCHEMA
from .spec import EMAIL_PATTERN, EVENT_PATTERN, LOCALE_PATTERN, NAME_PATTERN, URL_PATTERN, Spec
from .writing import UserEcho


def summarize(spec: Spec) -> dict[str, int]:
    """How many entries of each kind the spec lists."""
    return {
        "forums": len(spec.forums),
        "categories": sum(len(f.categories) for f in spec.forums),
        "tags": sum(len(f.tags) for f in spec.forums),
        "access": sum(len(f.access_list or ()) for f in spec.forums),
        "groups": len(spec.groups),
        "members": sum(len(g.members or ()) for g in spec.groups),
        "webhooks": len(spec.webhooks),
    }


def _serve() -> click.Command:
    from .serve import serve

    return serve


def _export(live: Any, url: str | None) -> dict[str, Any]:
    return export_spec(live, url)


def needed_credentials(spec: Any) -> list[str]:
    """Every kind goes through the one API key."""
    return [TOKEN_VARIABLE]


PRODUCT = Product(
    name="userecho",
    title="UserEcho",
    schema=SCHEMA,
    spec_model=Spec,
    url_env="USERECHO_URL",
    credentials=(TOKEN_VARIABLE,),
    check=check,
    desired=desired_state,
    connect=open_portal,
    export=_export,
    summarize=summarize,
    serve=_serve,
    needed_credentials=needed_credentials,
    union_labels=frozenset({"str", "Tag", "bool", "Prune"}),
    sandbox_hint="reconciler sandbox serve --provider userecho",
    extra={
        "name_unions": ("Tag",),
        "pattern_messages": {
            EMAIL_PATTERN: "{name}: '{value}' is not an email address",
            NAME_PATTERN: "{name} is blank: it needs a visible character",
            LOCALE_PATTERN: "{name} '{value}' is not a language code such as en or pt-br",
            URL_PATTERN: "{name} '{value}' is not an http or https URL",
            EVENT_PATTERN: "{name} '{value}' is not an event name such as topic.created",
        },
    },
)

__all__ = ["PRODUCT", "UserEcho"]

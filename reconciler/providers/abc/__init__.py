"""ABC User Feedback (``provider: abc``): LINE's open-source, self-hosted feedback server.

``schema.py`` declares the kinds (category, issue, channel, field, webhook); ``spec.py`` and
``rules.py`` are the spec format; ``desired.py`` turns a spec into resources; ``client.py`` is
the HTTP dialect and auth (``x-api-key``, an admin JWT session); ``reading.py`` reads each
collection once; ``checks.py`` refuses what the server would answer badly, before any write;
``writing.py`` performs one request per change and adopts what a lost answer made;
``export.py`` writes a live project as a spec; ``connect.py`` opens a target; ``command.py``
is ``reconciler sandbox serve --provider abc``; ``sandbox/`` is the local server.
"""

from __future__ import annotations

from typing import Any

import click

from .. import Product
from .connect import open_portal
from .desired import desired_state, needs_admin
from .export import export_spec
from .rules import check
from .schema import SCHEMA
from .spec import KEY_PATTERN, TOKEN_PATTERN, URL_PATTERN, Spec
from .writing import Abc

PUBLIC = ("ABC_API_KEY",)
ADMIN = ("ABC_EMAIL", "ABC_PASSWORD")


def needed_credentials(spec: Spec | None) -> list[str]:
    """The key always; the admin's email and password when the spec's kinds need them, and
    for an export (``spec`` None), which reads every kind."""
    if spec is None:
        return [*PUBLIC, *ADMIN]
    return [*PUBLIC, *(ADMIN if needs_admin(desired_state(spec)) else ())]


def summarize(spec: Spec) -> dict[str, int]:
    return {
        "categories": len(spec.categories),
        "issues": len(spec.issues),
        "channels": len(spec.channels),
        "fields": sum(len(c.fields or ()) for c in spec.channels),
        "webhooks": len(spec.webhooks),
    }


def _serve() -> click.Command:
    from .command import serve

    return serve


def _export(live: Any, url: str | None) -> dict[str, Any]:
    import os

    return export_spec(live, url, int((os.environ.get("ABC_PROJECT") or "1").strip() or 1))


PRODUCT = Product(
    name="abc",
    title="ABC User Feedback",
    schema=SCHEMA,
    spec_model=Spec,
    url_env="ABC_URL",
    credentials=(*PUBLIC, *ADMIN),
    check=check,
    desired=desired_state,
    connect=open_portal,
    export=_export,
    summarize=summarize,
    serve=_serve,
    needed_credentials=needed_credentials,
    union_labels=frozenset({"bool", "Prune"}),
    sandbox_hint="reconciler sandbox serve --provider abc",
    extra={
        "pattern_messages": {
            KEY_PATTERN: (
                "{name} '{value}' must be letters A-Z a-z, digits and _ (the server's rule)"
            ),
            TOKEN_PATTERN: (
                "{name} must be empty or at least 16 of A-Z a-z 0-9 . _ - (the server's rule)"
            ),
            URL_PATTERN: "{name} '{value}' is not an http(s) URL",
        },
    },
)

__all__ = ["PRODUCT", "Abc"]

"""The ABC User Feedback sandbox: a local, persistent server that behaves as the real one.

    from reconciler.providers.abc.sandbox import AbcSandbox
    box = AbcSandbox(":memory:", api_key="k" * 20, password="pw")  # or a file (DEFAULT_DB)
    client = httpx.Client(base_url="http://abc.local", transport=box.transport())
    client.get("/api/projects/1/categories", headers={"x-api-key": box.api_key})

or over HTTP: ``reconciler.sandbox.server.start_server(box, port=0).url`` (the generic server
only calls ``handle``). ``serve.open_sandbox`` and ``serve.announce`` are what
``reconciler sandbox serve --provider abc`` needs. Modules: ``core`` (handle: faults, body,
guards, counters), ``routes``, ``public`` (categories, issues), ``admin`` (sign-in, searches),
``channels``/``options`` (channels, fields), ``webhooks``, ``errors`` (the three error shapes),
``keys`` (hashes, JWTs), ``store`` (SQLite, seed), ``serve`` (for the CLI).
"""

from __future__ import annotations

from .core import AbcSandbox
from .store import ADMIN_EMAIL, DEFAULT_DB, MEMORY

__all__ = ["ADMIN_EMAIL", "DEFAULT_DB", "MEMORY", "AbcSandbox"]

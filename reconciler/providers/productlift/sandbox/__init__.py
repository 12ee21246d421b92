"""The sandbox portal: a local, persistent, ProductLift-compatible API (as moto is for AWS).

    from reconciler.sandbox import Sandbox
    box = Sandbox(":memory:")                      # or a file; default ./.reconciler/sandbox.db
    client = httpx.Client(base_url="http://sandbox.local", transport=box.transport())

or over HTTP: ``start_server(box, port=0).url`` (``reconciler.sandbox.server``), or
``reconciler sandbox serve``. Modules: ``core`` (Sandbox.handle: auth, rate limit, faults,
stats), ``app`` (routes), ``resources``/``sections``/``people`` (handlers), ``validate``
(Laravel rules and messages), ``render`` (JSON shapes), ``store``/``schema`` (SQLite),
``ratelimit``, ``faults``, ``transport`` (httpx), ``server`` (http.server), ``command`` (click).
"""

from __future__ import annotations

from ....sandbox.faults import Fault, Faults
from ....sandbox.reply import Reply
from .core import Sandbox
from .store import DEFAULT_DB, MEMORY

__all__ = ["DEFAULT_DB", "MEMORY", "Fault", "Faults", "Reply", "Sandbox"]

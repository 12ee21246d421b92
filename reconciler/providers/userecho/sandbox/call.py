"""What a route handler receives (``Call``) and the success envelope it returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import as_id, missing
from .store import Row, Store

Payload = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One routed request.

    ``params``: the path's ids (``forum``, ``user``, ``hook``). ``query``: the query string
    without ``access_token``. ``input``: the query merged with the JSON body (the body wins).
    """

    store: Store
    params: dict[str, str]
    query: dict[str, str]
    input: dict[str, Any]

    def path_row(self, table: str, what: str, name: str) -> Row:
        """The row whose id is the path parameter ``name``; Refused 404 when there is none."""
        raw = self.params[name]
        id_ = as_id(raw)
        row = self.store.find(table, id_) if id_ is not None else None
        if row is None:
            raise missing(what, raw)
        return row


def ok(data: Any) -> Payload:
    """The success envelope."""
    return {"status": "success", "data": data}

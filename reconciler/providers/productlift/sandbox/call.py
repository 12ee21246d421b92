"""What a route handler receives and returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .store import Row, Store
from .validate import as_int, not_found

Answer = tuple[int, Any]  # (HTTP status, JSON payload)


@dataclass(frozen=True)
class Call:
    """One routed request: the store, the path parameters and the input.

    ``input`` is the query string merged with the JSON body (the body wins), strings trimmed
    and empty strings turned into null, as Laravel's middleware does.
    """

    store: Store
    params: dict[str, str]
    input: dict[str, Any]

    @property
    def portal_id(self) -> int:
        return self.store.portal_id

    def row_by_int(self, table: str, model: str, name: str = "id") -> Row:
        """The row whose integer id is the path parameter ``name``, or a Laravel 404."""
        raw = self.params[name]
        id_ = as_int(raw)
        row = self.store.find(table, id_) if id_ is not None else None
        if row is None:
            raise not_found(model, raw)
        return row

    def row_by_uuid(self, table: str, model: str, name: str = "id") -> Row:
        """The row whose UUID is the path parameter ``name``, or a Laravel 404."""
        raw = self.params[name]
        row = self.store.find(table, raw.lower())
        if row is None:
            raise not_found(model, raw)
        return row


def data(payload: Any) -> Answer:
    return 200, {"data": payload}


def message(text: str) -> Answer:
    return 200, {"message": text}


EMPTY: Answer = (200, {})

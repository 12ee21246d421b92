"""What a route handler receives (``Call``) and returns (``Answer``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import coded
from .keys import Signer
from .store import Row, Store

Answer = tuple[int, Any]  # (HTTP status, JSON payload; None: an empty body)
EMPTY: Answer = (200, None)


@dataclass
class Call:
    """One routed request.

    ``params``: the path's integer parameters (``projectId``, ``categoryId``, ...). ``body``:
    the JSON object sent (``{}`` when none: the server validates an empty object then).
    ``query``: the query string's values. ``now``: the sandbox clock, for JWTs.
    """

    store: Store
    params: dict[str, int]
    body: dict[str, Any]
    query: dict[str, str]
    signer: Signer
    now: float
    user: dict[str, Any] = field(default_factory=dict)

    @property
    def project(self) -> int:
        return self.params["projectId"]

    def found(self, table: str, key: str, missing: Callable[[], Exception]) -> Row:
        """The row whose id is the path parameter ``key``; raises ``missing()`` if none."""
        row = self.store.find(table, self.params[key])
        if row is None:
            raise missing()
        return row


def category_not_found() -> Exception:
    return coded(404, "CategoryNotFound", "category is not found")


def issue_not_found() -> Exception:
    return coded(400, "IssueNotFound", "issue is not found")


def channel_not_found() -> Exception:
    return coded(400, "ChannelNotFound", "channel is not found")


def webhook_not_found() -> Exception:
    return coded(404, "WebhookNotFound", "Webhook not found")


def page_meta(total: int, count: int, limit: int, page: int) -> dict[str, int]:
    """``meta`` of a paginated list (nestjs-typeorm-paginate's keys)."""
    return {
        "itemCount": count,
        "totalItems": total,
        "itemsPerPage": limit,
        "totalPages": -(-total // limit),
        "currentPage": page,
    }

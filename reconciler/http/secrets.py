"""Keeping credentials out of text: every form a secret can take in a URL, a log or a body.

A :class:`Scrubber` is asked, at the moment it scrubs, for the secrets of every auth strategy it
watches, so a session's fresh access token is masked from the instant it exists. Each secret is
masked as written, URL-encoded (as a query string carries it) and JSON-escaped (as an echoing
error body carries it). Secrets shorter than :data:`MIN_SECRET` characters are not masked: they
would mask ordinary words.

httpx logs each request's URL on the ``httpx`` logger; a filter installed there scrubs those
records with every live scrubber, so a query-string token does not leak through a debug log.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Iterable
from typing import Any, Protocol
from urllib.parse import quote, quote_plus

import httpx

MIN_SECRET = 4
MASK = "***"


class HasSecrets(Protocol):
    def secrets(self) -> Iterable[str]: ...


class Secret:
    """A credential value; shown as ``'***'`` by repr, vars() and debuggers."""

    __slots__ = ("value",)

    def __init__(self, value: str | None) -> None:
        self.value = value or ""

    def __repr__(self) -> str:
        return "'***'"


def forms(secret: str) -> set[str]:
    """The ways ``secret`` can be written in a URL, a form or a JSON string."""
    in_query = str(httpx.QueryParams({"k": secret}))[2:]  # as httpx writes a query value
    return {secret, quote(secret, safe=""), quote_plus(secret), in_query, json.dumps(secret)[1:-1]}


class Scrubber:
    """Masks the secrets of the sources it watches; safe to share between threads."""

    def __init__(self) -> None:
        self._sources: dict[int, HasSecrets] = {}
        self._lock = threading.Lock()
        _LIVE.add(self)

    def __repr__(self) -> str:
        return f"Scrubber({len(self._sources)} sources)"

    def watch(self, source: HasSecrets) -> None:
        """Mask ``source``'s secrets from now on (those it holds now and any it gets later)."""
        with self._lock:
            self._sources.setdefault(id(source), source)

    def values(self) -> list[str]:
        """Every form of every secret, longest first (so no partial mask shows a remainder)."""
        with self._lock:
            sources = list(self._sources.values())
        found = {f for s in sources for v in s.secrets() if len(v) >= MIN_SECRET for f in forms(v)}
        return sorted(found, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for value in self.values():
            text = text.replace(value, MASK)
        return text

    def scrub_data(self, data: Any) -> Any:
        """``data`` (parsed JSON) with every secret masked wherever a portal might echo it."""
        try:
            dumped = json.dumps(data)
        except (TypeError, ValueError, RecursionError):
            return None
        scrubbed = self.scrub(dumped)
        return data if scrubbed == dumped else json.loads(scrubbed)


_LIVE: weakref.WeakSet[Scrubber] = weakref.WeakSet()


class _LibraryLogFilter(logging.Filter):
    """Scrubs records of the HTTP libraries (they log full URLs) with every live scrubber."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        scrubbed = text
        for scrubber in list(_LIVE):
            scrubbed = scrubber.scrub(scrubbed)
        if scrubbed != text:
            record.msg, record.args = scrubbed, ()
        return True


def install_log_filter() -> None:
    """Put the scrubbing filter on the ``httpx`` logger (once)."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _LibraryLogFilter) for f in logger.filters):
        logger.addFilter(_LibraryLogFilter())

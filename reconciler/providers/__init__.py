"""Providers map the engine's kinds onto one product's API.

The engine knows kinds, identities and attributes; a provider knows paths, payloads and the
quirks of one portal. Adding a target (UserEcho, ABC User Feedback) means writing one more
module with a class satisfying :class:`Provider`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ..plan import Change
from ..state import Id, Kind, LiveState, ReadNeeds


class Provider(Protocol):
    """Reads a portal into a :class:`LiveState` and performs one change at a time."""

    target: str

    def read(self, needs: ReadNeeds) -> LiveState:
        """Read every collection once, and what ``needs`` asks beyond them.

        Raises PlanError when a member email names no portal user.
        """
        ...

    def write(self, change: Change, ids: Mapping[tuple[Kind, str], Id]) -> Id | None:
        """Perform ``change``; return the id of what a create or replace made.

        ``ids`` maps (kind, identity key) to portal ids for everything that exists now,
        including what this apply created, so children find their parents. A write whose
        first attempt landed but whose answer was lost is recognised and adopted, never
        repeated.
        """
        ...

    def close(self) -> None: ...

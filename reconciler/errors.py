"""The one exception tree of portal-reconciler.

The library raises; only ``cli.py`` renders. Every error owns its exit code and an
optional one-line hint, so the CLI never has to guess::

    ReconcilerError                 exit 1
    ├── SpecError                   the spec is invalid (carries every Problem found)
    ├── TargetError                 no usable target (URL, token, CI without a target)
    ├── ApiError                    the portal answered an error, or could not be reached
    │   └── BadResponseError        the portal answered what the API does not promise
    ├── PlanError                   the plan cannot be built (unknown member email, missing tab)
    ├── UnsafePlanError             the delete threshold refused the plan
    ├── StalePlanError              a saved plan no longer matches the portal or the spec
    ├── ApplyError                  apply stopped part-way (carries what was done)
    └── Aborted                     the user declined, or interrupted
        └── Interrupted             Ctrl-C during a wait: nothing more was sent
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2


class ReconcilerError(Exception):
    """Root of every error the CLI turns into a one-line message and exit code 1."""

    exit_code: int = EXIT_ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a spec file: ``FILE:LINE:COL: message``."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class SpecError(ReconcilerError):
    """The spec is invalid; ``problems`` holds every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem], *, hint: str | None = None) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        summary = "\n".join(str(p) for p in self.problems)
        super().__init__(
            summary or "invalid spec",
            hint=hint or f"{count} {noun}; fix the spec and run `reconciler validate` again",
        )
        self.extra_hint = hint


class TargetError(ReconcilerError):
    """No usable portal to talk to."""


class ApiError(ReconcilerError):
    """The portal answered an error (``status`` set) or could not be reached (``status`` None).

    ``str()`` is ``METHOD PATH → STATUS: message``. ``retried`` is true when the
    request had been sent more than once, so a 422 "already taken" may be our own
    first attempt that landed without its response reaching us.
    """

    def __init__(
        self,
        method: str,
        path: str,
        status: int | None,
        message: str,
        *,
        errors: dict[str, list[str]] | None = None,
        retried: bool = False,
        hint: str | None = None,
        body: Any = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.detail = message
        self.errors = errors or {}
        self.retried = retried
        self.body = body
        where = f"{method} {path} → {status if status is not None else 'no response'}"
        super().__init__(f"{where}: {message}", hint=hint)

    def mentions(self, fragment: str) -> bool:
        """True when the message or any field error contains ``fragment`` (case-insensitive)."""
        texts = [self.detail, *(m for msgs in self.errors.values() for m in msgs)]
        return any(fragment.lower() in t.lower() for t in texts)


class BadResponseError(ApiError):
    """The portal answered 2xx with a body the API does not promise (HTML, wrong shape...)."""


# A spec entry a plan error is about: (kind, the name plans show[, what to say of it there])
Entry = tuple[str, str] | tuple[str, str, str]


class PlanError(ReconcilerError):
    """The plan cannot be built from this spec and this portal. ``entries`` names the spec
    entries at fault, as (kind, the name plans show), so the CLI can locate them (a third
    part says what is wrong there, in place of the name); a child entry may be named by its
    own name only (a member's email: every group listing it)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        entries: Sequence[Entry] = (),
    ) -> None:
        super().__init__(message, hint=hint)
        self.entries = tuple(entries)


class UnsafePlanError(ReconcilerError):
    """The plan deletes more than the threshold allows."""


class StalePlanError(ReconcilerError):
    """A saved plan was made against another portal state or another spec."""


class ApplyError(ReconcilerError):
    """Apply stopped part-way. ``done`` and ``remaining`` count changes."""

    def __init__(self, message: str, *, done: int, remaining: int, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.done = done
        self.remaining = remaining


class Aborted(ReconcilerError):
    """The user declined the confirmation or interrupted the run."""


class Interrupted(Aborted):
    """A stop was asked for (Ctrl-C) while waiting or before a request: nothing more was sent."""

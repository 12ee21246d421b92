"""The command line: the only package that prints, prompts or exits.

``app`` holds the group, the shared options and ``main`` (errors → exit codes); the commands
live by what they do: ``specs`` (validate, schema), ``plans`` (plan, show), ``applying``
(apply), ``portal`` (export, sandbox). Heavy modules (pydantic, httpx, deepdiff, rich) are
imported inside the commands that use them, so ``reconciler --help`` stays fast.
"""

from __future__ import annotations

from . import applying, plans, portal, specs  # noqa: F401 - each registers its commands
from .app import cli, main

__all__ = ["cli", "main"]

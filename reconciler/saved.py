"""Saved plans (``plan --out``): what they record beyond the plan, and the checks on reuse.

A saved plan is the plan's JSON document plus a ``saved`` section: the spec it was made from
(its path as given and a digest of its bytes) and each change's references, so that
``apply PLAN.json`` alone knows its spec, provider and target, and applies exactly what was
reviewed, or refuses: another spec, a spec edited since, another target.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import StalePlanError
from .plan import Plan

_HINT = "run `reconciler plan --out` again, review it, and apply that"


def digest(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def saved_document(plan: Plan, spec_path: str, raw: bytes) -> dict[str, Any]:
    """The ``--out`` document: the plan as JSON, and what applying it alone needs."""
    return {
        **plan.as_json(),
        "saved": {
            "spec": {"path": spec_path, "digest": digest(raw)},
            "refs": [c.refs.as_json() for c in plan.changes],
        },
    }


def looks_like_plan(path: str) -> bool:
    """Whether ``path`` names a saved plan rather than a spec (Terraform's ``apply PLAN``)."""
    if path.endswith(".json"):
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


def read_saved(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StalePlanError(f"{path}: cannot read the saved plan: {error}") from None
    if not isinstance(data, dict):
        raise StalePlanError(f"{path}: not a plan file written by `reconciler plan --out`")
    return data


def recorded_spec(saved: Mapping[str, Any]) -> str | None:
    """The path of the spec the plan was made from, when the plan recorded it."""
    spec = (saved.get("saved") or {}).get("spec") or {}
    path = spec.get("path")
    return path if isinstance(path, str) else None


def check_spec(saved: Mapping[str, Any], source: str, spec_path: str, raw: bytes) -> None:
    """Refuse a saved plan made from another spec, or from this spec before an edit."""
    recorded = (saved.get("saved") or {}).get("spec") or {}
    path = recorded.get("path")
    if not isinstance(path, str):
        return  # an older plan file: the comparison of changes still guards it
    if Path(path).resolve() != Path(spec_path).resolve():
        raise StalePlanError(f"{source} was made from {path}, not {spec_path}", hint=_HINT)
    if recorded.get("digest") != digest(raw):
        raise StalePlanError(f"stale plan: {spec_path} changed since {source} was made", hint=_HINT)


def check_target(saved: Mapping[str, Any], source: str, target: str) -> None:
    """Refuse a saved plan made for another target than the one this run talks to."""
    if saved.get("target") != target:
        raise StalePlanError(
            f"{source} was made for {saved.get('target')}, not {target}", hint=_HINT
        )


def check_provider(saved: Mapping[str, Any], source: str, provider: str) -> None:
    made_for = saved.get("provider")
    if made_for is not None and made_for != provider:
        raise StalePlanError(
            f"{source} was made for a {made_for} portal, but the spec is for {provider}",
            hint=_HINT,
        )

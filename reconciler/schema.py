"""The JSON Schema of ``portal.yaml``, generated from every provider's spec model.

``python -m reconciler.schema`` rewrites ``schemas/portal.schema.json``;
``python -m reconciler.schema --check`` exits 1 when the committed file differs.
Editors use the schema (yaml-language-server) for completion and early squiggles; the
loader remains the judge: cross-entry rules (duplicates, tab references) are not in it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import ReconcilerError
from .providers import get, names

SCHEMA_ID = "https://portal-reconciler.dev/schemas/portal.schema.json"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "portal.schema.json"


def build_schema() -> dict[str, Any]:
    """The schema document: draft 2020-12, as pydantic generates it, with our header."""
    body = _union(_models())
    body.pop("title", None)
    body.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "portal-reconciler spec",
        "description": (
            "portal.yaml: the categories, statuses, tags, sections and groups of a "
            "customer-feedback portal, compared with the live portal by portal-reconciler."
        ),
        **body,
    }


def _models() -> list[type[BaseModel]]:
    """The spec model of every provider that loads, the default first."""
    found = []
    for name in names():
        try:
            found.append(get(name).spec_model)
        except ReconcilerError:
            continue  # a provider that is not available adds nothing to the schema
    return found


def _union(models: list[type[BaseModel]]) -> dict[str, Any]:
    """One provider: its schema as it is. Several: ``anyOf`` the providers' specs, which an
    editor tells apart by the ``provider`` key (absent: the default provider)."""
    if len(models) == 1:
        return models[0].model_json_schema()
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Any] = TypeAdapter(models[0] if len(models) == 1 else _any_of(models))
    return adapter.json_schema()


def _any_of(models: list[type[BaseModel]]) -> Any:
    from functools import reduce
    from operator import or_

    return reduce(or_, models)


def render_schema() -> str:
    """The schema as the committed file holds it (stable key order, final newline)."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None, path: Path = SCHEMA_PATH) -> int:
    """Write the schema to ``path``, or with ``--check`` compare; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    wanted = render_schema()
    if args == ["--check"]:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == wanted:
            return 0
        sys.stderr.write(f"{path}: out of date; run `python -m reconciler.schema`\n")
        return 1
    if args:
        sys.stderr.write("usage: python -m reconciler.schema [--check]\n")
        return 2
    if not (path.parent.parent / "pyproject.toml").exists():
        # an installed package: its folder's parent is site-packages, not a checkout
        sys.stderr.write(
            f"{path.parent.parent} is no source checkout; "
            "use `reconciler schema --out FILE` to write the schema\n"
        )
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

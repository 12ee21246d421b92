"""A live portal as spec text: the provider builds the document, this writes it."""

from __future__ import annotations

from typing import Any

import yaml

SCHEMA_FILE = "portal.schema.json"
HEADER = (
    f"# yaml-language-server: $schema={SCHEMA_FILE}\n"
    f"# (the schema beside it: `reconciler schema --out {SCHEMA_FILE}`)\n"
)


def dump_spec(doc: dict[str, Any]) -> str:
    """The spec text: a header naming the JSON Schema (for editors), then the document."""
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return HEADER + body

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
    """The spec text: a header naming the JSON Schema (for editors), then the document.

    A ``${`` in a value is written ``$${``: the loader reads ``${NAME}`` from the
    environment, and what the portal holds must come back as it is.
    """
    body = yaml.safe_dump(
        literal_dollars(doc), sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return HEADER + body


def literal_dollars(value: Any) -> Any:
    """``value`` with ``${`` in every string (not keys) escaped as ``$${``."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {k: literal_dollars(v) for k, v in value.items()}
    if isinstance(value, list):
        return [literal_dollars(v) for v in value]
    return value

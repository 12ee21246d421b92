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
    body = yaml.dump(
        literal_dollars(doc),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )
    return HEADER + body


class _Dumper(yaml.SafeDumper):
    """Writes a string holding a line break YAML folds (NEL, LS, PS, CR) double-quoted, where
    it is escaped: single-quoted or plain, the reader would turn it into a space."""


def _string(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if any(c in data for c in _FOLDED) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_FOLDED = "\x85\u2028\u2029\r"
_Dumper.add_representer(str, _string)


def literal_dollars(value: Any) -> Any:
    """``value`` with ``${`` in every string (not keys) escaped as ``$${``."""
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {k: literal_dollars(v) for k, v in value.items()}
    if isinstance(value, list):
        return [literal_dollars(v) for v in value]
    return value

"""A live portal as spec text: the provider builds the document, this writes it."""

from __future__ import annotations

from typing import Any

import yaml

HEADER = (
    "# yaml-language-server: $schema=https://portal-reconciler.dev/schemas/portal.schema.json\n"
)


def dump_spec(doc: dict[str, Any]) -> str:
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return HEADER + body

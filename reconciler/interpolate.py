"""``${NAME}`` in spec strings: the environment's values, each mistake located.

Only string values are read (never keys). ``$${`` is a literal ``${``. An unset variable, an
unclosed ``${``, or one of the credential variables (a token must never be copied into a
plan) is a problem at the value's position; the value is then left as written.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from .spec_doc import Document, Pos

# $${ (a literal ${), ${NAME}, ${...} with no usable name in it, or a ${ never closed
_TOKEN = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{([^}$]*)\}|\$\{")


def interpolate(
    doc: Document, env: Mapping[str, str], forbidden: Collection[str]
) -> list[tuple[Pos, str]]:
    """Replace ``${NAME}`` in every string value of ``doc`` in place; the problems found."""
    problems: list[tuple[Pos, str]] = []

    def value(text: str, pos: Pos) -> str:
        found: list[str] = []

        def one(match: re.Match[str]) -> str:
            if match.group() == "$${":
                return "${"
            name, odd = match.group(1), match.group(2)
            if odd is not None:
                found.append(
                    f"'${{{odd}}}' names no variable: a name is letters, digits and _, "
                    "not starting with a digit, with no spaces ($${ writes a literal ${)"
                )
            elif name is None:
                found.append("'${' without a closing '}' (write '$${' for a literal '${')")
            elif name in forbidden:
                found.append(
                    f"${{{name}}} is a credential variable: credentials never go into a spec "
                    "(the reconciler reads them from the environment itself)"
                )
            elif name not in env:
                found.append(f"${{{name}}}: the environment variable {name} is not set")
            else:
                return env[name]
            return match.group()

        result = _TOKEN.sub(one, text)
        problems.extend((pos, message) for message in found)
        return text if found else result

    _walk(doc, doc.data, value)
    return problems


def _walk(doc: Document, node: Any, value: Any) -> None:
    """Pass every string value under ``node`` that holds ``${`` through ``value``."""
    todo = [node]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if isinstance(item, str):
                    if "${" in item:
                        positions = doc.keys.get(id(node), {})
                        if key in positions:
                            node[key] = value(item, positions[key][1])
                elif isinstance(item, dict | list):
                    todo.append(item)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str):
                    if "${" in item:
                        places = doc.items.get(id(node), [])
                        if index < len(places):
                            node[index] = value(item, places[index])
                elif isinstance(item, dict | list):
                    todo.append(item)

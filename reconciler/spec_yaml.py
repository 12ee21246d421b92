"""YAML text → a :class:`~reconciler.spec_doc.Document`: plain Python data, with the 1-based
(line, column) of every key and value.

Built from libyaml's event stream (the C loader when present) by
:class:`~reconciler.yaml_builder.Builder`, not from ``yaml.compose``; see there for what it
refuses. Here: the text's own limits (:data:`MAX_CHARS`, UTF-8 only) and the parser's errors,
each located.

Our limits hold whatever the YAML library does: libyaml's scanner looks ahead through flow
collections (``[[[[…``) and, from PyYAML 6.0.4 on, stops at its own nesting limit before the
first event reaches us. So :func:`read` first measures flow nesting itself and hands the parser
only the text up to the first bracket past our limit (:data:`MAX_DEPTH`); the parser then
stops at our check, at the same place whichever PyYAML 6.x is installed.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import yaml

from .spec_doc import Document, Pos, YamlError
from .yaml_builder import MAX_DEPTH, Builder, mark_pos

Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_CHARS = 64 * 1024 * 1024  # a 100,000-resource spec is about 5 MB


def decode(raw: bytes) -> str:
    """UTF-8 bytes (an optional BOM allowed) → text; anything else is a located YamlError."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise YamlError((1, 1), "the file is UTF-16; save the spec as UTF-8")
    raw = raw.removeprefix(codecs.BOM_UTF8)
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _byte_pos(raw, nul)
        raise YamlError((line, col), "binary data (a NUL byte); a spec is UTF-8 text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _byte_pos(raw, error.start)
        byte = raw[error.start]
        raise YamlError((line, col), f"not UTF-8 (byte 0x{byte:02x}); save as UTF-8") from None


def _byte_pos(raw: bytes, offset: int) -> Pos:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[line_start:offset].decode("utf-8", errors="replace")
    return raw.count(b"\n", 0, offset) + 1, len(prefix) + 1


def read(text: str) -> Document:
    """Parse one YAML document into a :class:`Document`; fatal problems raise YamlError."""
    if len(text) > MAX_CHARS:
        raise YamlError(
            (1, 1), f"the spec is {len(text):,} characters long; the limit is {MAX_CHARS:,}"
        )
    too_deep = _too_deep_flow(text)
    builder = Builder()
    loader = Loader(text if too_deep is None else text[:too_deep])
    try:  # yaml.parse without its generator: one call per event (400,000 at 100,000 resources)
        builder.run(loader.get_event)
    except yaml.MarkedYAMLError as error:
        raise YamlError(*_describe(error)) from None
    except yaml.reader.ReaderError as error:
        # libyaml counts bytes of the UTF-8 text it was given
        pos = _byte_pos(text.encode("utf-8"), error.position)
        raise YamlError(pos, _reader_message(error)) from None
    except yaml.YAMLError as error:  # pragma: no cover - libyaml raises the two above
        raise YamlError((1, 1), f"YAML error: {error}") from None
    finally:
        loader.dispose()
    if too_deep is not None:  # the parser ended before our own check: say it ourselves
        raise YamlError(_char_pos(text, too_deep), f"nested deeper than {MAX_DEPTH} levels")
    builder.doc.text = text
    return builder.doc


# What flow nesting depends on: brackets, quotes (which hide brackets), comments, escapes.
_FLOW_SIGNS = re.compile(r"[\[\]{}'\"#\\]")
_BLOCK_TOKEN_START = frozenset(" \t\n")  # what may stand before a token in block context
_FLOW_TOKEN_START = frozenset(" \t\n[{,:")


def _too_deep_flow(text: str) -> int | None:
    """The offset of the first ``[`` or ``{`` that opens flow level ``MAX_DEPTH + 1``, or None.

    A light scan, not a parser: quoted scalars and comments are skipped, and a bracket inside a
    block-context plain scalar (``name: a[b``) does not count. Where it misreads odd text it
    only ever undercounts, and then the parser's own error (a located line) still applies.
    Text with no more brackets than the limit cannot nest past it, and is not scanned.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth, quote, skip_to = 0, "", -1
    for match in _FLOW_SIGNS.finditer(text):
        at = match.start()
        if at < skip_to:
            continue
        sign = match.group()
        if quote:
            if sign == "\\" and quote == '"':
                skip_to = at + 2
            elif sign == quote:
                if quote == "'" and text.startswith("'", at + 1):
                    skip_to = at + 2  # '' is a quote inside a single-quoted scalar
                else:
                    quote = ""
            continue
        before = _FLOW_TOKEN_START if depth else _BLOCK_TOKEN_START
        starts_token = at == 0 or text[at - 1] in before
        if sign in "[{" and starts_token:
            depth += 1
            if depth > MAX_DEPTH:
                return at
        elif sign in "]}" and depth:
            depth -= 1
        elif sign in "'\"" and starts_token:
            quote = sign
        elif sign == "#" and starts_token:
            end = text.find("\n", at)
            skip_to = len(text) if end < 0 else end
    return None


def _char_pos(text: str, offset: int) -> Pos:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _describe(error: yaml.MarkedYAMLError) -> tuple[Pos, str]:
    mark = error.problem_mark or error.context_mark
    pos = mark_pos(mark) if mark is not None else (1, 1)
    message = f"YAML syntax error: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    return pos, message


def _reader_message(error: yaml.reader.ReaderError) -> str:
    char = error.character
    code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    return f"character {code} is not allowed in YAML ({error.reason})"

"""The server's check of a webhook ``url``: class-validator's ``@IsUrl()``, that is
validator.js ``isURL`` (13.15) with its defaults, for the spec check and the sandbox alike.

The defaults: protocol ``http``, ``https`` or ``ftp``, or none; a host that is an IPv4
address, a bracketed IPv6 one, or a domain name with a top-level domain (``localhost``, a
bare ``intranet`` or ``a_b.example.com`` fail; ``127.0.0.1`` passes); a port 1-65535; no
whitespace, ``<`` or ``>``; at most 2084 characters. JavaScript counts UTF-16 code units and
its ``\\s`` is not Python's: both are spelled out here, so both sides refuse the same URLs.
"""

from __future__ import annotations

import re

PROTOCOLS = ("http", "https", "ftp")
MAX_LENGTH = 2084
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_FORBIDDEN = re.compile(f"[{_JS_SPACE}<>]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*:")
_AUTH = re.compile(r"[A-Za-z0-9\-_.%:]*")
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")
_IPV6_HOST = re.compile(r"\[([^\]]+)\](?::([0-9]+))?")
_V4_PART = r"(?:[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])"
_V4 = rf"(?:{_V4_PART}[.]){{3}}{_V4_PART}"
_IPV4 = re.compile(_V4)
_V6_PART = r"(?:[0-9a-fA-F]{1,4})"
_IPV6 = re.compile(
    "(?:"
    rf"(?:{_V6_PART}:){{7}}(?:{_V6_PART}|:)|"
    rf"(?:{_V6_PART}:){{6}}(?:{_V4}|:{_V6_PART}|:)|"
    rf"(?:{_V6_PART}:){{5}}(?::{_V4}|(?::{_V6_PART}){{1,2}}|:)|"
    rf"(?:{_V6_PART}:){{4}}(?:(?::{_V6_PART}){{0,1}}:{_V4}|(?::{_V6_PART}){{1,3}}|:)|"
    rf"(?:{_V6_PART}:){{3}}(?:(?::{_V6_PART}){{0,2}}:{_V4}|(?::{_V6_PART}){{1,4}}|:)|"
    rf"(?:{_V6_PART}:){{2}}(?:(?::{_V6_PART}){{0,3}}:{_V4}|(?::{_V6_PART}){{1,5}}|:)|"
    rf"(?:{_V6_PART}:){{1}}(?:(?::{_V6_PART}){{0,4}}:{_V4}|(?::{_V6_PART}){{1,6}}|:)|"
    rf"(?::(?:(?::{_V6_PART}){{0,5}}:{_V4}|(?::{_V6_PART}){{1,7}}|:))"
    r")(?:%[0-9a-zA-Z.]+)?"
)
# a JavaScript regex without the u flag sees a character past U+FFFF as two surrogates
_TLD = re.compile(
    "[A-Za-z\u00a1-\u00a8\u00aa-\ud7ff\uf900-\ufdcf\ufdf0-\uffef]{2,}|[Xx][Nn][A-Za-z0-9-]{2,}"
)
_LABEL = re.compile("[A-Za-z_\u00a1-\uffff\U00010000-\U0010ffff0-9-]+")
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


def url_problem(url: str) -> str | None:
    """Why the server's URL check refuses ``url``; None when it accepts it."""
    if not url:
        return "it is empty"
    if _FORBIDDEN.search(url):
        return "it holds whitespace, < or >"
    if _units(url) > MAX_LENGTH:
        return f"it is longer than {MAX_LENGTH} characters"
    before_query = url.split("#", 1)[0].split("?", 1)[0]
    if before_query.startswith("mailto:"):
        return "it is a mailto: address"
    rest, explicit = _strip_protocol(before_query)
    if rest is None:
        return f"its protocol is not {', '.join(PROTOCOLS)}"
    if rest.startswith("//"):
        if not explicit:
            return "it starts with // and no protocol"
        rest = rest[2:]
    if not rest:
        return "it has no host"
    return _authority_problem(rest.split("/", 1)[0])


def is_url(url: str) -> bool:
    return url_problem(url) is None


def _strip_protocol(url: str) -> tuple[str | None, bool]:
    """``url`` without its protocol (None: a protocol the check refuses), and whether it had
    one. ``host:8080`` and ``user:pass@host`` are not protocols."""
    found = _SCHEME.match(url)
    if found is None:
        return url, False
    after = url[found.end() :]
    if not after.startswith("//"):
        before_slash = after.split("/", 1)[0]
        if "@" in before_slash:
            auth = before_slash.split("@", 1)[0]
            if _AUTH.fullmatch(auth) and not _ENCODED.search(auth):
                return url, False
        elif after[:1].isascii() and after[:1].isdigit():
            return url, False
    if found.group()[:-1].lower() not in PROTOCOLS:
        return None, True
    return after, True


def _authority_problem(authority: str) -> str | None:
    """``[user[:password]@]host[:port]`` as isURL checks it."""
    auth, at, hostname = authority.partition("@")
    if not at:
        hostname = authority
    elif not auth or auth.count(":") > 1 or auth == ":":
        return "its user:password@ part is malformed"
    v6 = _IPV6_HOST.fullmatch(hostname)
    if v6 is not None:
        host, port = "", v6.group(2)
    else:
        host, colon, port_text = hostname.partition(":")
        port = port_text if colon else None
    if port and not (port.isascii() and port.isdigit() and 0 < int(port) <= 65535):
        return f"its port '{port}' is not a number from 1 to 65535"
    if v6 is not None and _IPV6.fullmatch(v6.group(1)):
        return None
    if _IPV4.fullmatch(host) or _is_domain(host):
        return None
    return f"host '{host}' is no IP address and no domain name with a top-level domain"


def _is_domain(host: str) -> bool:
    """validator.js ``isFQDN`` with isURL's options: a top-level domain of letters (or
    ``xn…``), labels of at most 63 code units, no ``_``, no ``-`` at either end."""
    labels = host.split(".")
    if len(labels) < 2 or not _TLD.fullmatch(labels[-1]):
        return False
    return all(
        _units(label) <= 63
        and _LABEL.fullmatch(label) is not None
        and not _FULL_WIDTH.search(label)
        and not label.startswith("-")
        and not label.endswith("-")
        and "_" not in label
        for label in labels
    )


def _units(text: str) -> int:
    """The length JavaScript sees: UTF-16 code units."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)

"""What every provider's sandbox shares: faults, rate limits and the two ways in.

A provider's sandbox (``reconciler/providers/NAME/sandbox/``) is one object whose
``handle(method, path, query, headers, body)`` answers a :class:`Reply`; this package serves
it in process (:mod:`.transport`, an httpx transport) or over HTTP (:mod:`.server`), and
injects the faults of :mod:`.faults` and the rate limits of :mod:`.ratelimit`.
"""

from __future__ import annotations

from .faults import Fault, Faults
from .reply import Answering, Reply

__all__ = ["Answering", "Fault", "Faults", "Reply"]

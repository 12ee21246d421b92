"""ProductLift: paths, payloads and quirks of its REST API (``/api/v1``).

``reading.py`` reads each collection once (tabs, categories, statuses, tags, groups,
sections), one member list per group whose membership the spec manages, and resolves the
remaining member emails with whichever is cheaper: ``users/find_by_email`` one by one, or
paging ``users``. ``writing.py`` performs one request per change and adopts what a lost
answer had made.
"""

from __future__ import annotations

from .writing import ProductLift

__all__ = ["ProductLift"]

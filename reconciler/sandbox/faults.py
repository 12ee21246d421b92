"""Fault injection for the sandbox portal: seeded, so a run can be repeated exactly.

Each request draws once from ``random.Random(seed)``; the rates split the unit interval, so at
most one fault hits a request and the sequence of faults depends only on the seed and the order
of the requests:

- ``error``   answer 500, 502 or 503 without doing anything;
- ``reset``   drop the connection before doing anything;
- ``lose``    perform a write (POST, PUT, PATCH, DELETE), then drop the connection (reads pass);
- ``timeout`` time out: a write is performed first half of the time (a second draw decides).

``latency`` (seconds, no draw) makes every answer that long in coming, after the request was
handled: a slow portal, so that a run can be interrupted between two writes.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field

from ..errors import TargetError

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Fault(enum.Enum):
    """What the transport does instead of, or after, answering normally."""

    ERROR = "error"  # answer a 5xx, nothing done
    RESET = "reset"  # connection dropped before acting
    LOSE = "lose"  # acted, then the connection dropped
    TIMEOUT = "timeout"  # no answer in time; acted or not (see Decision.act)


@dataclass(frozen=True)
class Decision:
    """The fault for one request (``None``: answer normally) and whether to act at all."""

    fault: Fault | None = None
    act: bool = True
    status: int = 0  # the 5xx status for Fault.ERROR


_ALIASES = {
    "error": "error_rate",
    "fail": "error_rate",
    "lose": "lose_rate",
    "reset": "reset_rate",
    "timeout": "timeout_rate",
    "delay": "timeout_delay",
    "timeout_delay": "timeout_delay",
    "latency": "latency",
    "seed": "seed",
}
_RATES = ("error_rate", "reset_rate", "lose_rate", "timeout_rate")


@dataclass
class Faults:
    """Rates (0..1, summing to at most 1) of each fault; all off by default.

    ``timeout_delay`` is how long the HTTP server sleeps before dropping a timed-out request
    (set it above the client's read timeout). ``latency`` is how long every answer takes.
    """

    error_rate: float = 0.0
    lose_rate: float = 0.0
    reset_rate: float = 0.0
    timeout_rate: float = 0.0
    seed: int | None = None
    timeout_delay: float = 10.0
    latency: float = 0.0
    _rng: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in _RATES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise TargetError(f"sandbox faults: {name} must be between 0 and 1, not {value}")
        if sum(getattr(self, name) for name in _RATES) > 1.0 + 1e-9:
            raise TargetError("sandbox faults: the rates add up to more than 1")
        if self.timeout_delay < 0:
            raise TargetError("sandbox faults: timeout_delay must not be negative")
        if not 0.0 <= self.latency <= 60.0:
            raise TargetError("sandbox faults: latency must be between 0 and 60 seconds")
        self._rng = random.Random(self.seed)

    @classmethod
    def parse(cls, text: str) -> Faults:
        """Faults from ``"error=0.1,lose=0.05,reset=0,timeout=0,seed=3,delay=2"``.

        Keys: ``error`` (or ``fail``), ``lose``, ``reset``, ``timeout``, ``seed``, ``delay``,
        ``latency``;
        the full field names (``error_rate``, ...) work too.
        """
        values: dict[str, float | int] = {}
        for part in text.replace(";", ",").split(","):
            if not part.strip():
                continue
            name, sep, raw = part.partition("=")
            name = name.strip().lower()
            attr = _ALIASES.get(name, name if name in _RATES else "")
            if not sep or not attr:
                raise TargetError(
                    f"sandbox faults: cannot read {part.strip()!r} in {text!r}",
                    hint="use KEY=VALUE pairs with keys error, lose, reset, timeout, seed, delay, "
                    "latency",
                )
            try:
                values[attr] = int(raw) if attr == "seed" else float(raw)
            except ValueError:
                raise TargetError(
                    f"sandbox faults: {name} must be a number, not {raw.strip()!r}"
                ) from None
        return cls(**values)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        """Whether some fault may be drawn (a rate above 0)."""
        return any(getattr(self, name) > 0 for name in _RATES)

    @property
    def in_use(self) -> bool:
        """Whether these change any answer: a fault may be drawn, or every answer waits."""
        return self.active or self.latency > 0

    def decide(self, method: str) -> Decision:
        """Draw the fault for one request (call once per request, in request order)."""
        if not self.active:
            return Decision()
        draw = self._rng.random()
        write = method.upper() in WRITE_METHODS
        edge = self.error_rate
        if draw < edge:
            return Decision(Fault.ERROR, act=False, status=self._rng.choice((500, 502, 503)))
        edge += self.reset_rate
        if draw < edge:
            return Decision(Fault.RESET, act=False)
        edge += self.lose_rate
        if draw < edge:
            return Decision(Fault.LOSE) if write else Decision()
        edge += self.timeout_rate
        if draw < edge:
            return Decision(Fault.TIMEOUT, act=write and self._rng.random() < 0.5)
        return Decision()

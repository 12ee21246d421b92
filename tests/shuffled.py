"""Sandbox answers held back a random (seeded) moment, so they arrive in another order than
the requests went out; and the check, run through the CLI, that plans read side by side are
byte for byte the plans read one at a time."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Sequence
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import Runner


class Shuffled(httpx.BaseTransport):
    """Answers from ``inner`` after a random moment (seeded), counting requests in flight."""

    def __init__(self, inner: httpx.BaseTransport, seed: int, roots_only: bool) -> None:
        self.inner, self.roots_only = inner, roots_only
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.in_flight = self.most = 0
        self.order: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            delay = self.random.uniform(0, 0.006)
        try:
            time.sleep(delay)
            response = self.inner.handle_request(request)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.order.append(f"{request.method} {request.url.path}")
        if self.roots_only and request.url.path == "/api/v1/sections":
            body = json.loads(response.read())
            body["data"] = [s for s in body["data"] if s.get("parent_id") is None]
            headers = {k: v for k, v in response.headers.items() if k != "content-length"}
            return httpx.Response(response.status_code, headers=headers, json=body)
        return response


def shuffle_every(monkeypatch: pytest.MonkeyPatch, sandbox: type[Any]) -> list[Shuffled]:
    """Every transport ``sandbox`` makes from now on, shuffled (a new seed each)."""
    made: list[Shuffled] = []
    seeds = count()
    original = sandbox.transport

    def shuffled(self: Any) -> httpx.BaseTransport:
        made.append(Shuffled(original(self), next(seeds), roots_only=False))
        return made[-1]

    monkeypatch.setattr(sandbox, "transport", shuffled)
    return made


def check_parallel_plans(
    run: Runner,
    transports: list[Shuffled],
    example: Path,
    edits: Sequence[tuple[str, str]],
    tmp_path: Path,
    changes: int,
) -> None:
    """Apply ``example``, edit it, and plan the edit one read at a time (``changes``
    changes), then four times eight at a time: the same JSON plan each time, more than one
    and never more than eight reads in flight, the same requests and no more."""
    url = f"sandbox:{tmp_path / 'portal.db'}"
    applied = run("apply", example, "--auto-approve", "--url", url)
    assert applied.code == 0, applied.err
    edited = example.read_text("utf-8")
    for old, new in edits:
        assert old in edited
        edited = edited.replace(old, new)
    spec = tmp_path / "edited.yaml"
    spec.write_text(edited, "utf-8")
    plan = ("plan", spec, "--format", "json", "--url", url)
    transports.clear()
    serial = run(*plan, "--parallel", "1")
    assert serial.code == 0, serial.err
    assert len(json.loads(serial.out)["changes"]) == changes
    assert max(t.most for t in transports) == 1
    sent = sorted(line for t in transports for line in t.order)
    for _ in range(4):
        transports.clear()
        parallel = run(*plan, "--parallel", "8")
        assert parallel.out == serial.out
        assert 1 < max(t.most for t in transports) <= 8
        assert sorted(line for t in transports for line in t.order) == sent

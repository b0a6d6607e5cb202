"""Full garbage collections wait for a quiet moment (core/heap.py)."""

from __future__ import annotations

import gc

import pytest

from naetra_tui.core import heap
from naetra_tui.core.heap import IdleCollector


def test_full_collections_wait_for_quiet_not_busy_and_not_too_often(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(heap.time, "monotonic", lambda: clock[0])
    collected: list[int] = []
    monkeypatch.setattr(heap.gc, "collect", lambda *args: collected.append(1) or 0)
    monkeypatch.setattr(heap.gc, "get_count", lambda: (0, 0, 50))  # plenty allocated meanwhile
    collector = IdleCollector(every=30.0, quiet=2.0)
    clock[0] += 31
    collector.activity()  # a key was pressed just now
    assert not collector.maybe_collect()
    clock[0] += 3
    assert not collector.maybe_collect(busy=True)  # e.g. an answer is streaming
    assert collector.maybe_collect() and collected == [1]
    clock[0] += 5
    assert not collector.maybe_collect()  # the last one is recent
    clock[0] += 30
    assert collector.maybe_collect() and collected == [1, 1]


def test_defer_leaves_young_generations_alone() -> None:
    before = gc.get_threshold()
    try:
        IdleCollector.defer()
        young0, young1, old = gc.get_threshold()
        assert (young0, young1) == before[:2] and old >= 1_000_000
    finally:
        gc.set_threshold(*before)


def test_an_idle_app_that_allocated_little_is_not_walked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Idle on the watchlist, few young collections happen: a full walk then costs CPU for
    nothing, so it waits until about as much happened as Python itself waits for."""
    clock = [1000.0]
    monkeypatch.setattr(heap.time, "monotonic", lambda: clock[0])
    collected: list[int] = []
    monkeypatch.setattr(heap.gc, "collect", lambda *args: collected.append(1) or 0)
    young = [3]
    monkeypatch.setattr(heap.gc, "get_count", lambda: (0, 0, young[0]))
    collector = IdleCollector(every=30.0, quiet=2.0, young_collections=10)
    clock[0] += 60
    assert not collector.maybe_collect() and collected == []
    young[0] = 10
    assert collector.maybe_collect() and collected == [1]

"""Per-plugin operation counts, errors and latency: always kept in memory since start (the
Plugins screen's detail pane shows them), and exported to Prometheus when
``metrics: {port: N}`` is set (and ``prometheus-client`` is installed: the ``metrics`` extra).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class PluginStats:
    """One plugin's calls since start; the latest 2,000 durations give the percentiles."""

    calls: int = 0
    errors: int = 0
    durations: deque[float] = field(default_factory=lambda: deque(maxlen=2000))
    last_error: str | None = None
    last_error_at: datetime | None = None

    def record(self, seconds: float, error: BaseException | None) -> None:
        self.calls += 1
        self.durations.append(seconds)
        if error is not None:
            from .clock import utcnow
            from .secrets import redact
            from .text import clean_line

            self.errors += 1
            self.last_error = clean_line(redact(f"{type(error).__name__}: {error}"))[:200]
            self.last_error_at = utcnow()

    def percentile(self, q: float) -> float | None:
        """The ``q`` quantile (0..1) of the recorded durations, in seconds."""
        if not self.durations:
            return None
        ordered = sorted(self.durations)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


#: (category, plugin) -> its stats since start
STATS: dict[tuple[str, str], PluginStats] = {}


def stats_for(category: str, plugin: str) -> PluginStats:
    return STATS.setdefault((category, plugin), PluginStats())


class _Metrics:
    def __init__(self) -> None:
        self.enabled = False
        self.calls: Any = None
        self.errors: Any = None
        self.latency: Any = None

    def start(self, port: int, host: str = "127.0.0.1") -> str | None:
        """Serve /metrics; returns a message when that is impossible (never raises)."""
        try:
            from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
        except ImportError:
            return "metrics are configured but prometheus-client is not installed: pip install 'naetra-tui[metrics]'"
        registry = CollectorRegistry()
        labels = ["category", "plugin", "operation"]
        self.calls = Counter(
            "naetra_plugin_operations", "Plugin operations performed", labels, registry=registry
        )
        self.errors = Counter(
            "naetra_plugin_errors", "Plugin operations that failed", labels, registry=registry
        )
        self.latency = Histogram(
            "naetra_plugin_operation_seconds", "Plugin operation latency", labels, registry=registry
        )
        try:
            start_http_server(port, addr=host, registry=registry)
        except OSError as exc:
            return f"cannot serve metrics on {host}:{port}: {exc.strerror}"
        self.enabled = True
        log.info("Prometheus metrics on http://%s:%d/metrics", host, port)
        return None

    @contextmanager
    def track(self, category: str, plugin: str, operation: str) -> Iterator[None]:
        started = time.perf_counter()
        labels = (category, plugin, operation)
        failure: BaseException | None = None
        try:
            yield
        except Exception as exc:  # a cancel (the user moved on) is not the plugin's error
            failure = exc
            if self.enabled:
                self.errors.labels(*labels).inc()
            raise
        finally:
            elapsed = time.perf_counter() - started
            stats_for(category, plugin).record(elapsed, failure)
            if self.enabled:
                self.calls.labels(*labels).inc()
                self.latency.labels(*labels).observe(elapsed)


METRICS = _Metrics()

"""Optional Prometheus metrics: per-plugin operation counts, errors and latency.

Off unless ``metrics: {port: N}`` is set (and ``prometheus-client`` is installed: the
``metrics`` extra). When off, ``track`` costs one attribute check.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)


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
        if not self.enabled:
            yield
            return
        started = time.perf_counter()
        labels = (category, plugin, operation)
        try:
            yield
        except BaseException:
            self.errors.labels(*labels).inc()
            raise
        finally:
            self.calls.labels(*labels).inc()
            self.latency.labels(*labels).observe(time.perf_counter() - started)


METRICS = _Metrics()

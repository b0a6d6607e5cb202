"""Alerts: rules (``core/alert_rules.py``) on symbols, checked by the app and the watcher,
tested on history, delivered by notifier plugins, each firing recorded."""

from __future__ import annotations

from .book import AlertBook
from .model import Alert, AlertEvent, InvalidAlert, parse_alert

__all__ = ["Alert", "AlertBook", "AlertEvent", "InvalidAlert", "parse_alert"]

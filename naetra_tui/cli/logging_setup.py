"""Logging to a rotating file (never to the terminal while the UI runs), with secrets redacted."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from ..core.secrets import RedactingFilter

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    """A record's message on one line: a newline in data (a stored key, a server's error) is
    written as ``\\n``, so it cannot forge a log line. Tracebacks keep their lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        return text.replace("\r", "\\r").replace("\n", "\\n")


class LogFile(logging.handlers.RotatingFileHandler):
    """A rotating log file that, when a write fails (full disk, /dev/full, a file gone
    read-only), says so in one line and takes itself off: never a traceback per record."""

    def handleError(self, record: logging.LogRecord) -> None:
        import sys

        error = sys.exc_info()[1]
        reason = getattr(error, "strerror", None) or type(error).__name__
        logging.getLogger().removeHandler(self)
        try:
            self.close()
        except OSError:
            pass
        sys.stderr.write(
            f"naetra-tui: cannot write the log file {self.baseFilename} ({reason}); logging is off\n"
        )


def default_log_file() -> Path:
    from ..core.paths import user_log_dir

    return user_log_dir() / "naetra-tui.log"


def setup_logging(level: str = "INFO", file: str | Path | None = None) -> tuple[Path | None, str | None]:
    """Send all logging to a rotating file.

    Returns:
        The log file path (or ``None``) and a warning to show when the file cannot be opened.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and Alpha Vantage's key is in the URL
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("yfinance").setLevel(logging.CRITICAL)  # it logs expected misses as errors
    logging.getLogger("asyncio").setLevel(logging.WARNING)
    path = Path(file).expanduser() if file else default_log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = LogFile(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        root.addHandler(logging.NullHandler())
        return None, f"cannot write the log file {path} ({exc.strerror}); logging is off"
    handler.setFormatter(OneLineFormatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    logging.captureWarnings(True)
    return path, None

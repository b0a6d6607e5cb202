"""``python -m naetra_tui``."""

from .cli import main

raise SystemExit(main())

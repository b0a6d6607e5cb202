"""News, corporate events and option chains from the collectors that provide them, checked as
they enter (``core/research.py``), with Greeks computed here (``greeks.py``)."""

from .service import ResearchService

__all__ = ["ResearchService"]

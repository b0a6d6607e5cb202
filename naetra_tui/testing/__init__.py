"""A contract kit for plugin tests: subclass one, set ``plugin_class`` and ``config``, and
pytest runs the contract (see ``contract.py``). The built-in plugins' tests use it too."""

from .categories import (
    AnalyzerContract,
    DataCollectorContract,
    LLMProviderContract,
    NotifierContract,
    StorageContract,
    sample_history,
)
from .contract import MAX_BLOCK_MS, LoopWatch, PluginContract

__all__ = [
    "MAX_BLOCK_MS",
    "AnalyzerContract",
    "DataCollectorContract",
    "LLMProviderContract",
    "LoopWatch",
    "NotifierContract",
    "PluginContract",
    "StorageContract",
    "sample_history",
]

"""The core: interfaces, models, errors and the plugin manager. Imports no UI code."""

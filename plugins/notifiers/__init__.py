"""Built-in notifiers: terminal, desktop, apprise, command."""

"""Exit codes and the asyncio runner every command shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_INTERRUPTED = 0, 1, 2, 130


def run_async(main: Callable[[], Awaitable[int]]) -> int:
    """Run a coroutine; SIGTERM and Ctrl+C cancel it so its ``finally`` blocks clean up."""
    import asyncio
    import signal

    async def runner() -> int:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        if task is not None:
            for sig in (signal.SIGTERM, signal.SIGHUP):
                try:
                    loop.add_signal_handler(sig, task.cancel)
                except (ValueError, RuntimeError, NotImplementedError):
                    pass  # not the main thread (embedded use): the caller owns signals
        return await main()

    try:
        return asyncio.run(runner())
    except (KeyboardInterrupt, asyncio.CancelledError):
        return EXIT_INTERRUPTED

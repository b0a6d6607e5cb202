"""Run blocking library calls (yfinance) off the event loop in daemon threads.

``asyncio.to_thread`` uses the default executor, whose threads are joined at interpreter exit:
a call hanging on the network would keep naetra-tui from quitting. A daemon thread per call is
left behind at exit instead, so quitting stays instant whatever the network does.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def run_in_daemon_thread(func: Callable[..., T], *args: Any) -> T:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def settle(ok: bool, value: Any) -> None:
        if future.done():
            return  # the caller gave up (timeout, cancel)
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def work() -> None:
        try:
            result = context.run(func, *args)
        except BaseException as exc:
            outcome: tuple[bool, Any] = (False, exc)
        else:
            outcome = (True, result)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:
            pass  # the loop is closed: the app has quit

    threading.Thread(target=work, name=f"naetra-{getattr(func, '__name__', 'call')}", daemon=True).start()
    return await future

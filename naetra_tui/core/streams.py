"""Reading what a remote party streams without letting it decide how much memory we use.

``httpx``'s ``aiter_lines`` keeps a line in memory until it ends, so one line that never ends
(a hostile or broken server) grows without limit. ``bounded_lines`` splits the bytes itself and
refuses a line longer than ``limit``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from .errors import LLMError


class LineTooLong(LLMError):
    """A streamed line passed the length we accept (the server is broken or hostile)."""


async def bounded_lines(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[str]:
    """The lines of a byte stream (``\\n``, ``\\r\\n`` or ``\\r`` ends one), decoded as UTF-8.

    Raises:
        LineTooLong: a line passed ``limit`` bytes; nothing more is read.
    """
    pending = bytearray()
    async for chunk in chunks:
        pending += chunk
        while True:
            ends = [i for i in (pending.find(b"\n"), pending.find(b"\r")) if i >= 0]
            if not ends:
                break
            end = min(ends)
            line = bytes(pending[:end])
            skip = 2 if pending[end : end + 2] == b"\r\n" else 1
            del pending[: end + skip]
            yield line.decode("utf-8", errors="replace")
        if len(pending) > limit:
            raise LineTooLong(f"the server sent a line of more than {limit:,} bytes; stopped reading it")
    if pending:
        yield pending.decode("utf-8", errors="replace")

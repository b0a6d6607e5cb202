"""Tokens reach the Markdown widget in batches, complete and in order."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Markdown

from naetra_tui.ui.widgets.batched_stream import BatchedStream


class OneMarkdown(App[None]):
    def compose(self) -> ComposeResult:
        yield Markdown("")


async def test_tokens_arrive_in_order_in_far_fewer_writes() -> None:
    app = OneMarkdown()
    async with app.run_test() as pilot:
        markdown = app.query_one(Markdown)
        writes: list[str] = []
        stream = BatchedStream(markdown, interval=0.02, on_write=lambda: writes.append(markdown.source))
        tokens = [f"word{i} " for i in range(200)] + ["\n\nsecond paragraph"]
        started = time.perf_counter()
        for token in tokens:  # 1 ms apart: 200 tokens/s is 5 ms apart
            stream.add(token)
            await asyncio.sleep(0.001)
        elapsed = time.perf_counter() - started
        await stream.stop()
        await pilot.pause()
        assert markdown.source == "".join(tokens)
        assert len(writes) >= 2  # written while streaming, not only at the end
        assert len(writes) <= elapsed / 0.02 + 2  # at most one write per interval (+ the last)
        assert all(later.startswith(earlier) for earlier, later in pairwise(writes))


async def test_stop_writes_what_is_pending_and_later_tokens_are_refused() -> None:
    app = OneMarkdown()
    async with app.run_test():
        markdown = app.query_one(Markdown)
        stream = BatchedStream(markdown, interval=10.0)  # the timer never fires in this test
        stream.add("all ")
        stream.add("of it")
        await stream.stop()
        assert markdown.source == "all of it"
        with pytest.raises(RuntimeError):
            stream.add("more")
        await stream.stop()  # a second stop is harmless

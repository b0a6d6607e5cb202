"""After a mount, a layout arranges the screen once, not twice (perf/fresh_full_map), and lays
it out and paints it exactly as Textual's own compositor does."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from naetra_tui.ui.perf import fresh_full_map, guard
from tests.ui.conftest import needs_speedups

pytestmark = needs_speedups  # tests of the speedup itself


class Conversation(App[None]):
    def compose(self) -> ComposeResult:
        yield VerticalScroll(
            *(Static(f"line {n} " * (n % 3 * 9 + 1), id=f"s{n}") for n in range(40)), id="box"
        )


async def mounting_blocks(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], str, int, int]:
    """(every widget's region, the screen, layouts, whole-screen arranges) as blocks are mounted
    at the end of a scrolling column, as a streaming answer mounts them."""
    counts = {"layouts": 0, "arranges": 0}
    reflow, arrange = Compositor.reflow, Compositor._arrange_root

    def counted_reflow(self: Compositor, *args: Any) -> Any:
        counts["layouts"] += 1
        return reflow(self, *args)

    def counted_arrange(self: Compositor, root: Any, size: Any, visible_only: bool = True) -> Any:
        counts["arranges"] += not visible_only
        return arrange(self, root, size, visible_only)

    app = Conversation()
    async with app.run_test(size=(60, 20)) as pilot:
        box = app.query_one("#box", VerticalScroll)
        await pilot.pause()
        monkeypatch.setattr(Compositor, "reflow", counted_reflow)
        monkeypatch.setattr(Compositor, "_arrange_root", counted_arrange)
        for n in range(6):
            await box.mount(Static(f"block {n} " * (n * 7 + 1), id=f"new{n}"))
            box.scroll_end(animate=False, immediate=True)
            await pilot.pause()
        monkeypatch.setattr(Compositor, "reflow", reflow)
        monkeypatch.setattr(Compositor, "_arrange_root", arrange)
        regions = {str(widget.id): widget.region for widget in app.query(Static)}
        return regions, app.export_screenshot(), counts["layouts"], counts["arranges"]


async def test_a_layout_after_a_mount_arranges_once_and_matches_textuals_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert fresh_full_map.install()
    regions, screen, layouts, arranges = await mounting_blocks(monkeypatch)
    assert layouts >= 6 and arranges == layouts  # one whole-screen arrange per layout

    with monkeypatch.context() as textuals:
        textuals.setattr(Compositor, "reflow", Compositor.reflow.__wrapped__)  # Textual's own
        own_regions, own_screen, own_layouts, own_arranges = await mounting_blocks(textuals)
    assert own_arranges > own_layouts  # the map made again after the layout that made it
    assert regions == own_regions and len(regions) == 46
    assert screen == own_screen


def test_a_compositor_without_the_mark_is_left_alone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(guard, "_reported", set())
    monkeypatch.setattr(fresh_full_map, "_installed", False)
    before = Compositor.reflow
    original_init = Compositor.__init__

    def init_without_mark(self: Compositor) -> None:
        original_init(self)
        del self._full_map_invalidated

    monkeypatch.setattr(Compositor, "__init__", init_without_mark)
    with caplog.at_level(logging.WARNING, logger=guard.__name__):
        assert fresh_full_map.install() is False
    assert Compositor.reflow is before
    assert "fresh_full_map is off" in caplog.text and "_full_map_invalidated" in caplog.text

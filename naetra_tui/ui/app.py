"""The Textual application (minimal until the UI issues land)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

if TYPE_CHECKING:
    from ..config import LoadedConfig


class NaetraApp(App[int]):
    TITLE = "naetra-tui"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, loaded: LoadedConfig) -> None:
        super().__init__()
        from ..cli import make_manager

        self.loaded = loaded
        self.manager = make_manager(loaded)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="plugins", cursor_type="row")
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("category", "plugin", "state", "reason")
        self.run_worker(self._start_plugins(), exclusive=True, group="plugins")

    async def _start_plugins(self) -> None:
        from rich.text import Text

        await self.manager.initialize()
        table = self.query_one(DataTable)
        for record in self.manager.records.values():
            table.add_row(
                *(Text(v) for v in (record.category, record.name, record.state.value, record.error or ""))
            )

    async def on_unmount(self) -> None:
        await self.manager.cleanup()


def run_app(loaded: LoadedConfig) -> int:
    NaetraApp(loaded).run()
    return 0

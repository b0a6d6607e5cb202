"""The symbol view's research: an Events line (next earnings in N days, the next ex-dividend
date and amount) and its News, newest first with publisher and age. Enter on a headline shows
it with its link as text — a link is never opened, and only http(s) ones are shown at all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.clock import utcnow
from ..formatting import fmt_age, safe

if TYPE_CHECKING:
    from ...core.research import CorporateEvents, NewsItem


def events_text(events: CorporateEvents) -> Text:
    today = utcnow().date()
    out = Text()
    origin = "SIM" if events.simulated else events.source
    if events.next_earnings:
        days = (events.next_earnings - today).days
        out.append(f"earnings in {days} day{'s' if days != 1 else ''} ({events.next_earnings})", style="bold")
    upcoming = [d for d in events.dividends if d.ex_date >= today]
    if upcoming:
        d = upcoming[0]
        out.append(
            ("  ·  " if out else "") + f"ex-div {d.ex_date}: {d.amount:g} {events.currency or ''}".rstrip()
        )
    if not out:
        out.append(events.note or "no upcoming events known", style="dim")
    out.append(f"  {origin}", style="reverse" if events.simulated else "dim")
    return out


def news_option(item: NewsItem, index: int) -> Option:
    when = fmt_age((utcnow() - item.published_at).total_seconds()) if item.published_at else "time ?"
    line = Text(f"{when:>5} ", style="dim")
    line.append_text(safe(item.title))
    line.append_text(safe(f" · {item.publisher}", "dim"))
    return Option(line, id=str(index))


class ResearchPane(Vertical):
    """Events and news of one symbol; ``show_*`` take what the research service gave, or why not."""

    DEFAULT_CSS = """
    ResearchPane { height: auto; max-height: 40%; border-bottom: solid $panel; }
    ResearchPane #events { height: auto; padding: 0 1; }
    ResearchPane #news { height: auto; max-height: 12; border: none; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.items: list[NewsItem] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("events: loading…", style="dim"), id="events")
        yield OptionList(Option(Text("news: loading…", style="dim"), disabled=True), id="news")

    def show_events(self, events: CorporateEvents | None, problem: str = "") -> None:
        shown = events_text(events) if events is not None else safe(f"events: {problem}", "dim")
        self.query_one("#events", Static).update(shown)

    def show_news(self, items: list[NewsItem], problem: str = "") -> None:
        self.items = items
        news = self.query_one("#news", OptionList)
        news.clear_options()
        if items:
            origin = "SIMULATED" if items[0].simulated else items[0].source
            news.add_option(Option(Text(f"News · {origin}", style="bold"), disabled=True))
            news.add_options([news_option(item, i) for i, item in enumerate(items)])
        else:
            news.add_option(Option(safe(f"news: {problem or 'none found'}", "dim"), disabled=True))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.push_screen(NewsItemScreen(self.items[int(event.option.id)]))


class NewsItemScreen(ModalScreen[None]):
    """One headline with its publisher, time, source and link — as text to copy, never opened."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    NewsItemScreen { align: center middle; }
    NewsItemScreen > Static { width: 80%; max-width: 100; height: auto; padding: 1 2; border: round $accent; background: $surface; }
    """

    def __init__(self, item: NewsItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        text = safe(item.title, "bold")
        when = f"{item.published_at:%Y-%m-%d %H:%M} UTC" if item.published_at else "time unknown"
        origin = "SIMULATED" if item.simulated else item.source
        text.append_text(safe(f"\n\n{item.publisher} · {when} · via {origin}\n", "dim"))
        if item.link:
            text.append_text(safe(f"\n{item.link}\n"))
            text.append("(the link is not opened: copy it to your browser)", style="dim italic")
        else:
            text.append("\n(no link, or one that is not http/https)", style="dim italic")
        text.append("\n\nEsc closes", style="dim")
        yield Static(text)

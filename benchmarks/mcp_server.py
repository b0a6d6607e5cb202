"""MCP server figures (#33), on the simulated feed:

- ``get_quotes`` for 50 symbols through the server (the SDK's client, in-process and over stdio
  to the installed ``naetra-tui mcp``) against the same refresh through the Session directly
  (target: server overhead at most 10%);
- ``check_figures`` on a 2,000-word text: the figure check itself, beyond fetching the data
  (target: at most 10 ms);
- the server's RSS at rest against the headless ``quote`` command's peak (target: at most
  quote's + 20 MiB).

Prints figures; never fails. Run: python benchmarks/mcp_server.py (uses the installed package).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

SYMBOLS = [f"S{i:02d}" for i in range(48)] + ["AAPL", "MSFT"]
ROUNDS = 30


def write_config(folder: Path) -> Path:
    path = folder / "config.yaml"
    path.write_text(
        "app:\n  storage: sqlite\n  llm: none\n  watchlist: [AAPL, MSFT]\n"
        "mcp:\n  calls_per_minute: 10000\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated, config: {seed: 7, invent_unknown: true}}\n"
        "  analyzers:\n    - {name: technical, plugin: technical}\n    - {name: fundamental, plugin: fundamental}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{folder / 'state.db'}'}}}}\n"
    )
    return path


def words_text(quotes: list[dict], words: int = 2000) -> str:
    """An analyst's note of ``words`` words: true figures, some made up, prose between."""
    rng = random.Random(7)
    filler = "the stock moved with the market as investors weighed rates and earnings guidance".split()
    parts: list[str] = []
    while len(" ".join(parts).split()) < words:
        q = rng.choice(quotes)
        parts.append(f"{q['symbol']} trades at {q['price']:.2f}, {q['change_pct']:+.2f}% on the day,")
        parts.append(
            " ".join(rng.choice(filler) for _ in range(12)) + f"; a target of {rng.uniform(50, 500):.2f}."
        )
    return " ".join(parts)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def in_process(config: Path) -> None:
    from mcp import Client

    from naetra_tui.config import load_config
    from naetra_tui.mcp.server import build_server
    from naetra_tui.services.chat.attribution import analysis_facts, attribute, quote_facts
    from naetra_tui.services.session import session_for

    async with session_for(load_config(config)) as session:
        server = build_server(session)
        async with Client(server) as client:
            await client.call_tool("get_quotes", {"symbols": SYMBOLS})  # warm: the feed's first prices
            from naetra_tui.mcp.results import quotes_result, reply

            direct, same_json, server_side, served = [], [], [], []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                await session.market.refresh(SYMBOLS)
                direct.append(time.perf_counter() - start)
                start = time.perf_counter()  # the same result, JSON text included, without the protocol
                reply(quotes_result(await session.market.refresh(SYMBOLS)))
                same_json.append(time.perf_counter() - start)
                start = time.perf_counter()  # the server's own work: checks, the call, the reply
                await server.call_tool("get_quotes", {"symbols": SYMBOLS})
                server_side.append(time.perf_counter() - start)
                start = time.perf_counter()
                await client.call_tool("get_quotes", {"symbols": SYMBOLS})
                served.append(time.perf_counter() - start)
            d, j = median_ms(direct), median_ms(same_json)
            v, s = median_ms(server_side), median_ms(served)
            print(f"get_quotes, 50 symbols: Session.market.refresh {d:.2f} ms; the same result as JSON {j:.2f} ms; "
                  f"the server's call_tool {v:.2f} ms ({100 * (v - j) / j:+.1f}% over the JSON result, target <= 10%); "
                  f"with the SDK's in-process client (its parsing included) {s:.2f} ms")  # fmt: skip

            quotes = json.loads(
                (await client.call_tool("get_quotes", {"symbols": SYMBOLS[-10:]})).content[0].text
            )
            text = words_text(quotes["quotes"])
            facts = []
            for symbol in SYMBOLS[-10:]:
                facts += quote_facts(session.market.rows[symbol].quote)
                for result in (await session.analysis.analyze(symbol, "1D", "2Y")).values():
                    if result.analysis is not None:
                        facts += analysis_facts(result.analysis)
            checks = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                checked = attribute(text, facts)
                checks.append(time.perf_counter() - start)
            whole = []
            for _ in range(5):
                start = time.perf_counter()
                await client.call_tool("check_figures", {"text": text})
                whole.append(time.perf_counter() - start)
            print(f"check_figures, {len(text.split())} words, {len(checked.verdicts)} figures, {len(facts)} values: "
                  f"the check {median_ms(checks):.2f} ms (target <= 10 ms); the whole call with fetching "
                  f"{median_ms(whole):.1f} ms")  # fmt: skip


async def over_stdio(config: Path, env: dict[str, str]) -> float:
    from mcp import Client, StdioServerParameters

    command = shutil.which("naetra-tui", path=env["PATH"]) or "naetra-tui"
    params = StdioServerParameters(command=command, args=["--config", str(config), "mcp"], env=env)
    async with Client(params) as client:
        await client.call_tool("get_quotes", {"symbols": SYMBOLS})
        served = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            await client.call_tool("get_quotes", {"symbols": SYMBOLS})
            served.append(time.perf_counter() - start)
        print(f"get_quotes, 50 symbols, over stdio: {median_ms(served):.2f} ms median")
        await asyncio.sleep(2.0)  # at rest
        pid = _server_pid(command)
        rss = _rss_mib(pid) if pid else float("nan")
    return rss


def _server_pid(command: str) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(a.endswith(b"naetra-tui") for a in argv[:2]) and b"mcp" in argv:
                return int(entry.name)
    return None


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def quote_peak_mib(config: Path, env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        ["naetra-tui", "--config", str(config), "quote", *SYMBOLS[:3]],
        env=env,
        capture_output=True,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(before, after) / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[var] = str(folder / var.lower())
            os.environ[var] = env[var]
        config = write_config(folder)
        asyncio.run(in_process(config))
        quote = quote_peak_mib(config, env)
        rss = asyncio.run(over_stdio(config, env))
        print(f"RSS: naetra-tui mcp at rest {rss:.0f} MiB; naetra-tui quote peak {quote:.0f} MiB "
              f"-> {rss - quote:+.0f} MiB (target <= +20 MiB)")  # fmt: skip


if __name__ == "__main__":
    main()

"""LLM figures against a real model server (llama-cpp-python serving Gemma 3 270M), one run:

(a) time to first token and tokens/s through the chat service that `naetra-tui ask` runs,
    versus a direct streaming request with the same messages (target: overhead <= 10%);
    and the whole `naetra-tui ask` command, process start included, for reference;
(b) the longest event-loop stall while the chat panel streams from the real server (<= 20 ms),
    with the server's defaults and as the README advises on a small machine (a core left for
    the terminal), each split into the time the loop waited for a busy CPU and the rest;
(c) the figure check on a 2,000-word answer (<= 5 ms).

Run against the installed package with the test extra: ``python benchmarks/llm.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # benchmarks/, tests/ (the server launcher); naetra_tui is installed

from benchmarks.probe import LagProbe, Stall  # noqa: E402
from tests.e2e.llama_server import llama_server  # noqa: E402

QUESTION = "How is AAPL doing today?"
RUNS = 5
SMALL_MACHINE = ("--n_threads_batch", str(max(1, (os.cpu_count() or 2) - 1)))


def config_text(tmp: Path, url: str) -> str:
    return (
        "app:\n  storage: sqlite\n  llm: openai\n  watchlist: [AAPL, MSFT]\n  refresh_interval: 3600\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated, config: {seed: 7, invent_unknown: true}}\n"
        "  analyzers:\n    - {name: technical, plugin: technical}\n"
        f"  llm:\n    - {{name: openai, plugin: openai, config: {{base_url: '{url}', max_tokens: 64,"
        " temperature: 0, timeout: 120}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp / 'b.db'}'}}}}\n"
    )


async def forget_prompt(url: str) -> None:
    """llama.cpp reuses the previous request's prompt when the next one starts the same way:
    a short other request first, so both measured requests process their whole prompt."""
    import httpx

    async with httpx.AsyncClient(timeout=120) as client:
        await client.post(
            url + "/chat/completions", json={"messages": [{"role": "user", "content": "x"}], "max_tokens": 1}
        )


async def direct(url: str, model: str, messages: list[dict]) -> tuple[float, int, float]:
    """(seconds to the first token, tokens, tokens/s after the first) of a raw httpx stream."""
    import httpx

    await forget_prompt(url)
    payload = {"model": model, "messages": messages, "stream": True, "temperature": 0, "max_tokens": 64}
    async with httpx.AsyncClient(timeout=120) as client:
        began = time.perf_counter()
        first, count = None, 0
        async with client.stream("POST", url + "/chat/completions", json=payload) as response:
            async for line in response.aiter_lines():
                if line.startswith("data: {"):
                    delta = json.loads(line[6:])["choices"]
                    if delta and delta[0]["delta"].get("content"):
                        count += 1
                        first = first or time.perf_counter()
        end = time.perf_counter()
    assert first is not None
    return first - began, count, (count - 1) / max(end - first, 1e-9)


async def through_service(config: Path) -> tuple[float, int, float, list[dict]]:
    from naetra_tui.builtin.llm.openai import wire_messages
    from naetra_tui.config import load_config
    from naetra_tui.services.chat.grounding import budget
    from naetra_tui.services.chat.service import SYSTEM_PROMPT
    from naetra_tui.services.session import chat_service, session_for

    async with session_for(load_config(config)) as session:
        chat = chat_service(session)
        await chat.new_chat("AAPL")  # the same messages each time: no history
        context, _ = await chat.build_context("AAPL")
        provider = chat.provider()
        messages = budget([], SYSTEM_PROMPT, f"{context}\n\nQuestion: {QUESTION}", provider.context_window())
        began = time.perf_counter()
        first, count = None, 0
        async for event in chat.ask(QUESTION, "AAPL"):
            if event.kind == "token":
                count += 1
                first = first or time.perf_counter()
        end = time.perf_counter()
    assert first is not None, "no answer"
    return first - began, count, (count - 1) / max(end - first, 1e-9), wire_messages(messages)


async def stall_while_streaming(config: Path) -> tuple[Stall, float]:
    """(the longest stall, taken apart; the longest the loop's thread ran between two ticks of
    the probe), over three answers in one app."""
    from naetra_tui.cli.bootstrap import bootstrap_app
    from naetra_tui.config import load_config
    from naetra_tui.ui.app import NaetraApp
    from naetra_tui.ui.widgets.chat_panel import ChatPanel

    bootstrap_app()  # the guarded Textual speedups, as the naetra-tui command installs them
    app = NaetraApp(load_config(config))
    worst, longest_run = Stall(), 0.0
    async with app.run_test(size=(160, 50)) as pilot:
        while not app.ready:
            await pilot.pause(0.05)
        await pilot.press("c")
        # the probe measures streaming, not the opening of the chat screen (compose, the
        # history, the first full paint: up to ~100 ms here, inside the first probe before)
        await pilot.pause(0.5)
        panel = app.screen.query_one(ChatPanel)
        for _ in range(3):
            panel.last_answer = ""
            async with LagProbe() as probe:
                panel.ask(QUESTION)
                while not panel.last_answer:  # noqa: ASYNC110 - polled cheaply
                    await asyncio.sleep(0.002)
            worst = max(worst, probe.stall, key=lambda stall: stall.ms)
            longest_run = max(longest_run, probe.longest_run_ms)
    return worst, longest_run


async def warm_up(url: str, model: str) -> None:
    """The server's first answer after it starts is slow for reasons of its own (6.7 s to the
    first token instead of 3.8 s here, and in a VM the host pages the model in meanwhile,
    which stalled every process on the machine for up to 270 ms): one answer before measuring."""
    await direct(url, model, [{"role": "user", "content": QUESTION}])


async def stall_figures(config: Path, setting: str) -> None:
    runs = [await stall_while_streaming(config) for _ in range(3)]
    worst = max((stall for stall, _ in runs), key=lambda stall: stall.ms)
    print(f"(b) longest event-loop stall while the panel streams from the real server, {setting}: "
          f"{worst.ms:.1f} ms, worst of 3 apps x 3 answers (each app's: "
          f"{', '.join(f'{stall.ms:.1f}' for stall, _ in runs)}; target <= 20 ms)")  # fmt: skip
    print(f"    the longest, taken apart: {worst}")
    print(f"    the most the loop's thread ran between two ticks of the probe (the app's own longest "
          f"work): {max(run for _, run in runs):.1f} ms")  # fmt: skip


def figure_check_ms(every: int = 1) -> tuple[float, int, int]:
    """(median ms, words, figures found in the data) of the check on a ~2,000-word answer:
    ``every=1`` five figures per sentence (the worst case), ``every=4`` a figure sentence
    between three sentences of prose (what models write)."""
    from naetra_tui.services.chat.figures import check_figures

    # a long, figure-heavy answer: a figure every few words, each one different (nothing is
    # answered twice from the same lookup), half of them in the data
    sentences, data, i = [], {}, 0
    while sum(len(x.split()) for x in sentences) < 2000:
        price, change, volume = 100 + i * 1.37, (i % 17) / 10, 1_000_000 + i * 7919
        sentences.append(
            f"Symbol {i} closed at ${price:.2f}, up {change:.1f}% on volume of {volume / 1e6:.1f}M, "
            f"with RSI(14) at {30 + i % 40:.1f} and the 50-day average at {price * 0.97:.2f}. "
            if i % every == 0
            else "The trend stays intact while momentum cools, and the volume tells the same story. "
        )
        if i % 2 == 0:
            data[f"S{i}"] = {"price": round(price, 4), "change_pct": change, "volume": volume}
        i += 1
    answer, context = "".join(sentences), json.dumps(data)
    found = len(check_figures(answer, [context], QUESTION).verified)
    times = []
    for _ in range(50):
        began = time.perf_counter()
        check_figures(answer, [context], QUESTION)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), len(answer.split()), found


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder, llama_server(n_ctx=4096) as server:
        tmp = Path(folder)
        config = tmp / "config.yaml"
        config.write_text(config_text(tmp, server.url))
        service, raw = [], []
        await warm_up(server.url, server.model)
        messages: list[dict] = []
        for run in range(RUNS):  # alternating, in turn first, so both meet the same machine
            if run % 2 and messages:
                raw.append(await direct(server.url, server.model, messages))
            await forget_prompt(server.url)
            ttft, count, rate, messages = await through_service(config)
            service.append((ttft, count, rate))
            if not run % 2:
                raw.append(await direct(server.url, server.model, messages))
        s_ttft = statistics.median(t for t, _, _ in service) * 1000
        d_ttft = statistics.median(t for t, _, _ in raw) * 1000
        s_rate = statistics.median(r for _, _, r in service)
        d_rate = statistics.median(r for _, _, r in raw)
        print(
            f"(a) time to first token: chat service {s_ttft:.0f} ms vs direct {d_ttft:.0f} ms "
            f"(overhead {100 * (s_ttft / d_ttft - 1):+.1f}%, target <= 10%); tokens/s {s_rate:.1f} vs "
            f"{d_rate:.1f} ({100 * (1 - s_rate / d_rate):+.1f}% slower); medians of {RUNS} alternating runs"
        )
        exe = Path(sys.executable).with_name("naetra-tui")
        began = time.perf_counter()
        done = subprocess.run(
            [str(exe), "--config", str(config), "ask", "--symbol", "AAPL", QUESTION],
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        print(
            f"    `naetra-tui ask` whole command (process start and plugins included): "
            f"{(time.perf_counter() - began) * 1000:.0f} ms, exit {done.returncode}"
        )
        await stall_figures(config, "with the server's defaults")
    # the README's advice for a small machine: leave the terminal a core for the prompt
    with tempfile.TemporaryDirectory() as folder, llama_server(4096, SMALL_MACHINE) as server:
        config = Path(folder) / "config.yaml"
        config.write_text(config_text(Path(folder), server.url))
        await warm_up(server.url, server.model)
        await stall_figures(config, f"server started with {' '.join(SMALL_MACHINE)} (README)")
    for every, shape in ((4, "prose with figures"), (1, "five figures in every sentence")):
        ms, words, found = figure_check_ms(every)
        print(f"(c) figure check on a {words:,}-word answer, {shape} ({found} distinct figures "
              f"found in the data): {ms:.2f} ms (target <= 5 ms)")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())

"""The installed ``naetra-tui mcp`` through the SDK's real client, over stdio (spawned as a
client spawns it) and over streamable HTTP: the values equal the CLI's for the same clock; HTTP
is loopback-only without a token, refuses web pages (Origin) and, beyond loopback, any request
without the bearer token; two clients at once and a client that leaves mid-call (#33)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from tests.mcp.conftest import cli_json, config, result

COMMAND = str(Path(sys.executable).parent / "naetra-tui")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(process: subprocess.Popen[str], port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                said = process.stderr.read() if process.stderr else ""
                raise AssertionError(f"the server did not start: {said}") from None
            time.sleep(0.1)


@contextmanager
def http_server(
    path: Path, address: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [COMMAND, "--config", str(path), "mcp", "--http", address],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        wait_for_port(process, int(address.rsplit(":", 1)[1]))
        yield process
    finally:
        process.terminate()
        process.wait(10)


async def test_stdio_spawned_as_a_client_does_serves_the_clis_values(tmp_path: Path) -> None:
    path = config(tmp_path)
    printed = cli_json(path, "quote", "AAPL", "--json")[0]
    params = StdioServerParameters(command=COMMAND, args=["--config", str(path), "mcp"], env=dict(os.environ))
    async with Client(params) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        quote = result(await client.call_tool("get_quotes", {"symbols": ["AAPL"]}))["quotes"][0]
        lists = await client.read_resource("naetra://watchlists")
    assert "check_figures" in names and "propose_change" not in names
    assert (quote["price"], quote["source"], quote["as_of"]) == (
        printed["price"],
        printed["source"],
        printed["as_of"],
    )
    assert "AAPL" in lists.contents[0].text


async def test_http_on_loopback_serves_two_clients_at_once_and_survives_one_leaving(tmp_path: Path) -> None:
    path = config(tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    with http_server(path, f"127.0.0.1:{port}") as process:

        async def quotes(symbol: str) -> float:
            async with Client(url) as client:
                return float(
                    result(await client.call_tool("get_quotes", {"symbols": [symbol]}))["quotes"][0]["price"]
                )

        aapl, msft = await asyncio.gather(quotes("AAPL"), quotes("MSFT"))
        assert aapl != msft

        async def leave_mid_call() -> None:
            async with Client(url) as client:
                for symbol in ("NVDA", "AMD", "INTC", "TSLA", "AMZN", "META") * 50:  # never done in 0.5 s
                    await client.call_tool("analyze", {"symbol": symbol})

        task = asyncio.create_task(leave_mid_call())
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await quotes("AAPL") == aapl  # still serving, same value
        assert process.poll() is None


async def test_http_refuses_a_web_page_origin(tmp_path: Path) -> None:
    port = free_port()
    with http_server(config(tmp_path), f"127.0.0.1:{port}"):
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                f"http://127.0.0.1:{port}/mcp",
                json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                headers={"Origin": "http://evil.example", "Accept": "application/json, text/event-stream"},
            )
    assert answer.status_code == 403 and "web page" in answer.json()["error"]


async def test_http_beyond_loopback_requires_the_bearer_token(tmp_path: Path) -> None:
    port = free_port()
    token = "t0ken-for-the-test-" + "x" * 20
    with http_server(config(tmp_path), f"0.0.0.0:{port}", {"NAETRA_MCP_TOKEN": token}) as process:
        url = f"http://127.0.0.1:{port}/mcp"
        async with httpx.AsyncClient() as http:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}):
                answer = await http.post(
                    url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers=headers
                )
                assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
        authorised = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"})
        async with Client(streamable_http_client(url, http_client=authorised)) as client:
            assert result(await client.call_tool("get_watchlists", {}))["active"] == "Default"
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "bearer token required" in stderr and token not in stderr  # given, so never printed


def test_a_bad_address_is_one_clear_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [COMMAND, "--config", str(config(tmp_path)), "mcp", "--http", "localhost:http"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "naetra-tui: --http 'localhost:http': give [HOST:]PORT, e.g. 8765 or 127.0.0.1:8765"
    )


async def test_beyond_loopback_a_token_is_made_once_kept_and_never_shown_again(tmp_path: Path) -> None:
    import re

    path = config(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "NAETRA_MCP_TOKEN"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # no OS keyring: the user-only file
    tokens = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [COMMAND, "--config", str(path), "mcp", "--http", f"0.0.0.0:{port}"],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        wait_for_port(process, port)
        async with httpx.AsyncClient() as http:
            refused = await http.post(
                f"http://127.0.0.1:{port}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"}
            )
        process.terminate()
        _, stderr = process.communicate(timeout=10)
        assert refused.status_code == 401
        tokens.append(re.findall(r"shown once; kept in the secret store\): (\S+)", stderr))
    assert len(tokens[0]) == 1 and tokens[1] == []  # printed the first time only
    stored = (Path(os.environ["XDG_CONFIG_HOME"]) / "naetra-tui" / "secrets.json").read_text()
    assert tokens[0][0] in stored


async def test_an_http_request_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    port = free_port()
    with http_server(config(tmp_path), f"127.0.0.1:{port}"):
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                f"http://127.0.0.1:{port}/mcp",
                content=b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "check_figures", '
                b'"arguments": {"text": "' + b"x" * 2_000_000 + b'"}}}',
                headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
            )
    assert answer.status_code == 413

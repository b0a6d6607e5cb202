"""Ollama through the official ``ollama`` package's ``AsyncClient``.

Every failure becomes one of our errors with a sentence that says what to do: server down
("start it with `ollama serve`"), model not pulled ("run `ollama pull MODEL`", with the models
that are there), a model without tools, a stream that ends with an ``{"error": ...}`` line or
drops mid-answer, timeouts. Streaming calls can leak raw ``httpx`` errors instead of the
library's own: they are caught here too. ``num_ctx`` is always set: Ollama's default silently
truncates long prompts (dropping the system prompt first).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from naetra_tui.core.chat import ChatChunk, ChatTurn, ToolCall, ToolSpec, one_shot_turns, whole_answer
from naetra_tui.core.errors import (
    LLMError,
    LLMUnavailable,
    ModelNotFound,
    StreamInterrupted,
    ToolsUnsupported,
)
from naetra_tui.core.interfaces import ILLMProvider
from naetra_tui.core.models import Health

DEFAULT_URL = "http://localhost:11434"
DEFAULT_MODEL = "llama3.2:3b"


def default_url() -> str:
    """``$OLLAMA_HOST`` (as Ollama itself reads it) or localhost."""
    host = os.environ.get("OLLAMA_HOST", "").strip()
    if not host:
        return DEFAULT_URL
    if "://" not in host:
        host = "http://" + host
    if host.count(":") == 1:  # no port given
        host += ":11434"
    return host.replace("0.0.0.0", "127.0.0.1")


class OllamaConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_url: str = Field(default_factory=default_url)
    """Ollama server (default $OLLAMA_HOST or http://localhost:11434)."""
    model_name: str = DEFAULT_MODEL
    """Model to chat with; `ollama pull` it first."""
    temperature: float = Field(0.3, ge=0, le=2)
    num_ctx: int = Field(8192, ge=512)
    """Context window in tokens; set explicitly (Ollama's default silently truncates)."""
    keep_alive: str = "10m"
    timeout: float = Field(120.0, gt=0)
    """Seconds without a byte from the server before giving up."""


def wire_messages(messages: list[ChatTurn]) -> list[dict[str, Any]]:
    """Our provider-neutral turns in Ollama's ``/api/chat`` format: tool calls as
    ``{function: {name, arguments}}`` and results as ``{role: tool, content, tool_name}``."""
    out: list[dict[str, Any]] = []
    for turn in messages:
        message: dict[str, Any] = {"role": turn.role, "content": turn.content}
        if turn.tool_calls:
            message["tool_calls"] = [
                {"function": {"name": c.name, "arguments": c.arguments}} for c in turn.tool_calls
            ]
        if turn.role == "tool" and turn.answers is not None:
            message["tool_name"] = turn.answers.name
        out.append(message)
    return out


def wire_tools(tools: list[ToolSpec] | None) -> list[dict[str, Any]] | None:
    """Tool specs in Ollama's (OpenAI-style) function format."""
    if not tools:
        return None
    return [
        {
            "type": "function",
            "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
        }
        for t in tools
    ]


class OllamaProvider(ILLMProvider):
    """Local LLM through Ollama (streaming chat, tools, model list)."""

    description: ClassVar[str] = "Ollama: local models (ollama serve; ollama pull MODEL)"
    config_model: ClassVar[type[BaseModel]] = OllamaConfig
    supports_streaming: ClassVar[bool] = True
    supports_tools: ClassVar[bool] = True

    def __init__(self) -> None:
        self.settings = OllamaConfig()
        self.client: Any = None
        self._capabilities: dict[str, list[str]] = {}

    @property
    def model(self) -> str:
        return self.settings.model_name

    def context_window(self) -> int:
        return self.settings.num_ctx

    async def initialize(self, config: dict[str, Any]) -> None:
        import asyncio
        import importlib

        import httpx

        # the ollama package is slow to import: keep that off the event loop
        AsyncClient = (await asyncio.to_thread(importlib.import_module, "ollama")).AsyncClient
        self.settings = OllamaConfig.model_validate(config)
        # no read timeout per se: a slow model may think; `timeout` bounds the wait for each byte
        # a new client loads the CA bundle into an SSL context (~50 ms): not on the event loop
        self.client = await asyncio.to_thread(
            AsyncClient, host=self.settings.api_url, timeout=httpx.Timeout(self.settings.timeout, connect=5.0)
        )

    async def cleanup(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            inner = getattr(client, "_client", None)
            if inner is not None:
                await inner.aclose()

    # --- errors ---------------------------------------------------------------------------

    def unavailable(self) -> LLMUnavailable:
        return LLMUnavailable(
            f"Ollama is not reachable at {self.settings.api_url}: start it with `ollama serve` "
            "(or set api_url under plugins.llm, or OLLAMA_HOST)"
        )

    async def _translate(self, exc: BaseException, model: str, partial: bool) -> LLMError:
        import httpx
        from ollama import ResponseError

        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, httpx.ConnectError | ConnectionError) and not partial:
            return self.unavailable()
        if isinstance(exc, httpx.TimeoutException):
            return (
                StreamInterrupted(f"Ollama stopped answering for {self.settings.timeout:g} s")
                if partial
                else LLMError(
                    f"Ollama did not answer within {self.settings.timeout:g} s (is the model still loading? try again)"
                )
            )
        if isinstance(exc, httpx.TransportError | ConnectionError):
            return StreamInterrupted(f"the connection to Ollama broke mid-answer ({type(exc).__name__})")
        if isinstance(exc, ResponseError):
            text = str(exc.error)
            if exc.status_code == 404 or "not found" in text:
                available = await self._safe_models()
                there = f" (installed: {', '.join(available)})" if available else " (no models are installed)"
                return ModelNotFound(
                    f"the model '{model}' is not pulled: run `ollama pull {model}`{there}",
                    model=model,
                    available=available,
                )
            if "does not support tools" in text:
                return ToolsUnsupported(f"the model '{model}' does not support tools")
            if partial:
                return StreamInterrupted(f"Ollama stopped with an error mid-answer: {text}")
            return LLMError(f"Ollama answered with an error (HTTP {exc.status_code}): {text}")
        return LLMError(f"Ollama failed: {type(exc).__name__}: {exc}")

    async def _safe_models(self) -> list[str]:
        try:
            return await self.list_models()
        except LLMError:
            return []

    # --- API ------------------------------------------------------------------------------

    def _client(self) -> Any:
        if self.client is None:
            raise LLMError("the Ollama provider is not started")
        return self.client

    async def list_models(self) -> list[str]:
        """Raises: LLMUnavailable."""
        try:
            listing = await self._client().list()
        except Exception as exc:
            raise await self._translate(exc, self.model, False) from None
        return sorted(m.model for m in listing.models if m.model)

    async def capabilities(self, model: str | None = None) -> list[str]:
        """What ``/api/show`` says the model can do (``tools``, ``vision`` ...). Cached.

        Raises: LLMUnavailable, ModelNotFound.
        """
        model = model or self.model
        if model not in self._capabilities:
            try:
                shown = await self._client().show(model)
            except Exception as exc:
                raise await self._translate(exc, model, False) from None
            self._capabilities[model] = list(shown.capabilities or [])
        return self._capabilities[model]

    async def stream_chat(
        self,
        messages: list[ChatTurn],
        *,
        model: str | None = None,
        tools: list[ToolSpec] | None = None,
    ) -> AsyncIterator[ChatChunk]:
        """Stream an answer. Closing the iterator (``aclose``) closes the HTTP stream.

        Raises:
            LLMUnavailable, ModelNotFound, ToolsUnsupported, StreamInterrupted, LLMError.
        """
        model = model or self.model
        options = {"temperature": self.settings.temperature, "num_ctx": self.settings.num_ctx}
        partial = False
        stream = None
        try:
            stream = await self._client().chat(
                model=model,
                messages=wire_messages(messages),
                tools=wire_tools(tools),
                stream=True,
                options=options,
                keep_alive=self.settings.keep_alive,
            )
            async for part in stream:
                message = part.message
                calls = [
                    ToolCall(c.function.name, dict(c.function.arguments or {}))
                    for c in (message.tool_calls or [])
                ]
                if message.content or calls:
                    partial = True
                yield ChatChunk(
                    content=message.content or "",
                    tool_calls=calls,
                    done=bool(part.done),
                    done_reason=part.done_reason,
                    prompt_tokens=part.prompt_eval_count,
                    answer_tokens=part.eval_count,
                )
        except GeneratorExit:
            raise
        except Exception as exc:
            raise await self._translate(exc, model, partial) from None
        finally:
            if stream is not None:
                await stream.aclose()

    async def generate(self, prompt: str, context: dict[str, Any]) -> str:
        """One-shot answer (the guide's API). ``context`` may hold ``system`` and any data,
        which is passed as quoted data, not as instructions.

        Raises: as ``stream_chat``.
        """
        return await whole_answer(self.stream_chat(one_shot_turns(prompt, context)))

    async def health_check(self) -> Health:
        try:
            version = await self._client()._request_raw("GET", "/api/version")
            detail = f"Ollama {version.json().get('version', '?')} at {self.settings.api_url}"
        except Exception:
            return Health(healthy=False, detail=str(self.unavailable()))
        models = await self._safe_models()
        if self.model not in models:
            return Health(
                healthy=False,
                detail=f"{detail}; the model '{self.model}' is not pulled: run `ollama pull {self.model}`",
            )
        return Health(healthy=True, detail=f"{detail}; model {self.model}")

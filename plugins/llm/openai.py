"""Any server that speaks OpenAI's Chat Completions API: llama.cpp's ``llama-server`` (and
llama-cpp-python's), LM Studio, vLLM, Ollama's ``/v1``, OpenAI and other hosted APIs.

httpx directly rather than the ``openai`` package: the servers above differ in their error
bodies and in what they put in ``/v1/models``, and we must read each one's own words (the
package turns many into generic exceptions and retries on its own, hiding ``Retry-After``).
The wire format is small: ``POST /chat/completions`` with ``stream: true`` answers with
server-sent events, ``data: {json}`` lines ending with ``data: [DONE]``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from naetra_tui.core.chat import (
    DEFAULT_CONTEXT_WINDOW,
    ChatChunk,
    ChatTurn,
    ToolSpec,
    one_shot_turns,
    whole_answer,
)
from naetra_tui.core.errors import (
    ContextTooLong,
    LLMAuthError,
    LLMError,
    LLMRateLimited,
    LLMUnavailable,
    ModelNotFound,
    StreamInterrupted,
    ToolsUnsupported,
)
from naetra_tui.core.interfaces import ILLMProvider
from naetra_tui.core.models import Health
from naetra_tui.core.streams import bounded_lines
from naetra_tui.core.text import clean_line

from .openai_wire import (
    EmptyStream,
    ToolCallAssembler,
    error_code,
    json_or_none,
    looks_like_context_overflow,
    retry_after_seconds,
    server_words,
    wire_messages,
    wire_tools,
)

DEFAULT_BASE_URL = "http://127.0.0.1:8080/v1"
#: A 429 asking to wait longer than this is reported, not waited for (the user is watching).
MAX_RETRY_WAIT = 20.0
#: The longest server-sent line we read (an event of a long answer is a few kB).
MAX_LINE_BYTES = 1_000_000
START_HINT = (
    "start the server (a small local one: `naetra-tui llm-server`, after pip install "
    "'naetra-tui[llm-server]'; llama.cpp: `llama-server -m MODEL.gguf --port 8080`; LM Studio: start "
    "its local server; vLLM: `vllm serve MODEL`; Ollama: `ollama serve` with base_url "
    "http://localhost:11434/v1) or set base_url under plugins.llm"
)


class OpenAIConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = DEFAULT_BASE_URL
    """The server's OpenAI-compatible root, ending in /v1 (llama-server: http://127.0.0.1:8080/v1)."""
    api_key: str | None = None
    """API key, if the server needs one (hosted APIs): write ${OPENAI_API_KEY}, not the key."""
    model_name: str | None = None
    """Model to chat with; empty: the first model the server lists at /v1/models."""
    temperature: float = Field(0.3, ge=0, le=2)
    timeout: float = Field(120.0, gt=0)
    """Seconds without a byte from the server before giving up."""
    context_window: int | None = Field(None, ge=256)
    """Tokens the model reads, for servers that do not report it (default 8192)."""
    max_tokens: int | None = Field(None, ge=1)
    """Longest answer in tokens (default: the server's)."""
    tools: bool = True
    """Offer the chat's read-only tools to the model (falls back to context if refused)."""

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, e.g. http://127.0.0.1:8080/v1")
        return value


class OpenAICompatibleProvider(ILLMProvider):
    """Chat through any OpenAI-compatible server (streaming, tools, model list)."""

    description: ClassVar[str] = "OpenAI-compatible: llama.cpp, LM Studio, vLLM, Ollama /v1, OpenAI"
    config_model: ClassVar[type[BaseModel]] = OpenAIConfig
    supports_streaming: ClassVar[bool] = True
    supports_tools: ClassVar[bool] = True

    def __init__(self) -> None:
        self.settings = OpenAIConfig()
        self.client: Any = None
        self._models: list[str] | None = None
        self._reported_window: dict[str, int] = {}
        self._chosen_model: str | None = None

    # --- settings -----------------------------------------------------------------------

    @property
    def model(self) -> str:
        return self.settings.model_name or self._chosen_model or "?"

    def context_window(self) -> int:
        reported = self._reported_window.get(self.model)
        return self.settings.context_window or reported or DEFAULT_CONTEXT_WINDOW

    async def initialize(self, config: dict[str, Any]) -> None:
        import httpx

        self.settings = OpenAIConfig.model_validate(config)
        headers = {"Accept": "application/json"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        # a new client loads the CA bundle into an SSL context (~50 ms): not on the event loop
        self.client = await asyncio.to_thread(
            httpx.AsyncClient,
            base_url=self.settings.base_url + "/",
            headers=headers,
            timeout=httpx.Timeout(self.settings.timeout, connect=5.0),
        )

    async def cleanup(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            await client.aclose()

    def _client(self) -> Any:
        if self.client is None:
            raise LLMError("the OpenAI-compatible provider is not started")
        return self.client

    # --- errors -------------------------------------------------------------------------

    def unavailable(self) -> LLMUnavailable:
        return LLMUnavailable(f"nothing is listening at {self.settings.base_url}: {START_HINT}")

    async def _refusal(self, status: int, headers: Any, body: Any, model: str) -> LLMError:
        """An HTTP error answer in words the user can act on."""
        words = server_words(body, f"HTTP {status}")
        code = error_code(body)
        if status in (401, 403):
            where = "set api_key under plugins.llm (e.g. api_key: ${OPENAI_API_KEY})"
            state = "was refused" if self.settings.api_key else "is needed, and none is set"
            return LLMAuthError(
                f"the server at {self.settings.base_url} says the API key {state} (HTTP {status}: {words}): {where}"
            )
        if status == 429:
            wait = retry_after_seconds(headers.get("retry-after"))
            when = f"try again in {wait:.0f} s" if wait is not None else "try again in a minute"
            return LLMRateLimited(
                f"the server is rate-limiting requests (HTTP 429: {words}): {when}", retry_after=wait
            )
        if looks_like_context_overflow(code, words):
            return ContextTooLong(f"the conversation does not fit the model's context window ({words})")
        lowered = words.lower()
        if (
            status == 404
            or code == "model_not_found"
            or ("model" in lowered and ("not found" in lowered or "does not exist" in lowered))
        ):
            available = await self._safe_models()
            there = f"the server has: {', '.join(available)}" if available else "the server lists no models"
            return ModelNotFound(
                f"the server at {self.settings.base_url} has no model '{clean_line(model)}' ({there}); set model_name under plugins.llm",
                model=model,
                available=available,
            )
        if "tool" in lowered and status in (400, 422, 500, 501):
            return ToolsUnsupported(f"the server refused tools: {words}")
        return LLMError(f"the server at {self.settings.base_url} answered HTTP {status}: {words}")

    def _transport(self, exc: BaseException, partial: bool) -> LLMError:
        import httpx

        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, httpx.ConnectError | ConnectionRefusedError) and not partial:
            return self.unavailable()
        if isinstance(exc, httpx.TimeoutException):
            if partial:
                return StreamInterrupted(f"the server stopped answering for {self.settings.timeout:g} s")
            return LLMError(
                f"the server at {self.settings.base_url} did not answer within {self.settings.timeout:g} s "
                "(is the model still loading? try again)"
            )
        if isinstance(exc, httpx.TransportError | ConnectionError):
            return StreamInterrupted(
                f"the connection to {self.settings.base_url} broke mid-answer ({type(exc).__name__})"
            )
        return LLMError(
            f"the OpenAI-compatible provider failed: {type(exc).__name__}: {clean_line(str(exc))[:200]}"
        )

    async def _safe_models(self) -> list[str]:
        try:
            return await self.list_models()
        except LLMError:
            return []

    # --- API ----------------------------------------------------------------------------

    async def list_models(self) -> list[str]:
        """``GET /models``; remembers context windows the server reports (vLLM, LM Studio).

        Raises: LLMUnavailable, LLMAuthError, LLMError.
        """
        try:
            response = await self._client().get("models")
        except Exception as exc:
            raise self._transport(exc, False) from None
        body = json_or_none(response)
        if response.status_code >= 400:
            raise await self._refusal(response.status_code, response.headers, body, self.model)
        entries = body.get("data") if isinstance(body, dict) else None
        if not isinstance(entries, list):
            raise LLMError(f"the server at {self.settings.base_url} answered /models without a model list")
        models = []
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"].strip():
                name = clean_line(entry["id"])[:200]
                models.append(name)
                for field in ("max_model_len", "context_length", "max_context_length", "n_ctx"):
                    if isinstance(entry.get(field), int) and entry[field] > 0:
                        self._reported_window[name] = entry[field]
                        break
        self._models = models
        if not self.settings.model_name and models:
            self._chosen_model = models[0]
        return models

    async def capabilities(self, model: str | None = None) -> list[str]:
        """The Chat Completions API cannot say; tools are offered and a refusal is handled."""
        return ["tools"] if self.settings.tools else []

    async def _resolved_model(self, model: str | None) -> str:
        if model and model != "?":
            return model
        if self.settings.model_name:
            return self.settings.model_name
        if self._chosen_model is None:
            models = await self.list_models()
            if not models:
                raise ModelNotFound(f"the server at {self.settings.base_url} lists no models; load one first")
        return self._chosen_model or "?"

    async def stream_chat(
        self,
        messages: list[ChatTurn],
        *,
        model: str | None = None,
        tools: list[ToolSpec] | None = None,
    ) -> AsyncIterator[ChatChunk]:
        """Stream an answer over server-sent events. Closing the iterator closes the request.

        Raises:
            LLMUnavailable, LLMAuthError, LLMRateLimited, ModelNotFound, ToolsUnsupported,
            ContextTooLong, StreamInterrupted, LLMError.
        """
        model = await self._resolved_model(model)
        payload: dict[str, Any] = {
            "model": model,
            "messages": wire_messages(messages),
            "stream": True,
            "temperature": self.settings.temperature,
        }
        if self.settings.max_tokens:
            payload["max_tokens"] = self.settings.max_tokens
        if tools:
            payload["tools"] = wire_tools(tools)
        for attempt in (1, 2):
            try:
                async for chunk in self._stream(payload, model):
                    yield chunk
                return
            except EmptyStream:
                # llama-cpp-python breaks off a stream it cannot serve (a prompt over its
                # context window) before any event: the same request unstreamed says why
                yield await self._complete({**payload, "stream": False}, model)
                return
            except LLMRateLimited as exc:
                # waited once, before any word arrived, when the server asks for a short wait
                if attempt == 2 or exc.retry_after is None or exc.retry_after > MAX_RETRY_WAIT:
                    raise
                await asyncio.sleep(exc.retry_after)

    async def _stream(self, payload: dict[str, Any], model: str) -> AsyncIterator[ChatChunk]:
        partial = False
        assembler = ToolCallAssembler()
        finished = False
        try:
            async with self._client().stream("POST", "chat/completions", json=payload) as response:
                if response.status_code >= 400:
                    body = json_or_none(await response.aread())
                    raise await self._refusal(response.status_code, response.headers, body, model)
                async for line in bounded_lines(response.aiter_bytes(), MAX_LINE_BYTES):
                    if not line.startswith("data:"):
                        continue  # comments, event names, keep-alives
                    data = line[5:].strip()
                    if data == "[DONE]":
                        finished = True
                        break
                    event = json_or_none(data)
                    if not isinstance(event, dict):
                        continue
                    if "error" in event:  # an error event mid-stream
                        words = server_words(event, "an error event")
                        if looks_like_context_overflow(error_code(event), words) and not partial:
                            raise ContextTooLong(
                                f"the conversation does not fit the model's context window ({words})"
                            )
                        if partial:
                            raise StreamInterrupted(f"the server stopped with an error mid-answer: {words}")
                        raise LLMError(f"the server answered with an error: {words}")
                    chunk = self._chunk(event, assembler)
                    if chunk.content or chunk.tool_calls:
                        partial = True
                    finished = finished or chunk.done
                    yield chunk
        except GeneratorExit:
            raise
        except Exception as exc:
            import httpx

            if not partial and isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError):
                raise EmptyStream() from None  # broken before a word: ask unstreamed why
            raise self._transport(exc, partial) from None
        if not finished:
            if partial:
                raise StreamInterrupted(
                    "the answer was cut off: the stream ended before the server said it was done"
                )
            raise EmptyStream()

    async def _complete(self, payload: dict[str, Any], model: str) -> ChatChunk:
        """One unstreamed answer, as a single chunk."""
        import httpx

        for attempt in (1, 2):
            try:
                response = await self._client().post("chat/completions", json=payload)
                break
            except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
                if attempt == 2:  # the first may meet the connection the broken stream left
                    raise self._transport(exc, False) from None
            except (httpx.ConnectError, ConnectionRefusedError):
                # it took the streamed request, then hung up and stopped listening: it died
                # on the request (llama.cpp can, on some CPUs), it was not absent all along
                raise LLMError(
                    f"the server at {self.settings.base_url} hung up without answering and is no "
                    "longer listening: it has probably crashed (its own output says why; see "
                    "Troubleshooting in the README); start it again"
                ) from None
            except Exception as exc:
                raise self._transport(exc, False) from None
        body = json_or_none(response)
        if response.status_code >= 400:
            raise await self._refusal(response.status_code, response.headers, body, model)
        choices = body.get("choices") if isinstance(body, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise LLMError(f"the server at {self.settings.base_url} closed the stream without an answer")
        message = choices[0].get("message") or {}
        assembler = ToolCallAssembler()
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            assembler.add([{"index": n, **c} for n, c in enumerate(calls) if isinstance(c, dict)])
        usage: dict[str, Any] = body["usage"] if isinstance(body.get("usage"), dict) else {}
        reason = choices[0].get("finish_reason") or "stop"
        content = message.get("content")
        return ChatChunk(
            content=content if isinstance(content, str) else "",
            tool_calls=assembler.calls(),
            done=True,
            done_reason=clean_line(str(reason)),
            prompt_tokens=usage.get("prompt_tokens"),
            answer_tokens=usage.get("completion_tokens"),
        )

    def _chunk(self, event: dict[str, Any], assembler: ToolCallAssembler) -> ChatChunk:
        choices = event.get("choices") or []
        choice = choices[0] if choices and isinstance(choices[0], dict) else {}
        delta = choice.get("delta") or {}
        content = delta.get("content") if isinstance(delta.get("content"), str) else ""
        if isinstance(delta.get("tool_calls"), list):
            assembler.add([f for f in delta["tool_calls"] if isinstance(f, dict)])
        reason = choice.get("finish_reason")
        usage: dict[str, Any] = event["usage"] if isinstance(event.get("usage"), dict) else {}
        calls = assembler.calls() if reason else []
        return ChatChunk(
            content=content or "",
            tool_calls=calls,
            done=bool(reason),
            done_reason=clean_line(str(reason)) if reason else None,
            prompt_tokens=usage.get("prompt_tokens"),
            answer_tokens=usage.get("completion_tokens"),
        )

    async def generate(self, prompt: str, context: dict[str, Any]) -> str:
        """One-shot answer (the guide's API); ``context`` data is passed as quoted data."""
        return await whole_answer(self.stream_chat(one_shot_turns(prompt, context)))

    async def health_check(self) -> Health:
        try:
            models = await self.list_models()
        except LLMUnavailable as exc:
            return Health(healthy=False, detail=str(exc))
        except LLMError as exc:
            return Health(healthy=False, detail=str(exc))
        if self.settings.model_name and self.settings.model_name not in models:
            listed = ", ".join(models) or "none"
            return Health(
                healthy=False,
                detail=f"{self.settings.base_url}: no model '{clean_line(self.settings.model_name)}' (it has: {listed})",
            )
        return Health(healthy=True, detail=f"{self.settings.base_url}; model {self.model}")

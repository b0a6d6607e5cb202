"""Redis storage (redis.asyncio): JSON values under a key prefix, native time-to-live."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from naetra_tui.core.errors import StorageError, StorageUnavailable
from naetra_tui.core.interfaces import IStorage
from naetra_tui.core.models import Health
from naetra_tui.core.secrets import redact

from .common import SCHEMA_VERSION, decode, expiry, pairs, shorten
from .leases import RedisLeases


class RedisConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    """redis://[:password@]host:port/db (the password is kept secret)."""
    prefix: str = "naetra:"
    """Every key is stored under this prefix."""
    socket_timeout: float = Field(5.0, gt=0)


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


class RedisStorage(IStorage):
    description: ClassVar[str] = "Redis: fast shared storage with native expiry"
    config_model: ClassVar[type[BaseModel]] = RedisConfig
    supports_ttl: ClassVar[bool] = True
    atomic_batches: ClassVar[bool] = True
    supports_leases: ClassVar[bool] = True

    def __init__(self) -> None:
        self.client: Any = None
        self.settings = RedisConfig()
        self._leases: RedisLeases | None = None

    @property
    def location(self) -> str:
        return redact(self.settings.url.get_secret_value()) + f" (prefix {self.settings.prefix!r})"

    @property
    def identity(self) -> str:
        # the parsed URL without its password: two Redis servers (or databases, or prefixes)
        # are two storages even though both show as a redacted URL
        from urllib.parse import urlsplit

        url = urlsplit(self.settings.url.get_secret_value())
        where = f"{url.scheme}://{url.username or ''}@{url.hostname}:{url.port or 6379}{url.path or '/0'}"
        return f"redis {where} prefix={self.settings.prefix!r}"

    async def initialize(self, config: dict[str, Any]) -> None:
        import redis.asyncio as aioredis
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        self.settings = s = RedisConfig.model_validate(config)
        self.client = aioredis.Redis.from_url(
            s.url.get_secret_value(),
            socket_timeout=s.socket_timeout,
            socket_connect_timeout=s.socket_timeout,
            # reconnect by itself after a server restart or a dropped connection
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=3),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
        )
        try:
            await self.client.ping()
            await self._migrate()
        except Exception as exc:
            await self.cleanup()
            raise StorageUnavailable(f"cannot use Redis at {self.location}: {self._reason(exc)}") from None

    @staticmethod
    def _reason(exc: BaseException) -> str:
        return redact(str(exc) or type(exc).__name__)

    async def _migrate(self) -> None:
        marker = self.settings.prefix + "m:schema_version"
        version = int(await self.client.get(marker) or 0)
        if version > SCHEMA_VERSION:
            raise StorageUnavailable(
                f"Redis prefix {self.settings.prefix!r} holds a newer schema ({version})"
            )
        # version 1 is plain JSON strings under the prefix: nothing to convert yet
        await self.client.set(marker, SCHEMA_VERSION)

    def _key(self, key: str) -> bytes:
        if not isinstance(key, str):
            raise StorageError(f"storage keys are text, not {type(key).__name__}")
        # data under <prefix>k:, bookkeeping under <prefix>m:, so they never collide
        return (self.settings.prefix + "k:" + key).encode("utf-8", "surrogatepass")

    async def _run(self, what: str, key: str | None, op: Any) -> Any:
        from redis.exceptions import RedisError

        if self.client is None:
            raise StorageUnavailable("the Redis storage is closed")
        try:
            return await op()
        except RedisError as exc:
            raise StorageError(f"Redis failed; could not {what}: {self._reason(exc)}", key=key) from None
        except OSError as exc:
            raise StorageError(f"Redis unreachable; could not {what}: {self._reason(exc)}", key=key) from None

    async def store(self, key: str, data: Any, ttl: float | None = None) -> None:
        await self.store_many([(key, data)], ttl=ttl)

    async def lease(self, name: str, ttl: float) -> bool:
        """A lock key with an expiry of ``ttl`` seconds, renewed by each call while held."""
        if self.client is not None and self._leases is None:
            self._leases = RedisLeases(self.client, self.settings.prefix)
        leases = self._leases
        result: bool = await self._run(f"take the lease {name}", None, lambda: leases.take(name, ttl))  # type: ignore[union-attr]
        return result

    async def release_lease(self, name: str) -> None:
        if self._leases is not None:
            try:
                await self._leases.release(name)
            except Exception:
                pass  # it expires by itself

    async def store_many(
        self, items: Mapping[str, Any] | Iterable[tuple[str, Any]], ttl: float | None = None
    ) -> None:
        expiry(ttl)  # validates
        encoded = [(self._key(k), v) for k, v in pairs(items)]
        if not encoded:
            return
        px = int(ttl * 1000) if ttl is not None else None

        async def op() -> None:
            async with self.client.pipeline(transaction=True) as pipe:  # MULTI/EXEC: all or nothing
                for key, text in encoded:
                    pipe.set(key, text.encode("utf-8", "surrogatepass"), px=px)
                await pipe.execute()

        what = f"save {len(encoded)} keys" if len(encoded) > 1 else "save a key"
        await self._run(what, None, op)

    async def retrieve(self, key: str) -> Any:
        raw = await self._run(f"read key {shorten(key)}", key, lambda: self.client.get(self._key(key)))
        return decode(raw.decode("utf-8", "surrogatepass")) if raw is not None else None

    async def retrieve_many(self, keys: Sequence[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 1000):
            chunk = list(keys[start : start + 1000])
            raw = await self._run(
                f"read {len(chunk)} keys",
                None,
                lambda chunk=chunk: self.client.mget([self._key(k) for k in chunk]),
            )
            found.update(
                (key, decode(value.decode("utf-8", "surrogatepass")))
                for key, value in zip(chunk, raw, strict=True)
                if value is not None
            )
        return found

    async def delete(self, key: str) -> bool:
        return bool(
            await self._run(f"delete key {shorten(key)}", key, lambda: self.client.delete(self._key(key)))
        )

    async def keys(self, prefix: str = "") -> list[str]:
        data_prefix = self._key("")
        pattern = _glob_escape(self.settings.prefix + "k:" + prefix).encode("utf-8", "surrogatepass") + b"*"

        async def op() -> list[str]:
            found = [k async for k in self.client.scan_iter(match=pattern, count=1000)]
            return sorted(k[len(data_prefix) :].decode("utf-8", "surrogatepass") for k in found)

        return await self._run("list keys", None, op)

    async def health_check(self) -> Health:
        try:
            await self._run("ping", None, lambda: self.client.ping())
        except StorageError as exc:
            return Health(healthy=False, detail=str(exc))
        return Health(healthy=True, detail=self.location)

    async def cleanup(self) -> None:
        if self._leases is not None:
            for name in list(self._leases.held):
                await self.release_lease(name)
            self._leases = None
        client, self.client = self.client, None
        if client is not None:
            await client.aclose()

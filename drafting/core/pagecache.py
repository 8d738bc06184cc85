"""Rendered page parts that are the same for every reader, kept between requests.

A part is stored under a key that names everything it depends on (for the
call page: the call, its `cache_tag` that every change renews, and the
language; for the review page: the application, its own `cache_tag`, the
call's and the language), so an entry is never invalidated: a change makes a
new key and the old entry ages out. Nothing user-specific goes in: CSRF tokens, the user
menu and flashed messages stay in the page around the part, rendered per
request.

In Redis when ``REDIS_URL`` is set (shared by every worker and instance,
``PAGE_CACHE_TTL`` seconds), otherwise in an LRU dictionary per process
(``PAGE_CACHE_SIZE`` entries). ``PAGE_CACHE_ENABLED = False`` turns it off.
A Redis that does not answer costs the rendering, never the page.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

log = logging.getLogger(__name__)

_PREFIX = "drafting:page:"


class LocalCache:
    """A thread-safe LRU dictionary."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: str) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class RedisCache:
    def __init__(self, url: str, ttl: int):
        import redis  # noqa: PLC0415  (only with REDIS_URL set)

        self.ttl = ttl
        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> str | None:
        try:
            value = self.redis.get(_PREFIX + key)
        except Exception:  # noqa: BLE001  (a cache that fails is a cache miss)
            log.warning("page cache: Redis did not answer", exc_info=True)
            return None
        return None if value is None else value.decode("utf-8")

    def set(self, key: str, value: str) -> None:
        try:
            self.redis.set(_PREFIX + key, value.encode("utf-8"), ex=self.ttl)
        except Exception:  # noqa: BLE001
            log.warning("page cache: Redis did not answer", exc_info=True)

    def clear(self) -> None:
        try:
            for key in self.redis.scan_iter(_PREFIX + "*"):
                self.redis.delete(key)
        except Exception:  # noqa: BLE001
            log.warning("page cache: Redis did not answer", exc_info=True)


def init_app(app: Flask) -> None:
    if app.config.get("REDIS_URL") and app.config.get("PAGE_CACHE_BACKEND", "redis") == "redis":
        store: LocalCache | RedisCache = RedisCache(
            app.config["REDIS_URL"], int(app.config.get("PAGE_CACHE_TTL", 86_400))
        )
    else:
        store = LocalCache(int(app.config.get("PAGE_CACHE_SIZE", 1024)))
    app.extensions["page_cache"] = store


def store(app: Flask | None = None) -> LocalCache | RedisCache:
    return (app or current_app).extensions["page_cache"]


def fragment(key: str, render: Callable[[], str]) -> Markup:
    """The part stored under `key`, rendered by `render()` (and stored) when missing."""
    if not current_app.config.get("PAGE_CACHE_ENABLED", True):
        return Markup(render())
    cache = store()
    value = cache.get(key)
    if value is None:
        value = str(render())
        cache.set(key, value)
    return Markup(value)


def parts(key: str, render: Callable[[], Any]) -> Any:
    """Like `fragment`, for a page cut into several stored parts: `render()`
    gives them as JSON data (dicts, lists, strings, numbers), stored as JSON.
    The caller marks which strings are HTML (`Markup`), as it does for its
    own template's output."""
    if not current_app.config.get("PAGE_CACHE_ENABLED", True):
        return json.loads(json.dumps(render()))
    cache = store()
    value = cache.get(key)
    if value is None:
        value = json.dumps(render(), ensure_ascii=False, separators=(",", ":"))
        cache.set(key, value)
    return json.loads(value)

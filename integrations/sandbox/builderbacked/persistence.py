"""Keep the sandbox's records in a JSON file across restarts (`--state-file`), for `make run`.

Without it a restarted sandbox forgets everything while BuilderOps still believes its records
are published. Tests don't use it: they want a fresh sandbox each time.
"""

import itertools
import json
import os
import time
from pathlib import Path

from .store import LEVELS, Store

SAVE_EVERY_SECONDS = 5.0


def store_load(store: Store, path: Path) -> bool:
    """Fill `store` from `path` if it exists; say whether it did."""
    if not path.exists():
        return False
    data = json.loads(path.read_text())
    store.regions = data["regions"]
    store.locations = {key: data["locations"].get(key, {}) for key in LEVELS}
    store.homes = data["homes"]
    kinds = {"region": store.regions, "home": store.homes, **store.locations}
    store._ids = {
        kind: itertools.count(max((r["id"] for r in records.values()), default=0) + 1)
        for kind, records in kinds.items()
    }
    return True


def store_save(store: Store, path: Path) -> None:
    """Write `store` to `path` atomically (a crash mid-write leaves the old file)."""
    data = {"regions": store.regions, "locations": store.locations, "homes": store.homes}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


class StateFile:
    """Load the store at start; save it after changes (at most every few seconds) and at exit."""

    def __init__(self, app, store: Store, path: str | Path):
        self.app, self.store, self.path = app, store, Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        store_load(store, self.path)
        self.last_save = 0.0

    def __getattr__(self, name):  # expose the wrapped app's attributes (tests use them)
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        await self.app(scope, receive, send)
        if scope["type"] == "http" and scope["method"] != "GET":
            now = time.monotonic()
            if now - self.last_save >= SAVE_EVERY_SECONDS:
                self.last_save = now
                store_save(self.store, self.path)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                store_save(self.store, self.path)
                await send({"type": "lifespan.shutdown.complete"})
                return

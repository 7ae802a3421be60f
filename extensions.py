"""Extension objects, created unbound; web/extensions.py binds them to the app in create_app()."""

import contextlib
import hashlib
import logging
import os
import time

from flask import current_app
from flask_caching import Cache
from flask_caching.backends.nullcache import NullCache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class ResilientCache(Cache):
    """A cache whose failures never reach the reader: a broken or frozen backend is treated as a
    miss, logged, and left alone for a few seconds (so a frozen Redis costs one timeout, not one
    per call); the site serves from the database meanwhile and uses the cache again when it is
    back."""

    RETRY_AFTER = 5.0
    log = logging.getLogger("cache")

    @staticmethod
    def _health() -> dict:
        return current_app.extensions.setdefault("cache_health", {"down_until": 0.0, "error": ""})

    def _guard(self, operation, default, *args, **kwargs):
        health = self._health()
        if time.monotonic() < health["down_until"]:
            return default
        try:
            # inc (a counter, atomic on Redis) exists on the backend only.
            method = getattr(super(), operation, None) or getattr(self.cache, operation)
            return method(*args, **kwargs)
        except Exception as exc:  # any backend failure: connection refused, timeout, bad data
            health["down_until"] = time.monotonic() + self.RETRY_AFTER
            health["error"] = f"{type(exc).__name__}: {exc}"
            self.log.warning("cache unavailable (%s); serving without it", health["error"])
            return default

    @property
    def keeps_nothing(self) -> bool:
        """CACHE_TYPE=NullCache (every cache off): whatever is stored is gone at once."""
        return isinstance(self.cache, NullCache)

    @property
    def last_error(self) -> str:
        return self._health()["error"]

    def get(self, *args, **kwargs):
        return self._guard("get", None, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._guard("set", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._guard("delete", False, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._guard("add", False, *args, **kwargs)

    def inc(self, *args, **kwargs):
        return self._guard("inc", None, *args, **kwargs)

    @staticmethod
    def worker_memo(name: str, version: str) -> dict:
        """This worker's own dict `name` for content version `version`, beside the shared cache:
        for what nearly every uncached page reads (the navigation, the home front, the list
        fronts already written), where even a trip to the shared cache costs. A new version
        starts it empty, so nothing of an older version is kept or found."""
        kept = current_app.extensions.get(name)
        if kept is None or kept[0] != version:
            kept = current_app.extensions[name] = (version, {})
        return kept[1]

    def claim(self, name: str, timeout: int = 5) -> bool:
        """Take a short-lived lock shared by every worker; True if this caller has it.

        Redis: SET NX with an expiry. Filesystem cache: a lock file created with O_EXCL (and
        taken over once it is older than the timeout). Without a working cache every caller
        may go ahead, so nobody waits on a lock that cannot be taken.
        """
        directory = getattr(self.cache, "_path", None)
        if directory is None:
            return self._guard("add", True, f"lock:{name}", 1, timeout=timeout)
        path = os.path.join(directory, "lock-" + _digest(name))
        for _attempt in range(2):
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                return True
            except FileExistsError:
                try:
                    if time.time() - os.path.getmtime(path) < timeout:
                        return False
                    os.unlink(path)  # a stale lock from a worker that died
                except FileNotFoundError:
                    pass
            except OSError:
                return True
        return False

    def claimed(self, name: str) -> bool:
        """Whether someone holds the lock `name` (see claim); False without a working cache."""
        directory = getattr(self.cache, "_path", None)
        if directory is None:
            return self._guard("get", None, f"lock:{name}") is not None
        return os.path.exists(os.path.join(directory, "lock-" + _digest(name)))

    def release(self, name: str) -> None:
        directory = getattr(self.cache, "_path", None)
        if directory is None:
            self.delete(f"lock:{name}")
            return
        path = os.path.join(directory, "lock-" + _digest(name))
        with contextlib.suppress(OSError):
            os.unlink(path)


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


db = SQLAlchemy(model_class=Base)
cache = ResilientCache()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()

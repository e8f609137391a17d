"""How often one user may do something: counted in Django's cache (settings.CACHES), in fixed
windows. With the default local-memory cache each server process counts for itself; a shared
cache (REDIS_URL) counts for all of them. A limit only slows a person down and is never the only
defence: what it counts is recorded in the audit trail as well."""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """At most `count` events of `name` per user within `window` seconds."""

    name: str
    count: int
    window: int


def _key(limit: Limit, who) -> tuple[str, int]:
    """The cache key of the current window for `who`, and the seconds left in that window."""
    now = time.time()
    window = max(int(limit.window), 1)
    start = int(now // window) * window
    return f"ratelimit:{limit.name}:{who}:{start}", max(1, int(start + window - now + 0.999))


def wait(limit: Limit, who) -> int:
    """Seconds `who` must wait before the next event (0: he may go on), counting nothing."""
    key, left = _key(limit, who)
    return left if (cache.get(key) or 0) >= limit.count else 0


def hit(limit: Limit, who) -> int:
    """Count one event of `who`, if he may: 0 when counted, else the seconds he must wait (and
    the event is not counted)."""
    key, left = _key(limit, who)
    cache.add(key, 0, timeout=left + 1)
    if (cache.get(key) or 0) >= limit.count:
        return left
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.set(key, 1, timeout=left + 1)
    return 0

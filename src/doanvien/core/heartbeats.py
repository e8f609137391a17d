"""Background processes say they are alive: `beat(name)` records the moment (at most every
`every` seconds from one process), `ages()` tells how long ago each one did (`/readyz`)."""

import threading
import time

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from .models import Heartbeat

_last: dict[str, float] = {}


def beat(name: str, *, every: float = 5.0) -> None:
    """Record that the process called `name` is alive now (skipped if it did within `every`
    seconds)."""
    now = time.monotonic()
    if now - _last.get(name, -every) < every:
        return
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})
    _last[name] = now


def ages() -> dict[str, float]:
    """Seconds since each process's last heartbeat, by name."""
    now = timezone.now()
    return {
        name: round((now - at).total_seconds(), 1)
        for name, at in Heartbeat.objects.values_list("name", "at")
    }


def beat_in_background(name: str, *, every: float = 10.0) -> threading.Thread:
    """A daemon thread of this process that beats every `every` seconds with its own database
    connection, for a process whose loop is not ours (the job worker): it stops with the
    process."""

    def run() -> None:
        while True:
            try:
                close_old_connections()
                beat(name, every=0)
            except DatabaseError:
                pass  # the database is away: the age grows, which is what /readyz should say
            finally:
                connection.close()
            time.sleep(every)

    thread = threading.Thread(target=run, name=f"heartbeat-{name}", daemon=True)
    thread.start()
    return thread

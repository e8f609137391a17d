"""gunicorn's configuration for production (`make serve`, scripts/serve-production).

    .venv/bin/python -m gunicorn --config deploy/gunicorn.conf.py

Read from environment variables:

- GUNICORN_BIND: where to listen, default 127.0.0.1:8000 (a reverse proxy in front; several
  addresses separated by commas);
- GUNICORN_WORKERS: worker processes, default 2 × CPU cores + 1;
- GUNICORN_THREADS: threads per worker (gthread), default 4: a worker serves that many
  requests at once, each thread with its own database connection, so PostgreSQL sees up to
  workers × threads connections (plus the job workers');
- GUNICORN_TIMEOUT: seconds a worker may stay silent before it is restarted, default 60;
- GUNICORN_GRACEFUL_TIMEOUT: seconds the requests under way get to finish at a stop or restart,
  default 30;
- GUNICORN_KEEPALIVE: seconds an idle keep-alive connection is kept, default 5;
- GUNICORN_MAX_REQUESTS: restart a worker after about this many requests (0, the default: never).

The access log goes to standard output, one JSON object a line: time, method, path, status,
duration_ms, and request_id when the request carries an X-Request-ID header (a proxy may set
one). gunicorn's own messages and the application's errors go to standard error. The
application writes its own JSON lines too (settings.LOGGING, core/requestlog.py), one per
request with the user and the unit, and answers X-Request-ID with the id it used.
"""

import json
import os
from datetime import datetime
from pathlib import Path

from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "doanvien.wsgi:application"
# The checkout's own code, whichever virtualenv runs gunicorn.
pythonpath = str(ROOT / "src")
raw_env = ["DJANGO_SETTINGS_MODULE=doanvien.settings"]

bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if b]
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# No control socket: its default path is one per user account, shared by every gunicorn the
# account runs.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonAccessLogger(Logger):
    """The access log as JSON lines (gunicorn's own format is not escaped for JSON)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        line = {
            "time": datetime.now().astimezone().isoformat(timespec="milliseconds"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
        }
        if request_id := environ.get("HTTP_X_REQUEST_ID"):
            line["request_id"] = request_id[:200]
        self.access_log.info("%s", json.dumps(line, ensure_ascii=False))


logger_class = JsonAccessLogger


def child_exit(server, worker):
    """A worker that stopped leaves its metrics files behind: marked dead, its gauges are
    dropped (prometheus_client's multiprocess mode; scripts/serve-production sets the folder)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

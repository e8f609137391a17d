"""The deployment files are tested, not only written: the nginx site passes `nginx -t`, the
systemd units start commands that exist, and `make serve` (scripts/serve-production: gunicorn
with deploy/gunicorn.conf.py, the job worker and the roll-ups' folder) serves, reports itself
ready and stops cleanly."""

import configparser
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _nginx_conf(tmp_path: Path) -> Path:
    """A minimal nginx.conf around the site, its certificate a throwaway self-signed one and its
    paths in `tmp_path`, so that `nginx -t` runs as any user."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(tmp_path / "privkey.pem")]
        + ["-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx" / "doanvien.conf").read_text()
    site = site.replace("/etc/ssl/doanvien", str(tmp_path))
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(
        f"{name}_temp_path {tmp_path / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log off; {temp} include {tmp_path / 'site.conf'}; }}\n"
    )
    return conf


@pytest.mark.skipif(
    not shutil.which("nginx") and not os.environ.get("CI"),
    reason="nginx is not installed (.ci/run installs nginx-light)",
)
def test_the_nginx_site_passes_nginx_t(tmp_path):
    conf = _nginx_conf(tmp_path)
    result = subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_each_systemd_unit_starts_something_that_exists(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(unit)
    assert {"Unit", "Service", "Install"} <= set(parser.sections())
    service = parser["Service"]
    assert service["Restart"] == "always"
    command = service["ExecStart"].split()
    assert command[0] == "/srv/doanvien/.venv/bin/python"
    if command[1:3] == ["-m", "gunicorn"]:
        assert (ROOT / command[command.index("--config") + 1]).is_file()
    else:
        assert command[1] == "manage.py" and command[2] in get_commands(), command
    if shutil.which("systemd-analyze"):
        # Syntax only: the paths of /srv and /etc are those of a server, not of this machine.
        result = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True
        )
        assert "Unknown key" not in result.stderr and "Invalid" not in result.stderr, result.stderr
    assert len(UNITS) == 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="make serve runs on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_make_serve_serves_reports_ready_and_stops_cleanly():
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "SECRET_KEY": "a-key-for-this-test-only-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "DEMO_MODE": "0",
        "PYTHON": str(Path(os.sys.executable)),
    }
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve-production")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if _get(f"{base}/healthz") == (200, {"status": "ok"}):
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("make serve never answered /healthz")
        # The folder beats at once; the worker's thread within its first seconds.
        for _ in range(60):
            status, body = _get(f"{base}/readyz")
            beats = body["heartbeats"]
            if not beats["folder"]["stale"] and not beats["worker"]["stale"]:
                break
            time.sleep(0.5)
        assert status == 200 and body["migrations_unapplied"] == 0, body
        assert not beats["folder"]["stale"] and not beats["worker"]["stale"], body
        # The database drops every connection of the server (as a restart does): each thread's
        # kept connection is checked before its next request (CONN_HEALTH_CHECKS) and opened
        # again, so no request fails for it.
        for _ in range(4):
            _get(f"{base}/readyz")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "the server had no connection to drop"
            for _ in range(50):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state IS NOT NULL AND backend_start < "
                    "now() - interval '1 second'"
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)
        after = [_get(f"{base}/readyz")[0] for _ in range(6)]
        assert after == [200] * 6, after
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err[-2000:]
    logged = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert any(entry["path"] == "/readyz" and entry["status"] == 200 for entry in logged), out

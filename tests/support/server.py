"""Start the app in real server processes for browser and multi-instance tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support import databases
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def flask(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def instance_env(tmp: Path, database_url: str, smtp_port: int, **extra: str) -> dict:
    env = {
        **os.environ,
        "FLASK_APP": "app.py",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "server-test-secret",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "EXPORT_DIR": str(tmp / "exports"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
    }
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def prepare_database(
    tmp: Path, purpose: str, env_extra: dict | None = None, smtp_port: int = 1
) -> tuple[str, dict]:
    url = databases.fresh_database_url(tmp, purpose)
    env = instance_env(tmp, url, smtp_port, **(env_extra or {}))
    flask(env, "db", "upgrade", "heads")
    flask(env, "seed-demo")
    return url, env


class Server:
    def __init__(self, env: dict, log_path: Path, *, gunicorn: bool = False):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")
        if gunicorn:
            cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:app"]
            env = {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": "2",
                "GUNICORN_THREADS": "4",
            }
        else:
            cmd = [
                sys.executable,
                "-m",
                "flask",
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-reload",
                "--with-threads",
            ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 40
        while True:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        "the app server did not start:\n" + self.log_path.read_text()
                    ) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()

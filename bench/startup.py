"""Start-up: how long `import drafting` + `create_app()` take, and how long
gunicorn (per gunicorn.conf.py) takes from start to the first 200, each side
by side with a hello-world Flask app measured the same way in the same run.

    .venv/bin/python bench/startup.py [--runs 5]

Uses SQLite in a temporary folder (start-up does not touch the database
beyond opening it). Prints medians and ratios to the hello-world baseline.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HELLO = """
from flask import Flask

app = Flask(__name__)


@app.get("/_ping")
def ping():
    return "ok"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(tmp: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/startup.db",
        "SECRET_KEY": "bench-startup",
        "UPLOAD_DIR": f"{tmp}/uploads",
        "EXPORT_DIR": f"{tmp}/exports",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp}",
    }
    for name in ("REDIS_URL", "MAIL_SERVER"):
        env.pop(name, None)
    return env


def time_import(code: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def time_first_200(app_spec: str, env: dict, workers: int) -> float:
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app_spec],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 120
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_ping", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.02)
        raise SystemExit(f"{app_spec} did not answer within 120 s")
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() * 2 + 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drafting-startup-") as tmp:
        Path(tmp, "hello.py").write_text(HELLO)
        env = env_for(tmp)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app.py", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        rows = {
            "import + create_app": (
                lambda: time_import("from drafting import create_app; create_app()", env),
                lambda: time_import("import hello", env),
            ),
            f"gunicorn {args.workers} workers → first 200": (
                lambda: time_first_200("app:app", env, args.workers),
                lambda: time_first_200("hello:app", env, args.workers),
            ),
        }
        print(f"median of {args.runs} runs, seconds")
        print(f"{'':<36}{'drafting':>10}{'hello':>10}{'ratio':>8}")
        for name, (ours, hello) in rows.items():
            a, b = [], []
            for _ in range(args.runs):  # interleaved, so drift hits both alike
                a.append(ours())
                b.append(hello())
            ma, mb = statistics.median(a), statistics.median(b)
            print(f"{name:<36}{ma:>10.3f}{mb:>10.3f}{ma / mb:>8.1f}")


if __name__ == "__main__":
    main()

"""Load test: the app under gunicorn on PostgreSQL with 10,000 applications.

Loads 200 calls and 10,000 applications (the bulk loader of bench/pages.py)
plus one standard document with a long text into PostgreSQL, serves the app
with gunicorn (gunicorn.conf.py: workers 2 × cores + 1, 4 threads, unless
GUNICORN_WORKERS / GUNICORN_THREADS say otherwise) on 127.0.0.1, and drives
it with 16 concurrent clients (separate processes, http.client keep-alive)
for a fixed time per page. It prints requests per second and p50 / p95 for
the public call page, the secretariat's dashboard and the document page,
each as a ratio to GET /_ping on the same server in the same run; then the
same again while two PDF exports run (each of a revision not yet in the
export cache, so that each is real work).

    .venv/bin/python bench/load.py                      # ~2-3 minutes
    .venv/bin/python bench/load.py --seconds 3 --applications 2000
    DATABASE_URL=postgresql://postgres@127.0.0.1/mine .venv/bin/python bench/load.py   # kept afterwards

Without DATABASE_URL a fresh database is created on 127.0.0.1:5432 and
dropped at the end. Every loop is bounded in time and in count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# bench/docx.py must not shadow the python-docx package the app imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

# Only the standard library is imported at the top: the load clients are spawned
# processes, which re-import this script, and the app's modules (the bulk loader
# of bench/pages.py, the models, SQLAlchemy, psycopg) would cost each of them
# about 0.8 s of CPU and 70 MiB, on this machine and while the first page is
# measured. So the functions that need the app import it themselves.

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PASSWORD = "bench-password-123"  # bench/pages.py's users
MAX_REQUESTS_PER_CLIENT = 5000
EXPORT_REVISIONS = 12


# --- data ------------------------------------------------------------------


def long_text() -> str:
    """The demo standard with a long technical chapter: about 150 KB of Markdown."""
    from drafting.documents.demo import DEMO_TEXT  # noqa: PLC0415  (not in the clients)

    clauses = []
    for i in range(1, 121):
        clauses.append(
            f"## 补充技术要求{i}\n\n"
            + f"第{i}类回收企业应建立与处理规模相适应的质量管理体系，关键工序应有作业指导书和记录。"
            * 6
            + "\n\n"
            + f"检验项目{i}的结果应符合表中规定的限值，不符合时应重新取样复验一次，复验仍不合格的判为不合格。"
            * 4
            + "\n"
        )
    return DEMO_TEXT.replace("# 试验方法", "\n".join(clauses) + "\n# 试验方法")


def add_document(app) -> dict:
    """One document of the middle call's first standard, with revisions whose
    texts differ, so that each export below misses the cache."""
    from sqlalchemy import select  # noqa: PLC0415  (not in the clients)

    from drafting.accounts.models import (  # noqa: PLC0415  (not in the clients)
        Organization,
        Role,
        User,
    )
    from drafting.documents import services  # noqa: PLC0415  (not in the clients)
    from drafting.extensions import db  # noqa: PLC0415  (not in the clients)
    from drafting.groups import services as groups  # noqa: PLC0415  (not in the clients)
    from drafting.groups.models import GroupRole  # noqa: PLC0415  (not in the clients)

    with app.app_context():
        secretariat = db.session.scalar(select(User).where(User.role == Role.SECRETARIAT))
        org = db.session.get(Organization, 1)
        group = groups.create_group("基准文件起草组", actor=secretariat)
        groups.add_member(group, org, GroupRole.MAIN, actor=secretariat)
        base = long_text()
        document = services.create_document(
            number="T/CESA 1999—2026",
            title_zh="废旧磷酸铁锂电池正极材料回收利用技术规范",
            title_en="Technical specification for recycling",
            ics="13.030.50",
            ccs="Z 70",
            issuing_body="中国电子节能技术协会",
            group=group,
            actor=secretariat,
        )
        revisions = []
        for k in range(EXPORT_REVISIONS):
            text = base.replace(
                "本文件由中国电子节能技术协会归口。",
                f"本文件由中国电子节能技术协会归口（第{k + 1}稿）。",
            )
            result = services.save_revision(
                document, text, document.head_revision_id, f"第{k + 1}稿", actor=secretariat
            )
            revisions.append(result.revision.id)
        db.session.commit()
        return {"document": document.id, "revisions": revisions, "size": len(base.encode())}


# --- server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, tmp: str) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    log = Path(tmp) / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-load",
        "UPLOAD_DIR": tmp + "/uploads",
        "EXPORT_DIR": tmp + "/exports",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
    }
    env.pop("REDIS_URL", None)
    env.pop("MAIL_SERVER", None)
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _ = fetch(port, "/_ping")
            if status == 200:
                return proc, port, log
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit("gunicorn did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.3)


def fetch(
    port: int,
    path: str,
    cookie: str = "",
    method: str = "GET",
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 10,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def login(port: int, email: str) -> str:
    """Log in through the form (CSRF and all); return the Cookie header value."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
    conn.request(
        "POST",
        "/login",
        body=form,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"login failed: {response.status}"
    return response.getheader("Set-Cookie").split(";", 1)[0]


# --- load generator ----------------------------------------------------------


def client(job: tuple) -> tuple[list[float], int, int]:
    """One client: keep-alive requests to `path` from `start_at` for `seconds`.

    When the server closes a kept-alive connection as the request goes out (a
    worker recycled by `max_requests`), the request is sent again once on a new
    connection, as browsers do for a GET, and counted as a reconnect, not an
    error; errors are non-200 answers and failures on a fresh connection."""
    port, path, cookie, start_at, seconds = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    latencies, errors, reconnects = [], 0, 0
    reused = False  # the connection has served a response already
    time.sleep(max(0.0, start_at - time.time()))
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop and len(latencies) < MAX_REQUESTS_PER_CLIENT:
        t0 = time.perf_counter()
        for attempt in (1, 2):
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                reused = not response.will_close
                if response.will_close:
                    conn.close()
                break
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                if reused and attempt == 1:
                    reused = False
                    reconnects += 1
                    continue
                reused = False
                break
        if ok:
            latencies.append((time.perf_counter() - t0) * 1000)
        else:
            errors += 1
    conn.close()
    return latencies, errors, reconnects


def measure(pool, port: int, path: str, cookie: str, clients: int, seconds: float) -> dict:
    start_at = time.time() + 0.5
    results = pool.map(client, [(port, path, cookie, start_at, seconds)] * clients)
    latencies = sorted(x for lat, _e, _r in results for x in lat)
    errors = sum(e for _l, e, _r in results)
    reconnects = sum(r for _l, _e, r in results)
    if not latencies:
        return {
            "rps": 0.0,
            "p50": float("nan"),
            "p95": float("nan"),
            "n": 0,
            "errors": errors,
            "reconnects": reconnects,
        }
    return {
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "n": len(latencies),
        "errors": errors,
        "reconnects": reconnects,
    }


class Exporters:
    """Two threads exporting PDFs of revisions not yet cached, until stopped."""

    def __init__(self, port: int, cookie: str, document: int, revisions: list[int], n: int = 2):
        self.port, self.cookie, self.document = port, cookie, document
        self.queue = list(revisions)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.done, self.failed, self.seconds = 0, [], []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(n)]

    def _export(self, revision: int) -> tuple[int, bytes]:
        """GET export.pdf: a 202 names the export job; poll it, then GET the cached PDF."""
        url = f"/api/v1/documents/{self.document}/export.pdf?revision={revision}"
        status, body = fetch(self.port, url, self.cookie, timeout=300)
        if status != 202:
            return status, body
        job_url = json.loads(body)["status_url"]
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            status, body = fetch(self.port, job_url, self.cookie, timeout=30)
            if status != 200 or json.loads(body)["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
        return fetch(self.port, url, self.cookie, timeout=300)

    def _run(self) -> None:
        while not self.stopping.is_set():
            with self.lock:
                if not self.queue:
                    return
                revision = self.queue.pop(0)
            t0 = time.perf_counter()
            try:
                status, body = self._export(revision)
            except OSError as exc:
                status, body = 0, str(exc).encode()
            with self.lock:
                if status == 200 and body.startswith(b"%PDF"):
                    self.done += 1
                    self.seconds.append(time.perf_counter() - t0)
                else:
                    self.failed.append((status, body[:200]))

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=300)


# --- main --------------------------------------------------------------------


def create_database() -> str:
    import psycopg  # noqa: PLC0415  (not in the clients)

    name = f"drafting_bench_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_SERVER + "/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_database(url: str) -> None:
    import psycopg  # noqa: PLC0415  (not in the clients)

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_SERVER + "/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    from flask_migrate import upgrade  # noqa: PLC0415  (not in the clients)

    from bench.pages import build_app, load  # noqa: PLC0415  (not in the clients)
    from drafting.extensions import db  # noqa: PLC0415  (not in the clients)

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="measuring time per page and condition"
    )
    parser.add_argument(
        "--no-exports", action="store_true", help="skip the second round (exports running)"
    )
    args = parser.parse_args()

    own_database = not os.environ.get("DATABASE_URL")
    url = os.environ.get("DATABASE_URL") or create_database()
    if not url.startswith(("postgres://", "postgresql")):
        sys.exit(
            "bench/load.py measures PostgreSQL: set DATABASE_URL=postgresql://… or leave it unset"
        )
    tmp = tempfile.mkdtemp(prefix="drafting-load-")
    proc = None
    try:
        logging.getLogger("drafting").setLevel(logging.WARNING)
        started = time.perf_counter()
        app = build_app(url, tmp)
        with app.app_context():
            upgrade(revision="heads")
            ids = load(app, args.calls, args.applications)
        doc = add_document(app)
        with app.app_context():
            db.engine.dispose()
        print(
            f"loaded {args.calls} calls, {ids['applications']} applications, {ids['answers']} answers and a "
            f"{doc['size'] // 1024} KB document into {url.split('@')[-1]} in {time.perf_counter() - started:.0f} s"
        )

        proc, port, log = start_gunicorn(url, tmp)
        workers = (
            os.environ.get("GUNICORN_WORKERS")
            or f"{multiprocessing.cpu_count() * 2 + 1} (2 × {multiprocessing.cpu_count()} cores + 1)"
        )
        print(
            f"gunicorn on 127.0.0.1:{port}: {workers} workers × {os.environ.get('GUNICORN_THREADS', 4)} threads; "
            f"{args.clients} clients, {args.seconds:g} s per page"
        )
        cookie = login(port, "sec@bench.example")
        pages = [
            ("hello world (/_ping)", "/_ping", ""),
            ("public call page", f"/calls/{ids['call']}", ""),
            ("dashboard", f"/review/calls/{ids['call']}", cookie),
            ("document page", f"/documents/{doc['document']}", cookie),
        ]
        for name, path, c in pages:  # warm up every worker's caches and connections; fail early
            for _ in range(10):
                status, _body = fetch(port, path, c, timeout=60)
                assert status == 200, (name, path, status)

        rounds = [("idle", None)]
        if not args.no_exports:
            rounds.append(("2 exports running", doc))
        table = []
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(args.clients) as pool:
            for label, export_doc in rounds:
                exporters = None
                if export_doc is not None:
                    exporters = Exporters(
                        port, cookie, export_doc["document"], export_doc["revisions"]
                    )
                    exporters.start()
                    time.sleep(1.0)  # let both exports get going
                results = {
                    name: measure(pool, port, path, c, args.clients, args.seconds)
                    for name, path, c in pages
                }
                note = ""
                if exporters is not None:
                    exporters.stop()
                    note = f"{exporters.done} PDFs exported"
                    if exporters.seconds:
                        note += f", {statistics.median(exporters.seconds):.1f} s each (median)"
                    if exporters.failed:
                        note += f"; {len(exporters.failed)} failed: {exporters.failed[0]}"
                table.append((label, results, note))

        base_label = "hello world (/_ping)"
        print()
        print(
            f"{'condition':<19}{'page':<22}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'req/s ÷ping':>13}{'p50 ×ping':>11}{'p95 ×ping':>11}{'errors':>8}{'reconn.':>9}"
        )
        for label, results, note in table:
            hello = results[base_label]
            for name, r in results.items():
                print(
                    f"{label:<19}{name:<22}{r['rps']:>8.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
                    f"{r['rps'] / hello['rps']:>13.3f}{r['p50'] / hello['p50']:>11.1f}{r['p95'] / hello['p95']:>11.1f}"
                    f"{r['errors']:>8}{r['reconnects']:>9}"
                )
            if note:
                print(f"{'':<19}({note})")
        if len(table) > 1:
            idle, loaded = table[0][1], table[1][1]
            print(f"\n{'page':<22}{'idle p95':>10}{'export p95':>12}{'÷ idle':>8}   goal ≤ 1.5×")
            for name in idle:
                ratio = loaded[name]["p95"] / idle[name]["p95"]
                print(
                    f"{name:<22}{idle[name]['p95']:>10.1f}{loaded[name]['p95']:>12.1f}{ratio:>8.2f}"
                )
        if base_label in table[0][1] and len(table) > 1:
            print(
                "\nratios are to /_ping in the same round; /_ping itself slows while exports run, "
                "so compare absolute p50/p95 across rounds too"
            )
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if own_database:
            drop_database(url)


if __name__ == "__main__":
    main()

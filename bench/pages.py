"""Benchmark of the calls / review pages on a large data set.

Loads 200 calls and 10,000 applications with answers (Core bulk inserts)
into DATABASE_URL (default: a temporary SQLite file), serves the app with
werkzeug's threaded server on 127.0.0.1, and prints for each main page the
p50 / p95 latency as a ratio to a hello-world route served by the same
server in the same run, plus the number of SQL queries the page issues.

    .venv/bin/python bench/pages.py                 # SQLite, ~1 min
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --calls 50 --applications 2000 --requests 40
"""

from __future__ import annotations

import argparse
import http.cookiejar
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# bench/docx.py must not shadow the python-docx package the app imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from drafting import create_app  # noqa: E402
from drafting.accounts.credit_code import check_character  # noqa: E402
from drafting.accounts.models import Organization, User  # noqa: E402
from drafting.accounts.passwords import hash_password  # noqa: E402
from drafting.applications.models import (  # noqa: E402
    Answer,
    Application,
    ApplicationStandard,
    Attachment,
)
from drafting.calls.models import Call, CallStandard, Requirement, ReviewerAssignment  # noqa: E402
from drafting.core.timeutil import utcnow  # noqa: E402
from drafting.extensions import db  # noqa: E402
from drafting.reviews.models import Assessment  # noqa: E402
from drafting.storage import store_blob  # noqa: E402


def build_app(url: str, tmp: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": tmp + "/uploads",
            "EXPORT_DIR": tmp + "/exports",
            "MAIL_SERVER": None,
        }
    )

    @app.route("/_bench/hello")
    def _hello():
        return "hello"

    return app


def load(app, n_calls: int, n_apps: int) -> dict:
    now = utcnow()
    per_call = max(1, n_apps // n_calls)
    n_orgs = max(per_call * 2, 500)
    pw = hash_password("bench-password-123")
    sha = store_blob(b"%PDF-1.4\n%%EOF\n")
    s = db.session
    orgs = [
        {
            "id": i,
            "name": f"基准企业{i:05d}有限公司",
            "credit_code": (f"91110000{i:09d}") + check_character(f"91110000{i:09d}"),
            "type": "enterprise",
            "address": "北京",
            "contact_name": "",
            "contact_phone": "",
            "contact_email": "",
            "created_at": now,
        }
        for i in range(1, n_orgs + 1)
    ]
    s.execute(insert(Organization), orgs)
    users = [
        {
            "id": i,
            "email": f"u{i}@bench.example",
            "name": f"用户{i}",
            "phone": "",
            "password_hash": pw,
            "role": "member",
            "organization_id": i,
            "is_org_admin": True,
            "is_active_account": True,
            "email_confirmed_at": now,
            "session_version": 1,
            "created_at": now,
        }
        for i in range(1, n_orgs + 1)
    ]
    users.append(
        {
            "id": n_orgs + 1,
            "email": "sec@bench.example",
            "name": "秘书处",
            "phone": "",
            "password_hash": pw,
            "role": "secretariat",
            "organization_id": None,
            "is_org_admin": False,
            "is_active_account": True,
            "email_confirmed_at": now,
            "session_version": 1,
            "created_at": now,
        }
    )
    users.append(
        {
            "id": n_orgs + 2,
            "email": "rev@bench.example",
            "name": "专家",
            "phone": "",
            "password_hash": pw,
            "role": "reviewer",
            "organization_id": None,
            "is_org_admin": False,
            "is_active_account": True,
            "email_confirmed_at": now,
            "session_version": 1,
            "created_at": now,
        }
    )
    s.execute(insert(User), users)
    calls, standards, requirements = [], [], []
    for c in range(1, n_calls + 1):
        opened = now - timedelta(days=c)
        calls.append(
            {
                "id": c,
                "title": f"关于征集第{c}批团体标准起草单位和参编单位的通知",
                "notice": "## 申报要求\n\n行业相关企事业单位。" * 5,
                "issuing_body": "联盟",
                "contact": "",
                "opens_at": opened,
                "closes_at": opened + timedelta(days=30 if c % 3 else 2),
                "state": "published",
                "published_at": opened,
                "created_at": opened,
            }
        )
        for k in range(4):
            standards.append(
                {
                    "id": (c - 1) * 4 + k + 1,
                    "call_id": c,
                    "position": k,
                    "title_zh": f"团体标准{c}-{k}",
                    "title_en": f"Standard {c}-{k}",
                    "scope": "范围",
                    "planned_number": "",
                    "main_capacity": 3,
                }
            )
            requirements.append(
                {
                    "id": (c - 1) * 4 + k + 1,
                    "call_id": c,
                    "position": k,
                    "text": f"要求{k}：具备一定技术能力和实力",
                    "mandatory": k < 3,
                    "evidence": ["both", "statement", "statement", "file"][k],
                    "weight": k + 1,
                    "applies_to_all": True,
                }
            )
    s.execute(insert(Call), calls)
    s.execute(insert(CallStandard), standards)
    s.execute(insert(Requirement), requirements)
    s.execute(
        insert(ReviewerAssignment),
        [{"call_id": c, "user_id": n_orgs + 2, "created_at": now} for c in range(1, n_calls + 1)],
    )
    apps, app_stds, answers, files, assessments = [], [], [], [], []
    aid = 0
    for c in range(1, n_calls + 1):
        for j in range(per_call):
            aid += 1
            if aid > n_apps:
                break
            org = (c * 7 + j) % n_orgs + 1
            state = "draft" if j % 10 == 0 else ("under_review" if j % 3 == 0 else "submitted")
            apps.append(
                {
                    "id": aid,
                    "call_id": c,
                    "organization_id": org,
                    "state": state,
                    "contact_name": "联系人",
                    "contact_phone": "",
                    "contact_email": "",
                    "return_message": "",
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": None if state == "draft" else now,
                    "decided_at": None,
                }
            )
            base = (c - 1) * 4
            app_stds.append(
                {
                    "application_id": aid,
                    "standard_id": base + 1 + j % 4,
                    "role": "main" if j % 2 else "participating",
                }
            )
            if j % 3 == 0:
                app_stds.append(
                    {
                        "application_id": aid,
                        "standard_id": base + 1 + (j + 1) % 4,
                        "role": "participating",
                    }
                )
            for k in range(4):
                answers.append(
                    {
                        "application_id": aid,
                        "requirement_id": base + k + 1,
                        "statement": f"说明{k}：本单位具备相应能力。" * 3,
                        "version": 1,
                        "updated_at": now,
                        "updated_by_id": org,
                    }
                )
            files.append(
                {
                    "application_id": aid,
                    "requirement_id": base + 1,
                    "filename": "营业执照.pdf",
                    "sha256": sha,
                    "content_type": "application/pdf",
                    "size": 15,
                    "uploaded_by_id": org,
                    "created_at": now,
                }
            )
            if state == "under_review":
                assessments.append(
                    {
                        "application_id": aid,
                        "requirement_id": base + 1,
                        "reviewer_id": n_orgs + 2,
                        "rating": "met",
                        "reason": "",
                        "score": 7,
                        "updated_at": now,
                    }
                )
    for table, rows in (
        (Application, apps),
        (ApplicationStandard, app_stds),
        (Answer, answers),
        (Attachment, files),
        (Assessment, assessments),
    ):
        for i in range(0, len(rows), 5000):
            s.execute(insert(table), rows[i : i + 5000])
    s.commit()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        for table in (
            "organization",
            "user",
            "call",
            "call_standard",
            "requirement",
            "application",
        ):
            s.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
                )
            )
        # Statistics, as a production database has them (autovacuum would
        # analyse later; without them the planner guesses and pages measure
        # about a fifth slower).
        s.execute(text("ANALYZE"))
        s.commit()
    middle_call = n_calls // 2
    review_app = next(
        a["id"] for a in apps if a["call_id"] == middle_call and a["state"] != "draft"
    )
    return {
        "call": middle_call,
        "application": review_app,
        "applications": len(apps),
        "answers": len(answers),
    }


class Server(threading.Thread):
    def __init__(self, app):
        super().__init__(daemon=True)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port

    def run(self):
        self.server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100, help="requests per page")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="drafting-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    app = build_app(url, tmp)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("drafting").setLevel(logging.WARNING)
    started = time.perf_counter()
    with app.app_context():
        upgrade(revision="heads")
        ids = load(app, args.calls, args.applications)
        engine = db.engine
    print(
        f"loaded {args.calls} calls, {ids['applications']} applications, {ids['answers']} answers "
        f"into {url.split('@')[-1]} in {time.perf_counter() - started:.1f} s"
    )

    counter = {"n": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_a):
        counter["n"] += 1

    server = Server(app)
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urllib.parse.urlencode(
        {"email": "sec@bench.example", "password": "bench-password-123"}
    ).encode()
    opener.open(base + "/login", data=form).read()

    # The secretariat's session, and an anonymous reader's (cookies of its own).
    anonymous = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    pages = [
        ("hello world", "/_bench/hello", opener),
        ("call list", "/calls/", opener),
        ("public call page", f"/calls/{ids['call']}", opener),
        ("  anonymous", f"/calls/{ids['call']}", anonymous),
        ("dashboard", f"/review/calls/{ids['call']}", opener),
        ("review page", f"/review/applications/{ids['application']}", opener),
    ]
    queries = {}
    for name, path, client in pages:
        for _ in range(5):  # warm up
            client.open(base + path).read()
        counter["n"] = 0
        client.open(base + path).read()
        queries[name] = counter["n"]
    # Round robin: one request of each page in turn, so that a burst of load
    # from elsewhere on the machine slows every page alike, the hello world too.
    times = {name: [] for name, _path, _client in pages}
    for _ in range(args.requests):
        for name, path, client in pages:
            t0 = time.perf_counter()
            with client.open(base + path) as response:
                response.read()
                assert response.status == 200, (path, response.status)
            times[name].append((time.perf_counter() - t0) * 1000)
    results = {}
    for name, samples in times.items():
        samples.sort()
        results[name] = (
            statistics.median(samples),
            samples[int(0.95 * (len(samples) - 1))],
            queries[name],
        )
    hello50, hello95, _ = results["hello world"]
    print(
        f"\n{'page':<18}{'p50 ms':>9}{'p95 ms':>9}{'p50 ×hello':>12}{'p95 ×hello':>12}{'queries':>9}"
    )
    for name, (p50, p95, q) in results.items():
        print(f"{name:<18}{p50:>9.1f}{p95:>9.1f}{p50 / hello50:>12.1f}{p95 / hello95:>12.1f}{q:>9}")
    server.server.shutdown()


if __name__ == "__main__":
    main()

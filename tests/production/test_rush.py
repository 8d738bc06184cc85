"""Deadline rush against a real gunicorn server (2 workers × 4 threads) on
the suite's backend: 50 applicants saving, uploading and submitting at once
(several users of one organization racing on the same answers), while 8
editors save one document. No response is a 500, every refusal is a clear
409/422, and the database afterwards holds every accepted write."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from drafting.config import normalise_database_url
from tests.support import databases, server
from tests.support.apiclient import SessionApi, is_clear_refusal, multipart, pdf_bytes
from tests.support.http import Browserish

SHARED_ORGS, USERS_PER_SHARED_ORG, SOLO_ORGS, EDITORS = 10, 3, 20, 8  # 30 + 20 = 50 applicants
MAX_ATTEMPTS = 4


@pytest.fixture(scope="module")
def rush(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rush")
    url, env = server.prepare_database(tmp, "rush")
    seeded = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.rush_seed",
            str(SHARED_ORGS),
            str(USERS_PER_SHARED_ORG),
            str(SOLO_ORGS),
            str(EDITORS),
        ],
        cwd=server.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    setup = json.loads(seeded.stdout.strip().splitlines()[-1])
    srv = server.Server(env, tmp / "server.log", gunicorn=True)
    yield srv, setup, url, Path(env["UPLOAD_DIR"])
    srv.stop()
    databases.drop_database(url)


class Log:
    """Every response of the run, with what it was for."""

    def __init__(self):
        self.lock = threading.Lock()
        self.responses: list[tuple[str, object]] = []

    def add(self, what: str, response):
        with self.lock:
            self.responses.append((what, response))
        return response


def _applicant(srv, setup, org: dict, email: str, log: Log, barrier: threading.Barrier) -> dict:
    """One applicant's rush: start, choose a standard, answer, upload, submit.

    Users of a shared organization use the JSON API with versions (and retry
    a stale save from the fresh version, as the page would); a solo
    organization's user uses the web forms."""
    accepted = {"answers": [], "attachments": [], "submitted": False, "form_answers": {}}
    client = Browserish()
    barrier.wait(timeout=60)
    assert log.add("login", client.login(srv.base, email, setup["password"])).status == 302
    api = SessionApi(client, srv.base)
    r = log.add("start", api.call("POST", "/applications", {"call_id": setup["call_id"]}))
    # 201 for whoever starts it; 200 with the same application for a colleague
    # who asks a moment later (one application per organization and call).
    assert r.status in (200, 201), (r.status, r.text[:300])
    app_id = r.json()["id"]
    accepted["application"] = app_id
    statement_reqs = [q["id"] for q in setup["requirements"] if q["needs_statement"]]
    file_req = next(q["id"] for q in setup["requirements"] if q["needs_file"] and q["mandatory"])
    first_standard = setup["standards"][0]

    if not org["shared"]:
        page = f"{srv.base}/applications/{app_id}"
        form = {f"standard-{first_standard}": "main"}
        for rid in statement_reqs:
            form[f"answer-{rid}"] = f"{email} 对要求{rid}的说明：本单位具备相应能力。"
            form[f"version-{rid}"] = "0"
        r = log.add("form save", client.post_form(page, form))
        if r.status == 302:
            accepted["form_answers"] = {rid: form[f"answer-{rid}"] for rid in statement_reqs}
        content = pdf_bytes(email)
        body, ctype = multipart(
            {"requirement_id": file_req, "csrf_token": client.csrf_token(page)},
            "file",
            "营业执照.pdf",
            content,
            "application/pdf",
        )
        r = log.add(
            "form upload",
            client.request("POST", page + "/files", body=body, headers={"Content-Type": ctype}),
        )
        if r.status == 302:
            accepted["attachments"].append(("营业执照.pdf", content))
        r = log.add("form submit", client.post_form(page + "/submit", {}, token_page=page))
        accepted["submitted"] = r.status == 302
        return accepted

    r = log.add(
        "patch",
        api.call(
            "PATCH",
            f"/applications/{app_id}",
            {"standards": [{"standard_id": first_standard, "role": "main"}]},
        ),
    )
    for rid in statement_reqs:
        for attempt in range(MAX_ATTEMPTS):
            current = log.add("read", api.call("GET", f"/applications/{app_id}"))
            assert current.status == 200, current.status
            version = next(
                (a["version"] for a in current.json()["answers"] if a["requirement_id"] == rid), 0
            )
            statement = f"{email} 第{attempt + 1}次保存要求{rid}：本单位具备相应技术能力。"
            r = log.add(
                "answer",
                api.call(
                    "PUT",
                    f"/applications/{app_id}/answers",
                    {"requirement_id": rid, "statement": statement, "version": version},
                ),
            )
            if r.status == 200:
                accepted["answers"].append((app_id, rid, r.json()["version"], statement))
                break
            if r.status != 409 or r.json().get("error") != "stale_answer":
                break  # e.g. a colleague submitted meanwhile: refused, nothing to retry
    content = pdf_bytes(email)
    r = log.add(
        "upload",
        api.upload(
            f"/applications/{app_id}/attachments",
            {"requirement_id": file_req},
            "资质证书.pdf",
            content,
            "application/pdf",
        ),
    )
    if r.status == 201:
        accepted["attachments"].append(("资质证书.pdf", content))
    r = log.add("submit", api.call("POST", f"/applications/{app_id}/submit"))
    accepted["submitted"] = r.status == 200
    return accepted


def _editor(srv, setup, email: str, index: int, log: Log, barrier: threading.Barrier) -> dict:
    """Append a sentence to one paragraph (a different one per editor), all
    from the same base revision; after a 409 re-apply on the new head."""
    client = Browserish()
    assert log.add("login", client.login(srv.base, email, setup["password"])).status == 302
    api = SessionApi(client, srv.base)
    doc = setup["document_id"]
    marker = f"（编辑{index}于截止日补充RUSH{index}。）"
    done = {"marker": marker, "revisions": []}
    head_id = api.call("GET", f"/documents/{doc}").json()["head_revision_id"]
    base_text = api.call("GET", f"/documents/{doc}/revisions/{head_id}").json()["text"]
    barrier.wait(timeout=60)
    for _attempt in range(MAX_ATTEMPTS):
        lines = base_text.split("\n")
        sentences = [
            i for i, line in enumerate(lines) if line.endswith("。") and not line.startswith("#")
        ]
        target = sentences[::2][
            index
        ]  # every other paragraph, so edits never touch neighbouring lines
        lines[target] += marker
        r = log.add(
            "revision",
            api.call(
                "POST",
                f"/documents/{doc}/revisions",
                {
                    "text": "\n".join(lines),
                    "base_revision_id": head_id,
                    "message": f"rush edit {index}",
                },
            ),
        )
        if r.status == 201:
            done["revisions"].append(r.json()["revision"]["id"])
            break
        if r.status != 409:
            break
        head_id = api.call("GET", f"/documents/{doc}").json()["head_revision_id"]
        base_text = api.call("GET", f"/documents/{doc}/revisions/{head_id}").json()["text"]
    return done


def test_deadline_rush_loses_no_write_and_never_fails(rush):
    srv, setup, url, upload_dir = rush
    log = Log()
    applicants = [(org, email) for org in setup["organizations"] for email in org["emails"]]
    assert len(applicants) == 50
    start = threading.Barrier(len(applicants) + EDITORS)
    with ThreadPoolExecutor(max_workers=len(applicants) + EDITORS) as pool:
        app_futures = [
            pool.submit(_applicant, srv, setup, org, email, log, start) for org, email in applicants
        ]
        editor_futures = [
            pool.submit(_editor, srv, setup, email, k, log, start)
            for k, email in enumerate(setup["editors"])
        ]
        results = [f.result(timeout=120) for f in app_futures]
        edits = [f.result(timeout=120) for f in editor_futures]

    # --- every response: no 500, every refusal clear -------------------------
    statuses = defaultdict(list)
    for what, r in log.responses:
        statuses[what].append(r.status)
    assert not [(w, r.status, r.text[:500]) for w, r in log.responses if r.status >= 500], (
        "server errors"
    )
    unexpected = [
        (w, r.status, r.text[:300])
        for w, r in log.responses
        if r.status >= 400 and not is_clear_refusal(r)
    ]
    assert not unexpected, unexpected
    assert all(
        s in (200, 201, 302)
        for w, r in log.responses
        if w in ("login", "start", "read")
        for s in [r.status]
    )

    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            answers = {
                (a, q): (v, s)
                for a, q, v, s in conn.execute(
                    text("SELECT application_id, requirement_id, version, statement FROM answer")
                )
            }
            attachments = {
                (a, n, sha)
                for a, n, sha in conn.execute(
                    text("SELECT application_id, filename, sha256 FROM attachment")
                )
            }
            states = dict(conn.execute(text("SELECT id, state FROM application")).all())
            # colleagues who started at once share one application
            per_org = conn.execute(
                text("SELECT organization_id, count(*) FROM application GROUP BY organization_id")
            ).all()
            assert per_org and all(n == 1 for _org, n in per_org), per_org
            submitted_at = dict(
                conn.execute(text("SELECT id, submitted_at FROM application")).all()
            )
            late_answers = conn.execute(
                text(
                    "SELECT count(*) FROM answer JOIN application ON application.id = answer.application_id "
                    "WHERE application.submitted_at IS NOT NULL AND answer.updated_at > application.submitted_at"
                )
            ).scalar_one()
            late_files = conn.execute(
                text(
                    "SELECT count(*) FROM attachment JOIN application ON application.id = attachment.application_id "
                    "WHERE application.submitted_at IS NOT NULL AND attachment.created_at > application.submitted_at"
                )
            ).scalar_one()
            submit_audits = defaultdict(int)
            for (object_id,) in conn.execute(
                text("SELECT object_id FROM audit_entry WHERE action = 'application.submitted'")
            ):
                submit_audits[object_id] += 1
            revisions = conn.execute(
                text(
                    "SELECT id, number, parent_id FROM revision WHERE document_id = :d ORDER BY number"
                ),
                {"d": setup["document_id"]},
            ).all()
            head_text = conn.execute(
                text(
                    "SELECT revision.text FROM standard_document JOIN revision "
                    "ON revision.id = standard_document.head_revision_id WHERE standard_document.id = :d"
                ),
                {"d": setup["document_id"]},
            ).scalar_one()
    finally:
        engine.dispose()

    # --- answers: a chain of versions, the last accepted one is stored --------
    by_answer = defaultdict(list)
    for result in results:
        for app_id, rid, version, statement in result["answers"]:
            by_answer[(app_id, rid)].append((version, statement))
        for rid, statement in result["form_answers"].items():
            assert answers[(result["application"], rid)][1] == statement
    for key, saves in by_answer.items():
        versions = [v for v, _s in saves]
        # Two accepted saves claiming one version would mean one overwrote the other unseen.
        assert len(set(versions)) == len(versions), (key, saves)
        assert answers[key] == max(saves), (key, answers[key], saves)

    # --- evidence files: every accepted upload has its row and its blob ------
    for result in results:
        for name, content in result["attachments"]:
            sha = hashlib.sha256(content).hexdigest()
            assert (result["application"], name, sha) in attachments
            assert (upload_dir / sha[:2] / sha).read_bytes() == content

    # --- submissions: each accepted submit is stored, once, and final --------
    per_application = defaultdict(int)
    for result in results:
        per_application[result["application"]] += result["submitted"]
    assert len(per_application) == SHARED_ORGS + SOLO_ORGS
    for app_id, n in per_application.items():
        assert n == 1, f"application {app_id} was accepted as submitted {n} times"
        assert states[app_id] == "submitted" and submitted_at[app_id] is not None
        assert submit_audits[app_id] == 1
    assert late_answers == 0 and late_files == 0, "an application changed after it was submitted"

    # --- the document: every 201 revision exists, the head holds every edit --
    numbers = [n for _id, n, _p in revisions]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    ids = {rid for rid, _n, _p in revisions}
    for edit in edits:
        for revision_id in edit["revisions"]:
            assert revision_id in ids
        if edit["revisions"]:
            assert edit["marker"] in head_text, edit["marker"]
    assert statuses["revision"].count(201) >= 1
    assert set(statuses["revision"]) <= {201, 409}

"""JSON API calls and multipart uploads with a logged-in `Browserish` session,
plus finding and killing a gunicorn master's workers (production tests)."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from pathlib import Path

from tests.support.http import Browserish, Response


class SessionApi:
    """The JSON API as the browser's own scripts call it: session cookie + X-CSRFToken."""

    def __init__(self, client: Browserish, base: str):
        self.client = client
        self.base = base
        self.token = client.csrf_token(base + "/account")

    def call(self, method: str, path: str, data: dict | None = None) -> Response:
        headers = {"X-CSRFToken": self.token, "Accept": "application/json"}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        return self.client.request(method, self.base + "/api/v1" + path, headers=headers, body=body)

    def upload(
        self, path: str, fields: dict, filename: str, content: bytes, content_type: str
    ) -> Response:
        body, ctype = multipart(fields, "file", filename, content, content_type)
        return self.client.request(
            "POST",
            self.base + "/api/v1" + path,
            body=body,
            headers={"X-CSRFToken": self.token, "Content-Type": ctype},
        )


def multipart(
    fields: dict, file_field: str, filename: str, content: bytes, content_type: str
) -> tuple[bytes, str]:
    boundary = "----rush" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def pdf_bytes(marker: str, size: int = 0) -> bytes:
    """A small PDF-looking file (the upload check sniffs the magic bytes), unique per marker."""
    head = b"%PDF-1.4\n% " + marker.encode() + b"\n"
    padding = b"0" * max(0, size - len(head) - 6)
    return head + padding + b"%%EOF\n"


def is_clear_refusal(response: Response) -> bool:
    """A 409/422 that says what went wrong: a JSON message, or a page with one."""
    if response.status not in (409, 422):
        return False
    ctype = response.headers.get("Content-Type", "")
    if ctype.startswith("application/json"):
        body = response.json()
        return bool(body.get("error")) and bool(str(body.get("message", "")).strip())
    return (
        ctype.startswith("text/html")
        and "Traceback" not in response.text
        and ('class="flash' in response.text or "error" in response.text.lower())
    )


# --- gunicorn workers -------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may contain spaces, so split after ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return sorted(found)


def kill_workers(master_pid: int) -> list[int]:
    """SIGKILL every worker of a gunicorn master (as the OOM killer would)."""
    workers = children_of(master_pid)
    assert workers, "the gunicorn master has no workers"
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    return workers


def wait_for_new_workers(
    master_pid: int, old: list[int], count: int, timeout: float = 30
) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = [p for p in children_of(master_pid) if p not in old]
        if len(current) >= count:
            return current
        time.sleep(0.1)
    raise AssertionError("gunicorn did not replace its killed workers")

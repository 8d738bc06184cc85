"""A tiny HTTP client with cookies and CSRF handling, for tests against real servers."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    text: str
    headers: dict

    def json(self):
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browserish:
    """Keeps cookies; can be pointed at several servers sharing a cookie (same host)."""

    def __init__(self, jar: http.cookiejar.CookieJar | None = None):
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self,
        method: str,
        url: str,
        data: dict | None = None,
        headers: dict | None = None,
        body: bytes | None = None,
    ) -> Response:
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        req = urllib.request.Request(
            url, data=body, method=method, headers={"Accept-Language": "en", **(headers or {})}
        )
        try:
            with self.opener.open(req, timeout=30) as resp:
                return Response(resp.status, resp.read().decode(), dict(resp.headers))
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode(errors="replace"), dict(exc.headers))

    def get(self, url: str, **kw) -> Response:
        return self.request("GET", url, **kw)

    def csrf_token(self, page_url: str) -> str:
        page = self.get(page_url).text
        match = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert match, "no CSRF token on " + page_url
        return match.group(1)

    def post_form(self, url: str, data: dict, token_page: str | None = None) -> Response:
        token = self.csrf_token(token_page or url)
        return self.request("POST", url, data={**data, "csrf_token": token})

    def login(self, base: str, email: str, password: str) -> Response:
        return self.post_form(base + "/login", {"email": email, "password": password})

"""Structured logs with a request id."""

from __future__ import annotations

import json
import logging
import secrets
import time

from flask import Flask, g, has_request_context, request


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if isinstance(getattr(record, "mail", None), dict):
            entry["mail"] = record.mail  # a mail printed instead of sent, decoded
        if record.exc_info:
            entry["stack"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config.get("LOG_FORMAT", "") == "json" or not app.debug:
        handler.setFormatter(JsonFormatter())
    root = logging.getLogger("drafting")
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    app.logger.handlers = [handler]

    @app.before_request
    def _request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming[:64] if incoming.isalnum() else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    request_log = logging.getLogger("drafting.request")

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        # One JSON line per request carrying its id, so a user's report ("it
        # failed, request id …") leads to this line and any error logged with it.
        started = g.get("request_started")
        request_log.info(
            "%s %s %d %.1f ms",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000 if started else 0.0,
        )
        return response

"""Build the OpenAPI 3.1 document from the registered API routes."""

from __future__ import annotations

import re

from flask import Flask

from drafting.api.validation import body_schema, query_parameters
from drafting.core.requests import MAX_ID

_PARAM = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "description": "422: the messages for each invalid field",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}

_STATUS_TEXT = {
    400: "Malformed request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Too large",
    415: "Not JSON",
    422: "Invalid data",
}


def _path_and_params(rule: str) -> tuple[str, list[dict]]:
    params = []
    for m in _PARAM.finditer(rule):
        schema = (
            {"type": "integer", "minimum": 0, "maximum": MAX_ID}
            if m.group("conv") == "int"
            else {"type": "string"}
        )
        params.append({"name": m.group("name"), "in": "path", "required": True, "schema": schema})
    return _PARAM.sub(lambda m: "{" + m.group("name") + "}", rule), params


def _success(doc: dict) -> dict:
    if doc["success_status"] == 204:
        return {"description": "Done (no content)"}
    types = doc["response_content_type"]
    schema = doc["response_schema"] or {"type": "object"}
    return {
        "description": "Success",
        "content": {t: {"schema": schema} for t in ((types,) if isinstance(types, str) else types)},
    }


def _other_response(spec: dict) -> dict:
    response = {
        "description": spec["description"],
        "content": {spec.get("content_type", "application/json"): {"schema": spec["schema"]}},
    }
    if spec.get("headers"):
        response["headers"] = spec["headers"]
    return response


def api_rules(app: Flask):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.static":
            yield rule


def build_openapi(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    components: dict[str, dict] = {"Error": _ERROR_SCHEMA}
    for rule in sorted(api_rules(app), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, "_openapi", None)
        if doc is None:
            continue
        path, params = _path_and_params(rule.rule)
        if doc.get("query") is not None:
            params = params + query_parameters(doc["query"], components)
        request_schema = doc["request_schema"]
        if doc.get("body") is not None:
            request_schema = body_schema(doc["body"], components)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op: dict = {
                "operationId": f"{rule.endpoint.removeprefix('api.')}_{method.lower()}",
                "summary": doc["summary"],
                "tags": doc["tags"],
                "parameters": params,
                "responses": {str(doc["success_status"]): _success(doc)},
            }
            if request_schema and method in {"POST", "PUT", "PATCH"}:
                op["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": request_schema}},
                }
            for status in doc.get("extra_success", ()):
                op["responses"][str(status)] = _success(doc)
            for status, spec in doc.get("responses", {}).items():
                op["responses"][str(status)] = _other_response(spec)
            for status in doc["errors"]:
                op["responses"][str(status)] = {
                    "description": _STATUS_TEXT.get(status, "Error"),
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            if not doc["auth"]:
                op["security"] = []
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "drafting API",
            "version": "1",
            "description": "Calls for drafting units, applications, reviews and standard documents. "
            "Authenticate with the session cookie (send the X-CSRFToken header on writes) "
            "or a personal API token: `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": components,
        },
        "paths": paths,
    }

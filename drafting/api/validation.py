"""One validation layer for the API: request models that check and document.

Every JSON body and query string of `/api/v1/` is described by a pydantic
model given to `@api_route(body=..., query=...)`. The same model validates
the request (`api_body()`, `api_query()` inside the view, after the view has
authorized the caller) and generates the request schema of the OpenAPI
document, so the documentation and the checks cannot drift apart.

The raw JSON is parsed by `core.requests.parse_json_object`, not by Flask,
so that what Python's decoder lets through never reaches a service:
`NaN`/`Infinity`, lone surrogates (they cannot be stored or encoded),
nesting too deep (a `RecursionError` otherwise) and bodies too large.
Field errors answer 422 `{"error", "message", "fields": {name: [msg]}}` with
messages in the user's language.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from flask import abort, current_app, request
from flask_babel import gettext as _
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from drafting.api.core import api_error
from drafting.core.requests import MAX_ID, NotValidUnicode, check_unicode, parse_json_object

MAX_INT = 2**31 - 1
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def _no_surrogates(value: str) -> str:
    try:
        return check_unicode(value)
    except NotValidUnicode:
        raise PydanticCustomError("unicode", "not valid Unicode") from None


def _utc(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError("date_range", "out of range") from None
    if not EARLIEST <= value < LATEST:
        raise PydanticCustomError("date_range", "out of range")
    return value


def _sane_date(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise PydanticCustomError("date_range", "out of range")
    return value


Text = Annotated[str, Strict(), AfterValidator(_no_surrogates)]
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_INT)]
Flag = Annotated[bool, Strict()]
Time = Annotated[
    AwareDatetime,
    Field(description="ISO 8601 with a zone, e.g. 2026-12-31T17:00:00+08:00"),
    AfterValidator(_utc),
]
Day = Annotated[date, AfterValidator(_sane_date)]
# Query strings are text, so their integers are parsed from it (not strict).
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]


class Body(BaseModel):
    """A JSON request body. Unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, str_max_length=2_000_000)

    def given(self, name: str) -> bool:
        """Whether the client sent `name` (PATCH leaves the others alone)."""
        return name in self.model_fields_set


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


def time_json(value: datetime | None) -> str | None:
    """The one form of times in the API: UTC with its offset."""
    return None if value is None else value.astimezone(UTC).isoformat()


# --- errors in the user's language --------------------------------------------


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_type", "int_parsing", "int_from_float", "bool_type"):
        return _("Enter a whole number.") if kind != "bool_type" else _("Enter true or false.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("The number is out of range.")
    if kind in ("string_type",):
        return _("Enter text.")
    if kind in ("string_too_short",):
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        return _("This text is too long.")
    if kind in ("string_pattern_mismatch",):
        return _("This value does not have the expected form.")
    if kind in ("enum", "literal_error"):
        # pydantic says "'a', 'b' or 'c'" in English; list the values only.
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return _("Choose one of: %(choices)s.", choices=" / ".join(choices))
    if kind.startswith("datetime") or kind == "timezone_aware":
        return _("Enter an ISO 8601 time with a zone, e.g. 2026-12-31T17:00:00+08:00.")
    if kind.startswith("date"):
        if kind == "date_range":
            return _("This date is outside the years 2000 to 2199.")
        return _("Enter a date as YYYY-MM-DD.")
    if kind == "unicode":
        return _("This text is not valid Unicode.")
    if kind == "extra_forbidden":
        return _("This field cannot be changed here.")
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("This field has the wrong type.")
    if kind == "value_error" and "message" in ctx:
        return str(ctx["message"])
    return _("This value is not valid.")


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        # Union branches repeat the location with a type name; drop those parts.
        loc = [str(p) for p in error["loc"] if not (isinstance(p, str) and "[" in p)]
        name = ".".join(p for p in loc if p not in {"str", "int", "none"}) or "body"
        messages = fields.setdefault(name, [])
        text = _message(error)
        if text not in messages:
            messages.append(text)
    return fields


def invalid(fields: dict[str, list[str]]):
    return api_error(422, "invalid", _("Some fields are missing or invalid."), fields=fields)


def _validate(model: type[BaseModel], data: Any) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = field_errors(exc)
        # A model may say how a field's form is written (as the web form does).
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else ""
            hint = getattr(model, "form_hints", {}).get(name)
            if error["type"] == "string_pattern_mismatch" and hint:
                fields[name] = [str(hint)]
        abort(invalid(fields))


def _declared(kind: str) -> type[BaseModel]:
    view = current_app.view_functions[request.endpoint]
    model = view._openapi[kind]
    assert model is not None, f"{request.endpoint} declares no {kind} model"
    return model


def api_body() -> Any:
    """The JSON body, validated by the model the route declared (`body=`)."""
    return _validate(_declared("body"), parse_json_object())


def api_query() -> Any:
    """The query string, validated by the model the route declared (`query=`)."""
    args = {k: v for k, v in request.args.items()}
    return _validate(_declared("query"), args)


# --- OpenAPI -----------------------------------------------------------------


def body_schema(model: type[BaseModel], components: dict) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    return schema


def query_parameters(model: type[BaseModel], components: dict) -> list[dict]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    required = set(schema.get("required", ()))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            param["description"] = description
        params.append(param)
    return params

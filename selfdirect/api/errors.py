"""One error format for the whole API: 400 {"errors": [{"field": "...", "message": "..."}]}.

django-ninja's defaults answer invalid input with 422 and pydantic's own error dicts, and a body that is
not JSON with {"detail": "Cannot parse request body"}. Here:

- `SelfdirectAPI` turns pydantic's errors into `{"field", "message"}` pairs while it still knows the schema
  (`validation_error_from_error_contexts`): `field` is a path into the request's JSON such as
  `outcomes[1].code`, with pydantic's discriminated-union tags taken out; `message` says what to send
  instead, in words a developer (or the person they show it to) can act on.
- `JsonParser` refuses bodies that are not UTF-8 JSON (and NaN or Infinity) with a message that says where.
- `install_error_handlers(api)` answers ninja's ValidationError, parse errors and other HttpErrors, our
  `ApiError` (raised by endpoints for checks a schema cannot express) and over-large bodies in this format.

Field names: a path like `outcomes[1].unable_reasons[0]`; `body` for the request body as a whole; the
parameter name for query, path and header parameters; `""` for errors that are about no field (404).
"""

import json
import types
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

import pydantic
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError, ValidationErrorContext
from ninja.parser import Parser

from selfdirect.core.services import DomainError

BODY = "body"


class ErrorItem(Schema):
    field: str = pydantic.Field(
        description='Path to the field in the request, e.g. "outcomes[1].code"; "body" for the body as a whole'
    )
    message: str = pydantic.Field(description="What is wrong and what to send instead")


class ErrorResponse(Schema):
    """Every 4xx answer from the API."""

    errors: list[ErrorItem]


class ApiError(Exception):
    """Raised by an endpoint for invalid input a schema cannot express (e.g. an outcome listed twice)."""

    def __init__(self, errors: list[tuple[str, str]], status: int = 400, headers: dict[str, str] | None = None):
        self.errors = errors
        self.status = status
        self.headers = headers or {}
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))


class BodyParseError(ValueError):
    """The request body is not JSON; the message says why and where."""


class StrictRequest(pydantic.BaseModel):
    """Base for request schemas: no type coercion ("true" and 1 are not booleans), no unknown fields.

    Subclasses may set `error_noun` ("adults") so an unknown field reads "This field is not used for adults",
    and `error_messages` ({field: {pydantic error type: message}}) for messages specific to one field; a
    message may use {input} (the value sent, as JSON), {allowed} ("one of "a" or "b"") and pydantic's ctx.
    """

    model_config = pydantic.ConfigDict(strict=True, extra="forbid")

    error_noun: ClassVar[str] = ""
    error_messages: ClassVar[dict[str, dict[str, str]]] = {}


class JsonParser(Parser):
    """JSON bodies as RFC 8259 has them: UTF-8, no NaN or Infinity."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyParseError("The request body must be JSON encoded as UTF-8") from exc
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise BodyParseError(
                f"The request body is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): "
                "check for missing quotes, commas or brackets"
            ) from exc
        except RecursionError as exc:
            raise BodyParseError("The request body is nested too deeply") from exc


def _refuse_constant(name: str) -> Any:
    raise BodyParseError(f"The request body contains {name}, which JSON does not allow: send a number or null")


class SelfdirectAPI(NinjaAPI):
    """NinjaAPI whose validation errors are already in the API's {"field", "message"} format."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parser", JsonParser())
        super().__init__(*args, **kwargs)
        install_error_handlers(self)

    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        errors: list[dict[str, str]] = []
        for context in error_contexts:
            for error in context.pydantic_validation_error.errors(include_url=False):
                field, message = describe_error(context.model, error)
                item = {"field": field, "message": message}
                if item not in errors:
                    errors.append(item)
        return ValidationError(errors)


# --- from a pydantic error to (field, message) -------------------------------------------------------------


class _Place:
    """Where the walk along an error's location has got to."""

    def __init__(self, annotation: Any, discriminator: str | None = None):
        self.annotation = annotation
        self.discriminator = discriminator
        self.model: type[pydantic.BaseModel] | None = None  # the last model a field was looked up in
        self.field_name: str | None = None
        self.siblings: tuple[type, ...] = ()  # the other variants of the last discriminated union


def _unwrap(annotation: Any, discriminator: str | None) -> tuple[Any, str | None]:
    """Strip Annotated and Optional, keeping a discriminator declared in Annotated metadata."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            base, *metadata = get_args(annotation)
            for meta in metadata:
                found = getattr(meta, "discriminator", None)
                if isinstance(found, str):
                    discriminator = found
            annotation = base
            continue
        if origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) == 1:
                annotation = members[0]
                continue
        return annotation, discriminator


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)


def _variant_for(members: Sequence[Any], discriminator: str, tag: Any) -> Any:
    for member in members:
        member, _ = _unwrap(member, None)
        if _is_model(member) and discriminator in member.model_fields:
            allowed = get_args(_unwrap(member.model_fields[discriminator].annotation, None)[0])
            if tag in allowed:
                return member
    return None


def _walk(annotation: Any, discriminator: str | None, loc: Sequence[Any]) -> tuple[list[Any], _Place]:
    """Follow `loc` through the types, dropping discriminated-union tags; return the path and where it ended."""
    place = _Place(annotation, discriminator)
    path: list[Any] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        annotation, discriminator = _unwrap(place.annotation, place.discriminator)
        origin = get_origin(annotation)
        if discriminator and origin in (Union, types.UnionType):
            members = get_args(annotation)
            variant = _variant_for(members, discriminator, part)
            if variant is None:
                break
            place = _advance(place, variant, None)
            place.siblings = tuple(m for m in members if m is not variant)
            i += 1
            continue
        if _is_model(annotation):
            info = annotation.model_fields.get(part) if isinstance(part, str) else None
            place = _advance(place, info.annotation if info else Any, info.discriminator if info else None)
            place.model, place.field_name = annotation, part
        elif origin in (list, tuple, set, frozenset) and isinstance(part, int):
            args = get_args(annotation)
            place = _advance(place, args[0] if args else Any, None)
        elif origin is dict:
            args = get_args(annotation)
            place = _advance(place, args[1] if len(args) == 2 else Any, None)
        else:
            path.extend(loc[i:])
            return path, _advance(place, Any, None)
        path.append(part)
        i += 1
    place.annotation, place.discriminator = _unwrap(place.annotation, place.discriminator)
    return path, place


def _advance(place: _Place, annotation: Any, discriminator: str | None) -> _Place:
    new = _Place(annotation, discriminator if isinstance(discriminator, str) else None)
    new.model, new.field_name, new.siblings = place.model, place.field_name, place.siblings
    return new


def format_path(parts: Sequence[Any]) -> str:
    """["outcomes", 1, "code"] -> "outcomes[1].code"."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _quoted(values: Sequence[Any]) -> str:
    shown = [json.dumps(v) for v in values]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _expects(annotation: Any, discriminator: str | None) -> str:
    """What to send, in words: "true or false", "a list", "one of "a" or "b""..."""
    origin = get_origin(annotation)
    if annotation is bool:
        return "true or false"
    if origin is Literal:
        return f"one of {_quoted(get_args(annotation))}"
    if origin in (list, tuple, set, frozenset):
        return "a list"
    if discriminator:
        return f'an object with "{discriminator}"'
    if _is_model(annotation) or origin is dict:
        return "an object"
    if annotation is str:
        return "a string"
    if annotation is int:
        return "a whole number"
    return "a value"


def describe_error(model: type, error: dict[str, Any]) -> tuple[str, str]:
    """(field, message) for one pydantic error raised while ninja validated `model` (a ParamModel)."""
    source = getattr(model, "__ninja_param_source__", None) or BODY
    loc = (
        model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
        if hasattr(model, "__ninja_flatten_map_reverse__")
        else error["loc"]
    )
    single_body = source == BODY and getattr(model, "__read_from_single_attr__", None)
    if single_body and loc and loc[0] == single_body:
        info = model.model_fields[single_body]
        path, place = _walk(info.annotation, info.discriminator, loc[1:])
    else:
        path, place = _walk(model, None, loc)
    kind = error["type"]
    if kind in ("union_tag_invalid", "union_tag_not_found") and place.discriminator:
        path = [*path, place.discriminator]
    field = format_path(path) or BODY
    return field, _message(kind, error, place, at_root=not path)


def _message(kind: str, error: dict[str, Any], place: _Place, *, at_root: bool) -> str:
    ctx = error.get("ctx") or {}
    custom = getattr(place.model, "error_messages", {}).get(place.field_name or "", {})
    shown = _shown(error.get("input"))
    if kind in custom and not at_root:
        values = _Blank({**ctx, "input": shown, "allowed": _expects(place.annotation, None)})
        return custom[kind].format_map(values)
    expects = _expects(place.annotation, place.discriminator)
    if at_root and kind in ("missing", "model_attributes_type", "model_type", "dict_type"):
        return f"Send a JSON object in the request body ({expects})"
    if kind == "missing":
        return f"This field is required: give {expects}"
    if kind in ("bool_type", "bool_parsing"):
        return "Must be true or false (a JSON boolean, not a string or a number)"
    if kind in ("model_attributes_type", "model_type", "dict_type"):
        return f"Must be {expects}"
    if kind == "list_type":
        return "Must be a list (a JSON array)"
    if kind in ("string_type", "int_type", "int_parsing", "float_type"):
        return f"Must be {expects}"
    if kind == "literal_error":
        return f"{shown} is not allowed here: use {expects}"
    if kind == "union_tag_not_found":
        return f'Say which kind of request this is: "{place.discriminator}" must be {_tags(place)}'
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        shown = f'"{tag}"' if len(tag) <= 40 else "This value"
        return f'{shown} is not a kind this API knows: "{place.discriminator}" must be {_tags(place)}'
    if kind == "extra_forbidden":
        return _extra_message(place)
    if kind == "too_short":
        return f"Must have at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"Must have at most {ctx.get('max_length')} item(s)"
    return str(error.get("msg") or "This value is not valid")


class _Blank(dict):
    """format_map values where a name the message uses but the error lacks reads as "" (never a KeyError)."""

    def __missing__(self, key: str) -> str:
        return ""


def _shown(value: Any) -> str:
    """A scalar value sent, as JSON; "This value" for lists, objects and long strings."""
    if value is None or isinstance(value, str | int | float | bool):
        text = json.dumps(value)
        if len(text) <= 40:
            return text
    return "This value"


def _tags(place: _Place) -> str:
    annotation, discriminator = _unwrap(place.annotation, place.discriminator)
    tags: list[Any] = []
    for member in get_args(annotation):
        member, _ = _unwrap(member, None)
        if _is_model(member) and discriminator in member.model_fields:
            tags.extend(get_args(_unwrap(member.model_fields[discriminator].annotation, None)[0]))
    return _quoted(tags) if tags else "one of the documented values"


def _extra_message(place: _Place) -> str:
    model, name = place.model, place.field_name
    noun = getattr(model, "error_noun", "") if model is not None else ""
    used_elsewhere = any(_is_model(s) and name in s.model_fields for s in place.siblings)
    if noun and used_elsewhere:
        return f"This field is not used for {noun}: remove it"
    return "This field is not recognised: remove it (check the spelling)"


# --- handlers ----------------------------------------------------------------------------------------------


def error_response(api: NinjaAPI, request: HttpRequest, errors: list[dict[str, str]], status: int = 400):
    return api.create_response(request, {"errors": errors}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every client error in the API's format (replacing ninja's 422 and {"detail": ...})."""

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [e if set(e) == {"field", "message"} else _from_ninja_dict(e) for e in exc.errors]
        return error_response(api, request, errors)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        errors = [{"field": field, "message": message} for field, message in exc.errors]
        response = error_response(api, request, errors, exc.status)
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="selfdirect"'
        for name, value in exc.headers.items():
            response[name] = value
        return response

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        # A role without the right, or a restricted record: the message says which (as the pages do).
        message = str(exc) or "You may not see this"
        return error_response(api, request, [{"field": "", "message": message}], 403)

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(api, request, [{"field": exc.field or "", "message": exc.message}])

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, BodyParseError):
            return error_response(api, request, [{"field": BODY, "message": str(exc.__cause__)}])
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return error_response(api, request, [{"field": BODY, "message": "The request body is not valid JSON"}])
        return error_response(api, request, [{"field": "", "message": str(exc)}], exc.status_code)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, [{"field": "", "message": "Not found"}], 404)

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        message = "The request body is too large"
        return error_response(api, request, [{"field": BODY, "message": message}], 413)

    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(RequestDataTooBig, on_too_big)


def _from_ninja_dict(error: dict[str, Any]) -> dict[str, str]:
    """A ninja-style error dict (raised by hand somewhere) in our format, without schema knowledge."""
    loc = list(error.get("loc") or [])
    if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        loc = loc[1:]
    return {"field": format_path(loc) or BODY, "message": str(error.get("msg") or "This value is not valid")}


__all__ = [
    "ApiError",
    "BodyParseError",
    "ErrorItem",
    "ErrorResponse",
    "JsonParser",
    "SelfdirectAPI",
    "StrictRequest",
    "describe_error",
    "format_path",
    "install_error_handlers",
]

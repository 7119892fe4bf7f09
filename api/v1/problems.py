"""Errors as RFC 9457 problem details (`application/problem+json`).

A service's `ValidationError` becomes 400 with its messages (a stale fingerprint, code
"stale", 412); DRF's errors keep their status; field errors are listed under `errors`.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request too large",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object was changed by someone else: fetch it again."
    default_code = "stale"


def problem(status_code: int, detail: str, *, errors=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers)
    response.content_type = "application/problem+json"
    return response


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def from_validation_error(exc: ValidationError, field: str | None = None) -> Response:
    """A service's refusal: 412 when the row changed since it was read, else 400."""
    if getattr(exc, "code", None) == "stale" or any(
        getattr(e, "code", None) == "stale" for e in getattr(exc, "error_list", [exc])
    ):
        return problem(412, " ".join(exc.messages))
    errors = exc.message_dict if hasattr(exc, "error_dict") else None
    if errors is None and field:
        errors = {field: exc.messages}
    return problem(400, " ".join(exc.messages), errors=errors)


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        return from_validation_error(exc)
    if isinstance(exc, Http404):
        return problem(404, _("Not found."))
    response = drf_handler(exc, context)
    if response is None:
        return None
    headers = {
        k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")
    }
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = detail if isinstance(detail, dict) else {"non_field_errors": _flatten(detail)}
        return problem(400, " ".join(_flatten(detail)), errors=errors, headers=headers)
    text = detail.get("detail", "") if isinstance(detail, dict) else " ".join(_flatten(detail))
    return problem(response.status_code, str(text), headers=headers)

"""One JSON shape for every API error, and an OpenAPI schema that documents it for every operation.

    {"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["what is wrong"]}}
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The commitment has changed since you read it: fetch it again and use its new ETag in If-Match."


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = "Send the commitment's ETag in an If-Match header, so that no update is lost."


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(key): [str(m) for m in (value if isinstance(value, list) else [value])] if not isinstance(value, dict)
            else [f"{k}: {v}" for k, v in value.items()]
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = "Some of what was sent is not valid; see errors."
        errors = _field_errors(exc.detail)
        code = "invalid"
    else:
        detail = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else "Request refused."
        errors = {}
        code = getattr(exc, "default_code", "error")
        if hasattr(exc, "get_codes") and isinstance(exc.get_codes(), str):
            code = exc.get_codes()
    response.data = {"status": response.status_code, "code": code, "detail": detail, "errors": errors}
    return response


ERROR_DESCRIPTIONS = {
    "400": "The request is not valid: the body names each field at fault.",
    "401": "No valid credentials: sign in, or send `Authorization: Bearer <token>`.",
    "403": "Signed in, but your role does not allow this.",
    "404": "No such object (or not one you may see), or no such page of a list.",
    "412": "If-Match does not carry the commitment's current ETag: it changed meanwhile.",
    "428": "If-Match is missing.",
    "429": "Too many requests: wait and retry (see Retry-After).",
}


class AutoSchema(BaseAutoSchema):
    """drf-spectacular's schema, plus the error responses every operation can give, in the shape above."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # 404 also answers a list asked for a page beyond its last.
        codes = ["400", "401", "403", "404", "429"]
        codes += getattr(self.view, "extra_error_codes", {}).get(self.method, [])
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                responses[code]["description"] = ERROR_DESCRIPTIONS[code]
        return responses


def error_response(exc: exceptions.APIException) -> Response:
    """For views that answer an error themselves (with headers such as the ETag)."""
    return Response({"status": exc.status_code, "code": exc.default_code, "detail": str(exc.detail), "errors": {}},
                    status=exc.status_code)

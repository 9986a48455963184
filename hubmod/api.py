"""What every API view shares: the error format of API.md and the permission classes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hubmod.auth import HubPrincipal
from hubmod.errors import ApplicationError, Conflict, TooManyRequests


def exception_handler(exc, context):
    """Answer with `{"errors": {field: [...]}}` or `{"detail": ...}`, as API.md fixes."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": f"The request body is larger than {limit // 1024} KiB; send less."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ApplicationError):
        if exc.field_errors:
            return Response({"errors": exc.field_errors}, status=exc.status_code)
        body = {"detail": exc.message}
        if isinstance(exc, Conflict) and exc.state is not None:
            body["state"] = exc.state
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return Response({"errors": detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


def not_found(request, exception=None):
    """handler404: a path under /api/ that no route matches answers like any other API 404, in
    JSON as API.md fixes (an id must be digits, a segment non-empty); other paths get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "No API operation has this path; check it, and its ids, against /api/v1/schema/."},
            status=404,
        )
    return page_not_found(request, exception)


class IsHub(permissions.BasePermission):
    message = "This endpoint takes a hub integration key (Authorization: Bearer <key>)."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, HubPrincipal)


def require_perm(perm: str) -> type[permissions.BasePermission]:
    """A permission class granting staff who hold Django permission `perm`."""

    class HasPerm(permissions.BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perm(perm))

    HasPerm.__name__ = f"HasPerm[{perm}]"
    return HasPerm


# The largest id a body or query may name: no row has one past it, and SQLite cannot even be asked.
MAX_ID = 2**62


def id_field(**kwargs) -> serializers.IntegerField:
    """An id in a body or a query: a whole number from 1 to MAX_ID."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def validated(serializer_class: type, data, **context) -> dict:
    """Validate request data with `serializer_class`; a 400 with field errors otherwise."""
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data

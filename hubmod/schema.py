"""OpenAPI schema tuning: truthful names for nested serializers, the Bearer key scheme, and the
error answers every operation can give (API.md's `{"errors": ...}` or `{"detail": ...}`)."""

from __future__ import annotations

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import permissions, serializers

NESTED = ("InputSerializer", "OutputSerializer")
BODY_METHODS = ("POST", "PUT", "PATCH")


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, and what to do about it.")
    state = serializers.CharField(required=False, help_text="On a 409: the object's current state.")


class FieldErrorsSerializer(serializers.Serializer):
    # DRF's metaclass takes declared fields off the class, so this does not replace Serializer.errors.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text="Messages by field name: a list of messages, or for a nested object or list its own "
        "errors by field name or position.",
    )


BAD_REQUEST = PolymorphicProxySerializer(
    component_name="BadRequest",
    serializers=[FieldErrorsSerializer, ErrorDetailSerializer],
    resource_type_field_name=None,
)

_DESCRIPTIONS = {
    "400": "The request is malformed: field errors by name, or a detail saying what to fix.",
    "401": "The Bearer key is missing, malformed, unknown, revoked or expired.",
    "403": "The caller is not allowed to do this.",
    "404": "Nothing has this id, or no operation has this path.",
    "409": "The object is not in a state that allows this; `state` is its current state.",
    "410": "What was asked for existed but is no longer kept.",
    "413": "The request body is too large.",
    "415": "The request body is not in a media type this operation takes.",
    "429": "Too many requests; try again after Retry-After seconds.",
    "503": "hubmod cannot reach its database for the moment. Try again after Retry-After seconds; for a"
    " report or an appeal, send the same Idempotency-Key so that nothing is filed twice.",
}
RETRY_AFTER = {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}


def error(code: int, description: str | None = None) -> dict[int, OpenApiResponse]:
    """An error answer for `@extend_schema(responses={..., **error(409)})`."""
    key = str(code)
    body = BAD_REQUEST if key == "400" else ErrorDetailSerializer
    return {code: OpenApiResponse(body, description=description or _DESCRIPTIONS[key])}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    found: dict[int, OpenApiResponse] = {}
    for code in codes:
        found |= error(code)
    return found


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer, direction):
        """Name a view's nested Input/Output serializers after the view: CaseDecideInput."""
        parts = serializer.__class__.__qualname__.split(".")
        if len(parts) >= 2 and parts[-1] in NESTED:
            return parts[-2].removesuffix("Api") + parts[-1].removesuffix("Serializer")
        return super().get_serializer_name(serializer, direction)

    def _resolve_path_parameters(self, variables):
        """Say what the route itself matches: an `<int:...>` is digits only, a `<str:...>` one
        non-empty segment. Anything else is no route at all, not this operation's 404."""
        parameters = super()._resolve_path_parameters(variables)
        converters = {name: converter for converter, name in re.findall(r"<(\w+):(\w+)>", self.path_regex)}
        for parameter in parameters:
            converter = converters.get(parameter["name"])
            if converter == "int":
                parameter["schema"]["minimum"] = 0
            elif converter == "str":
                parameter["schema"]["pattern"] = r"^[^/]+$"
        return parameters

    def _get_response_bodies(self, direction="response"):
        """The documented answers, and the errors this operation can give whether or not its
        view names them: a key that fails (401), a role that may not (403), an id that names
        nothing (404), a body that does not parse or validate (400, 413, 415). A view names the
        others itself (`**error(409)`), and a 400 from its query parameters."""
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._implicit_error_codes():
            if str(code) not in responses:
                (answer,) = error(code).values()
                responses[str(code)] = self._get_response_for_code(answer, str(code), direction=direction)
        for code in ("429", "503"):
            if code in responses:
                responses[code].setdefault("headers", {})["Retry-After"] = RETRY_AFTER
        return responses

    def _implicit_error_codes(self) -> list[int]:
        codes = []
        takes_body = self.method in BODY_METHODS and self.get_request_serializer() is not None
        if takes_body:
            codes.append(400)
        if self.view.get_authenticators():
            codes.append(401)
        if not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            codes.append(403)
        if re.search(r"<\w+:\w+>", self.path_regex):
            codes.append(404)
        if takes_body:
            codes += [413, 415]
        codes.append(503)  # a database outage, from any operation (hubmod.server_errors)
        return codes


class BearerKeyScheme(OpenApiAuthenticationExtension):
    # The last of the Bearer key authenticators stands for the header (settings' AUTHENTICATION_WHITELIST).
    target_class = "hubmod.auth.UnknownBearerKey"
    name = "bearerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A hub integration key (create_hub_key) or a staff member's personal token (create_staff).",
        }

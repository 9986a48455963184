"""OpenAPI schema tuning: truthful names for nested serializers, and the Bearer key scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

NESTED = ("InputSerializer", "OutputSerializer")


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer, direction):
        """Name a view's nested Input/Output serializers after the view: CaseDecideInput."""
        parts = serializer.__class__.__qualname__.split(".")
        if len(parts) >= 2 and parts[-1] in NESTED:
            return parts[-2].removesuffix("Api") + parts[-1].removesuffix("Serializer")
        return super().get_serializer_name(serializer, direction)


class BearerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "hubmod.auth.BearerKeyAuthentication"
    name = "bearerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A hub integration key (create_hub_key) or a staff member's personal token (create_staff).",
        }

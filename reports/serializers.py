"""DRF validation of a category's details, built from reports.categories."""

from functools import cache
from typing import Any

from django_countries import countries
from rest_framework import serializers

from hubmod.api import id_field
from reports.categories import Category, DetailField
from reports.plain_input import plain_details

SHA256 = r"^[0-9a-fA-F]{64}$"


def _statement_must_be_true(value: bool) -> None:
    if value is not True:
        raise serializers.ValidationError("This statement is required: set it to true.")


def _drf_field(spec: DetailField) -> serializers.Field:
    common: dict[str, Any] = {"required": spec.required, "help_text": spec.help}
    if spec.type == "boolean":
        validators = [_statement_must_be_true] if spec.must_be_true else []
        return serializers.BooleanField(validators=validators, **common)
    if spec.type == "email":
        return serializers.EmailField(max_length=254, **common)
    if spec.type == "choice":
        return serializers.ChoiceField(choices=spec.choices, **common)
    if spec.type == "url":
        return serializers.URLField(max_length=spec.max_length, **common)
    if spec.type == "country":
        return serializers.ChoiceField(choices=list(countries), **common)
    if spec.type == "sha256":
        return serializers.RegexField(SHA256, error_messages={"invalid": "Use 64 hexadecimal digits."}, **common)
    if spec.type == "license_clause":
        return id_field(**common)
    return serializers.CharField(max_length=spec.max_length, allow_blank=not spec.required, **common)


@cache  # one class per category: built on every report, it cost more than validating with it
def details_serializer_class(category: Category) -> type[serializers.Serializer]:
    fields = {spec.name: _drf_field(spec) for spec in category.fields}
    return type(f"{category.key.title()}DetailsSerializer", (serializers.Serializer,), fields)


def details_validate(category: Category, data) -> dict:
    """Cleaned details, or a ValidationError keyed by field name; unknown keys are refused."""
    if (plain := plain_details(category, data)) is not None:
        return plain
    if not isinstance(data, dict):
        raise serializers.ValidationError(["Send the details as a JSON object."])
    unknown = sorted(set(data) - {spec.name for spec in category.fields})
    serializer = details_serializer_class(category)(data=data)
    valid = serializer.is_valid()
    errors = dict(serializer.errors) if not valid else {}
    for name in unknown[:20]:
        errors[name] = [f"'{category.key}' reports have no field '{name}'."]
    if errors:
        raise serializers.ValidationError(errors)
    return dict(serializer.validated_data)

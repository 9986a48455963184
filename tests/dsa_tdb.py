"""A validator of statements of reasons, written from the DSA Transparency Database's API
documentation (https://transparency.dsa.ec.europa.eu/page/api-documentation): required fields,
allowed values, and the fields each choice makes required."""

import re

DECISION_VISIBILITY = {
    "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
}  # fmt: skip
DECISION_MONETARY = {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
DECISION_PROVISION = {
    "DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION",
}  # fmt: skip
DECISION_ACCOUNT = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
DECISION_GROUND = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
CATEGORY = {
    "STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
    "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM", "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE",
}  # fmt: skip
CONTENT_TYPE = {
    "CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER",
}  # fmt: skip
SOURCE_TYPE = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
AUTOMATED_DECISION = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
EEA = set(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REQUIRED = ("decision_ground", "category", "content_type", "application_date", "source_type",
            "automated_detection", "automated_decision", "decision_facts", "puid", "content_date")  # fmt: skip


def problems(statement: dict) -> list[str]:
    found = [f"missing {name}" for name in REQUIRED if not statement.get(name)]
    restrictions = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
    if not any(statement.get(name) for name in restrictions):
        found.append("no restriction: one of decision_visibility/monetary/provision/account is required")

    def check(name, allowed, many=False):
        value = statement.get(name)
        if value is None:
            return
        values = value if many else [value]
        if many and not isinstance(value, list):
            found.append(f"{name} must be a list")
        found.extend(f"{name}: {v!r} is not allowed" for v in values if v not in allowed)

    check("decision_visibility", DECISION_VISIBILITY, many=True)
    check("decision_monetary", DECISION_MONETARY)
    check("decision_provision", DECISION_PROVISION)
    check("decision_account", DECISION_ACCOUNT)
    check("decision_ground", DECISION_GROUND)
    check("category", CATEGORY)
    check("content_type", CONTENT_TYPE, many=True)
    check("source_type", SOURCE_TYPE)
    check("automated_detection", {"Yes", "No"})
    check("automated_decision", AUTOMATED_DECISION)
    check("territorial_scope", EEA, many=True)
    if "DECISION_VISIBILITY_OTHER" in statement.get("decision_visibility", []) and not statement.get(
        "decision_visibility_other"
    ):
        found.append("decision_visibility_other is required with DECISION_VISIBILITY_OTHER")
    if "CONTENT_TYPE_OTHER" in statement.get("content_type", []) and not statement.get("content_type_other"):
        found.append("content_type_other is required with CONTENT_TYPE_OTHER")
    if statement.get("decision_ground") == "DECISION_GROUND_ILLEGAL_CONTENT":
        found += [
            f"missing {n}"
            for n in ("illegal_content_legal_ground", "illegal_content_explanation")
            if not statement.get(n)
        ]
    if statement.get("decision_ground") == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        found += [
            f"missing {n}"
            for n in ("incompatible_content_ground", "incompatible_content_explanation")
            if not statement.get(n)
        ]
        if statement.get("incompatible_content_illegal") not in (None, "Yes", "No"):
            found.append("incompatible_content_illegal must be Yes or No")
    for name in ("application_date", "content_date", "end_date_visibility_restriction", "end_date_account_restriction"):
        if statement.get(name) and not DATE.match(statement[name]):
            found.append(f"{name} must be YYYY-MM-DD")
    if len(statement.get("puid", "")) > 500:
        found.append("puid longer than 500 characters")
    return found

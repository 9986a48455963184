"""The DSA Transparency Database's statement API, as the database itself validates and answers it.

Ported rule by rule from github.com/digital-services-act/transparency-database at commit
69e80a0bc8eb3cbfbe8246e898194c3bdf490a4b (2026-06-24): the value lists from app/Models/Statement.php,
EuropeanCountriesService.php and EuropeanLanguagesService.php; the rules from
app/Http/Requests/StatementStoreRequest.php (single endpoint) and
app/Services/GroupedSubmissionsService.php::multi_rules (the batch endpoint, `POST /statements`);
the batch answers from app/Http/Controllers/Api/v1/StatementMultipleAPIController.php,
app/Services/PlatformUniqueIdService.php and app/Exceptions/PuidNotUniqueMultipleException.php; and
the request preprocessing of app/Http/Kernel.php (TrimStrings, then ConvertEmptyStringsToNull).

Laravel's validator semantics are ported with the rules: a rule other than a `required*` one is
skipped for an absent field and, with `nullable`, for a null one; `exclude*` drops a field before any
of its rules run; a failed `required*` rule stops that field's other rules. Messages are Laravel 12's
English ones; a client reads the keys, not the words.
"""

from __future__ import annotations

import calendar
import json
import re
import threading
import uuid
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMMIT = "69e80a0bc8eb3cbfbe8246e898194c3bdf490a4b"

# --- app/Models/Statement.php: the keys of each list ---------------------------------------------
DECISION_VISIBILITIES = (
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
DECISION_MONETARIES = (
    "DECISION_MONETARY_SUSPENSION",
    "DECISION_MONETARY_TERMINATION",
    "DECISION_MONETARY_OTHER",
)
DECISION_PROVISIONS = (
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
)
DECISION_ACCOUNTS = (
    "DECISION_ACCOUNT_SUSPENDED",
    "DECISION_ACCOUNT_TERMINATED",
)
ACCOUNT_TYPES = (
    "ACCOUNT_TYPE_BUSINESS",
    "ACCOUNT_TYPE_PRIVATE",
)
DECISION_GROUNDS = (
    "DECISION_GROUND_ILLEGAL_CONTENT",
    "DECISION_GROUND_INCOMPATIBLE_CONTENT",
)
CONTENT_TYPES = (
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
)
STATEMENT_CATEGORIES = (
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
)
SOURCE_TYPES = (
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
)
AUTOMATED_DECISIONS = (
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
)
KEYWORDS = (
    "KEYWORD_ADULT_SEXUAL_MATERIAL",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_ANIMAL_HARM",
    "KEYWORD_BIOMETRIC_DATA_BREACH",
    "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
    "KEYWORD_COORDINATED_HARM",
    "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT",
    "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_INCITEMENT",
    "KEYWORD_CYBER_STALKING",
    "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_DATA_FALSIFICATION",
    "KEYWORD_DEFAMATION",
    "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION",
    "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_HATE_SPEECH",
    "KEYWORD_HIDDEN_ADVERTISEMENT",
    "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING",
    "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
    "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS",
    "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN",
    "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
    "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_NUDITY",
    "KEYWORD_PATENT_INFRINGEMENT",
    "KEYWORD_PHISHING",
    "KEYWORD_PROHIBITED_PRODUCTS",
    "KEYWORD_PYRAMID_SCHEMES",
    "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
    "KEYWORD_RISK_PUBLIC_HEALTH",
    "KEYWORD_SELF_MUTILATION",
    "KEYWORD_STALKING",
    "KEYWORD_SUICIDE",
    "KEYWORD_TERRORIST_CONTENT",
    "KEYWORD_TRADE_SECRET_INFRINGEMENT",
    "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS",
    "KEYWORD_UNSAFE_CHALLENGES",
    "KEYWORD_UNSAFE_PRODUCTS",
    "KEYWORD_VIOLATION_EU_LAW",
    "KEYWORD_VIOLATION_NATIONAL_LAW",
    "KEYWORD_OTHER",
)
ALL_LANGUAGES = (
    "AB",
    "AA",
    "AF",
    "AK",
    "SQ",
    "AM",
    "AR",
    "AN",
    "HY",
    "AS",
    "AV",
    "AE",
    "AY",
    "AZ",
    "BM",
    "BA",
    "EU",
    "BE",
    "BN",
    "BH",
    "BI",
    "BS",
    "BR",
    "BG",
    "MY",
    "CA",
    "KM",
    "CH",
    "CE",
    "NY",
    "ZH",
    "CU",
    "CV",
    "KW",
    "CO",
    "CR",
    "HR",
    "CS",
    "DA",
    "DV",
    "NL",
    "DZ",
    "EN",
    "EO",
    "ET",
    "EE",
    "FO",
    "FJ",
    "FI",
    "FR",
    "FF",
    "GD",
    "GL",
    "LG",
    "KA",
    "DE",
    "KI",
    "EL",
    "KL",
    "GN",
    "GU",
    "HT",
    "HA",
    "HE",
    "HZ",
    "HI",
    "HO",
    "HU",
    "IS",
    "IO",
    "IG",
    "ID",
    "IA",
    "IE",
    "IU",
    "IK",
    "GA",
    "IT",
    "JA",
    "JV",
    "KN",
    "KR",
    "KS",
    "KK",
    "RW",
    "KV",
    "KG",
    "KO",
    "KJ",
    "KU",
    "KY",
    "LO",
    "LA",
    "LV",
    "LB",
    "LI",
    "LN",
    "LT",
    "LU",
    "MK",
    "MG",
    "MS",
    "ML",
    "MT",
    "GV",
    "MI",
    "MR",
    "MH",
    "RO",
    "MN",
    "NA",
    "NV",
    "ND",
    "NG",
    "NE",
    "SE",
    "NO",
    "NB",
    "NN",
    "II",
    "OC",
    "OJ",
    "OR",
    "OM",
    "OS",
    "PI",
    "PA",
    "PS",
    "FA",
    "PL",
    "PT",
    "QU",
    "RM",
    "RN",
    "RU",
    "SM",
    "SG",
    "SA",
    "SC",
    "SR",
    "SN",
    "SD",
    "SI",
    "SK",
    "SL",
    "SO",
    "ST",
    "NR",
    "ES",
    "SU",
    "SW",
    "SS",
    "SV",
    "TL",
    "TY",
    "TG",
    "TA",
    "TT",
    "TE",
    "TH",
    "BO",
    "TI",
    "TO",
    "TS",
    "TN",
    "TR",
    "TK",
    "TW",
    "UG",
    "UK",
    "UR",
    "UZ",
    "VE",
    "VI",
    "VO",
    "WA",
    "CY",
    "FY",
    "WO",
    "XH",
    "YI",
    "YO",
    "ZA",
    "ZU",
)
# --- app/Services/EuropeanCountriesService.php ----------------------------------------------------
EUROPEAN_COUNTRY_CODES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS",
    "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
AUTOMATED_DETECTIONS = ("Yes", "No")
INCOMPATIBLE_CONTENT_ILLEGALS = ("Yes", "No")
# The categories the database removed on 1 July 2025: a statement naming one is refused.
REMOVED_CATEGORIES = (
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
    "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
)

# --- the rules -----------------------------------------------------------------------------------
# Each field's rules in the order Laravel runs them: (rule, parameter). A rule written
# Rule::requiredIf(...) / Rule::excludeIf(...) in the PHP is resolved per statement (`required` or
# `exclude` when its condition holds, nothing when not), as Laravel does when it parses them.
IMPLICIT = {"required", "required_if", "required_without_all"}
RESTRICTIONS = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
END_DATES = (
    "end_date_account_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_visibility_restriction",
)
ILLEGAL, INCOMPATIBLE = "DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"


def _without_all(field: str) -> tuple[str, tuple[str, ...]]:
    return ("required_without_all", tuple(name for name in RESTRICTIONS if name != field))


def _when(condition: bool, rule: str) -> list[tuple]:
    return [(rule, None)] if condition else []


def rules(data: dict, *, endpoint: str = "multi") -> list[tuple[str, list[tuple]]]:
    """The rules of one statement; `endpoint` is "multi" (POST /statements) or "single" (POST /statement)."""
    if endpoint == "multi":
        # GroupedSubmissionsService::sanitizePayload: only a real list counts.
        visibility = data.get("decision_visibility") if isinstance(data.get("decision_visibility"), list) else []
        content_type = data.get("content_type") if isinstance(data.get("content_type"), list) else []
    else:
        # StatementStoreRequest: (array) of the value; a lone string counts as a list of one.
        visibility, content_type = _php_array(data.get("decision_visibility")), _php_array(data.get("content_type"))
    visibility_other = "DECISION_VISIBILITY_OTHER" in visibility
    content_type_other = "CONTENT_TYPE_OTHER" in content_type
    voluntary = "SOURCE_VOLUNTARY" in _php_array(data.get("source_type"))
    date_rules = lambda after: [("date_format", "Y-m-d"), ("after_or_equal", after), ("before_or_equal", "2038-01-01")]  # noqa: E731
    table = [
        ("content_id", [("array", None), ("nullable", None)]),
        ("content_id.EAN-13", [("string", None), ("regex", r"\A[0-9]{13}\Z")]),
        *([("content_id_ean", [("nullable", None), ("string", None), ("regex", r"\A[0-9]{13}\Z")])]
          if endpoint == "single" else []),
        ("decision_visibility", [("array", None), ("in_nullable", DECISION_VISIBILITIES),
                                 _without_all("decision_visibility"), ("nullable", None)]),
        ("decision_visibility_other", [("max", 500), *_when(visibility_other, "required"),
                                       *_when(not visibility_other, "exclude")]),
        ("decision_monetary", [("in_nullable", DECISION_MONETARIES), _without_all("decision_monetary"),
                               ("nullable", None)]),
        ("decision_monetary_other", [("required_if", ("decision_monetary", "DECISION_MONETARY_OTHER")),
                                     ("exclude_unless", ("decision_monetary", "DECISION_MONETARY_OTHER")),
                                     ("max", 500)]),
        ("decision_provision", [("in_nullable", DECISION_PROVISIONS), _without_all("decision_provision"),
                                ("nullable", None)]),
        ("decision_account", [("in_nullable", DECISION_ACCOUNTS), _without_all("decision_account"),
                              ("nullable", None)]),
        ("account_type", [("in_nullable", ACCOUNT_TYPES), ("nullable", None)]),
        ("category_specification", [("array", None), ("in_nullable", KEYWORDS), ("nullable", None)]),
        ("category_specification_other", [("max", 500)]),
        ("decision_ground", [("required", None), ("in", DECISION_GROUNDS)]),
        ("decision_ground_reference_url", [("url", None), ("nullable", None), ("max", 500)]),
        ("illegal_content_legal_ground", [("required_if", ("decision_ground", ILLEGAL)),
                                          ("exclude_unless", ("decision_ground", ILLEGAL)), ("max", 500)]),
        ("illegal_content_explanation", [("required_if", ("decision_ground", ILLEGAL)),
                                         ("exclude_unless", ("decision_ground", ILLEGAL)), ("max", 2000)]),
        ("incompatible_content_ground", [("required_if", ("decision_ground", INCOMPATIBLE)),
                                         ("exclude_unless", ("decision_ground", INCOMPATIBLE)), ("max", 500)]),
        ("incompatible_content_explanation", [("required_if", ("decision_ground", INCOMPATIBLE)),
                                              ("exclude_unless", ("decision_ground", INCOMPATIBLE)), ("max", 2000)]),
        ("incompatible_content_illegal", [("in", INCOMPATIBLE_CONTENT_ILLEGALS),
                                          ("exclude_unless", ("decision_ground", INCOMPATIBLE))]),
        ("content_type", [("array", None), ("required", None), ("in", CONTENT_TYPES)]),
        ("content_type_other", [("max", 500), *_when(content_type_other, "required"),
                                *_when(not content_type_other, "exclude")]),
        ("category", [("required", None), ("in", STATEMENT_CATEGORIES)]),
        ("category_addition", [("array", None), ("in", STATEMENT_CATEGORIES)]),
        ("territorial_scope", [("array", None), ("nullable", None), ("in", EUROPEAN_COUNTRY_CODES)]),
        ("content_language", [("in", ALL_LANGUAGES), ("nullable", None)]),
        ("content_date", [("required", None), *date_rules("2000-01-01")]),
        ("application_date", [("required", None), *date_rules("2020-01-01")]),
        *[(name, [("date_format", "Y-m-d"), ("nullable", None), ("before_or_equal", "2038-01-01")])
          for name in END_DATES],
        ("decision_facts", [("required", None), ("max", 5000)]),
        ("source_type", [("required", None), ("in", SOURCE_TYPES)]),
        ("source_identity", [("max", 500), ("nullable", None)] if endpoint == "multi"
         else [("max", 500), *_when(voluntary, "exclude")]),
        ("automated_detection", [("required", None), ("in", AUTOMATED_DETECTIONS)]),
        ("automated_decision", [("required", None), ("in", AUTOMATED_DECISIONS)]),
        ("puid", [("required", None), ("max", 500), ("regex", r"\A[a-zA-Z0-9_-]+\Z")]),
    ]  # fmt: skip
    return table


# --- the preprocessing: TrimStrings, then ConvertEmptyStringsToNull, on the whole request --------
# Laravel 12's Str::trim: whitespace (Unicode, as PHP's /u sets) and BOM, ZWSP, LRM at either end.
_TRIM = re.compile(r"^[\s\ufeff\u200b\u200e]+|[\s\ufeff\u200b\u200e]+$")


def preprocess(value):
    if isinstance(value, str):
        value = _TRIM.sub("", value)
        return None if value == "" else value
    if isinstance(value, dict):
        return {key: preprocess(item) for key, item in value.items()}
    if isinstance(value, list):
        return [preprocess(item) for item in value]
    return value


# --- Laravel's validator, for these rules --------------------------------------------------------
_MISSING = object()


def _get(data: dict, field: str):
    value = data
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _php_array(value) -> list:
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else [value]


def _php_str(value) -> str:
    """(string) $value for a scalar, as `in:` and `max:` compare and count it."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _filled(value) -> bool:
    """Laravel's `required`: not null, not a blank string, not an empty array."""
    if value is None or value is _MISSING:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def _label(field: str) -> str:
    return field.replace("_", " ")


_YMD = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})\Z")


def _strict_date(value) -> tuple[int, int, int] | None:
    """DateTime::createFromFormat('!Y-m-d', v) that formats back to v: a real calendar day."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None
    match = _YMD.match(_php_str(value))
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    # PHP knows year 0 (proleptic, a leap year); Python's date does not, so check the calendar here.
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = 29 if month == 2 and leap else calendar.monthrange(2001, month)[1] if 1 <= month <= 12 else 0
    return (year, month, day) if 1 <= day <= days else None


def _moment(value) -> int | None:
    """The day a date comparison sees, as an ordinal. With the strict format failing, Laravel's
    createFromFormat still lets a day or month overflow (2024-02-30 is 1 March); anything else goes
    to PHP's DateTime, which we take as ISO 8601 only."""
    match = _YMD.match(_php_str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if match:
        year, month, day = (int(part) for part in match.groups())
        year, month = year + (month - 1) // 12 if month else year - 1, (month - 1) % 12 + 1
        # Year 0 is PHP's (a leap year before year 1); Python's dates start at year 1.
        base = date(year, month, 1).toordinal() if year >= 1 else date(1, month, 1).toordinal() - 366
        return base + day - 1
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).date().toordinal()
    except ValueError:
        return None


_URL = re.compile(
    r"\A(?:aaa|aaas|about|acap|acct|ftp|ftps|git|http|https|irc|ircs|mailto|news|nntp|sftp|smb|ssh|svn|"
    r"tel|telnet|urn|ws|wss|xmpp)://[^\s/?#]+(?:[/?#]\S*)?\Z",
    re.IGNORECASE,
)


def _check(rule: str, param, value, data: dict, field: str, names: set[str]) -> str | None:
    """The message when `value` fails `rule`, None when it passes."""
    label = _label(field)
    if rule == "required":
        return None if _filled(value) else f"The {label} field is required."
    if rule == "required_if":
        other, wanted = param
        other_value = data.get(other)
        scalar = isinstance(other_value, (str, int, float)) and not isinstance(other_value, bool)
        if scalar and _php_str(other_value) == wanted and not _filled(value):
            return f"The {label} field is required when {_label(other)} is {wanted}."
        return None
    if rule == "required_without_all":
        if not any(_filled(data.get(other)) for other in param) and not _filled(value):
            others = " / ".join(_label(other) for other in param)
            return f"The {label} field is required when none of {others} are present."
        return None
    if rule == "array":
        return None if isinstance(value, (list, dict)) else f"The {label} field must be an array."
    if rule in ("in", "in_nullable"):
        allowed = set(param) | ({"null"} if rule == "in_nullable" else set())
        if isinstance(value, (list, dict)) and "array" in names:
            items = list(value.values()) if isinstance(value, dict) else value
            ok = all(not isinstance(item, (list, dict)) and _php_str(item) in allowed for item in items)
        else:
            ok = not isinstance(value, (list, dict)) and _php_str(value) in allowed
        return None if ok else f"The selected {label} is invalid."
    if rule == "max":
        if isinstance(value, (list, dict)):
            return None if len(value) <= param else f"The {label} field must not have more than {param} items."
        return (
            None if len(_php_str(value)) <= param else f"The {label} field must not be greater than {param} characters."
        )
    if rule == "string":
        return None if isinstance(value, str) else f"The {label} field must be a string."
    if rule == "regex":
        ok = isinstance(value, (str, int, float)) and not isinstance(value, bool) and re.match(param, _php_str(value))
        return None if ok else f"The {label} field format is invalid."
    if rule == "url":
        return None if isinstance(value, str) and _URL.match(value) else f"The {label} field must be a valid URL."
    if rule == "date_format":
        return None if _strict_date(value) else f"The {label} field must match the format {param}."
    if rule in ("after_or_equal", "before_or_equal"):
        moment, bound = _moment(value), _moment(param)
        if moment is not None and (moment >= bound if rule == "after_or_equal" else moment <= bound):
            return None
        word = "after" if rule == "after_or_equal" else "before"
        return f"The {label} field must be a date {word} or equal to {param}."
    raise AssertionError(f"no such rule {rule}")


def _excluded(field_rules: list[tuple], data: dict) -> bool:
    for rule, param in field_rules:
        if rule == "exclude":
            return True
        if rule == "exclude_unless":
            other, wanted = param
            other_value = data.get(other)
            if other_value is None or isinstance(other_value, (list, dict)) or _php_str(other_value) != wanted:
                return True
    return False


def errors(statement: dict, *, endpoint: str = "multi", removed: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """What the database answers about one statement: {field: [messages]}, empty when it takes it.
    `removed`: categories to take off its list, as it did on 1 July 2025 (a test of what a client
    does with a statement the database has started to refuse)."""
    data = preprocess(statement)
    found: dict[str, list[str]] = {}
    table = rules(data, endpoint=endpoint)
    if removed:
        narrowed = tuple(c for c in STATEMENT_CATEGORIES if c not in removed)
        table = [(f, [(r, narrowed if p == STATEMENT_CATEGORIES else p) for r, p in fr]) for f, fr in table]
    for field, field_rules in table:
        # An excluded field is dropped with anything said about it, whichever rule came first.
        if _excluded(field_rules, data):
            continue
        names = {rule for rule, _ in field_rules}
        value = _get(data, field)
        present = value is not _MISSING
        for rule, param in field_rules:
            if rule in ("nullable", "exclude_unless", "exclude"):
                continue
            implicit = rule in IMPLICIT
            if not implicit and (not present or (value is None and "nullable" in names)):
                continue
            message = _check(rule, param, None if value is _MISSING else value, data, field, names)
            if message:
                found.setdefault(field, []).append(message)
                if implicit:
                    break
    return found


def problems(statement: dict, *, endpoint: str = "multi") -> list[str]:
    """The same, one line a problem: an empty list for a statement the database takes."""
    return [f"{field}: {message}" for field, messages in errors(statement, endpoint=endpoint).items()
            for message in messages]  # fmt: skip


def validated(statement: dict, *, endpoint: str = "multi") -> dict:
    """What Laravel's validated() keeps of a statement it takes: the fields with rules, present, not
    excluded; then the batch endpoint filters and sorts territorial_scope."""
    data = preprocess(statement)
    kept = {}
    for field, field_rules in rules(data, endpoint=endpoint):
        if "." in field or field not in data or _excluded(field_rules, data):
            continue
        kept[field] = data[field]
    if "content_id" in data and isinstance(data["content_id"], dict):
        kept["content_id"] = data["content_id"]
    if endpoint == "multi":
        kept["territorial_scope"] = sorted(
            {c for c in _php_array(kept.get("territorial_scope")) if c in EUROPEAN_COUNTRY_CODES}
        )
    return kept


# --- the batch endpoint, POST /api/v1/statements -------------------------------------------------
OPTIONAL_FIELDS = (
    "decision_visibility_other", "decision_monetary", "decision_monetary_other", "decision_provision",
    "decision_account", "account_type", "decision_ground_reference_url", "content_type_other",
    "category_specification_other", "incompatible_content_ground", "incompatible_content_explanation",
    "incompatible_content_illegal", "content_language", *END_DATES, "source_type", "source_identity",
    "content_date", "illegal_content_explanation", "illegal_content_legal_ground",
)  # fmt: skip
ARRAY_FIELDS = (
    "decision_visibility",
    "category_addition",
    "category_specification",
    "content_type",
    "territorial_scope",
)
NOT_UNIQUE = "The platform identifier(s) are not all unique within this call."


def batch_answer(
    body,
    *,
    held: set[str],
    base_url: str = "https://transparency.dsa.ec.europa.eu",
    platform_name: str = "hubmod",
    removed: frozenset[str] = frozenset(),
) -> tuple[int, dict]:
    """(status, JSON) as StatementMultipleAPIController::store answers `body`; the puids it takes are
    added to `held`."""
    body = preprocess(body) if isinstance(body, dict) else {}
    statements = body.get("statements")
    problem = None
    if not _filled(statements):
        problem = "The statements field is required."
    elif not isinstance(statements, (list, dict)):
        problem = "The statements field must be an array."
    elif not 1 <= len(statements) <= 100:
        problem = "The statements field must have between 1 and 100 items."
    if problem:
        return 422, {"message": problem, "errors": {"statements": [problem]}}
    statements = list(statements.values()) if isinstance(statements, dict) else statements
    if not all(isinstance(statement, dict) for statement in statements):
        return 500, {"message": "Server Error"}  # Validator::make() on a non-array is a TypeError
    found = {f"statement_{index}": e for index, s in enumerate(statements) if (e := errors(s, removed=removed))}
    if found:
        return 422, {"errors": found}
    puids = [_php_str(statement.get("puid")) for statement in statements]
    duplicates = sorted({puid for puid in puids if puids.count(puid) > 1})
    if not duplicates:
        duplicates = [puid for puid in puids if puid in held]
    if duplicates:
        return 422, {"message": NOT_UNIQUE, "errors": {"puid": [NOT_UNIQUE], "existing_puids": duplicates}}
    held.update(puids)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    out = []
    for statement in statements:
        created = validated(statement)
        ean = created.pop("content_id", {}) or {}
        created["content_id_ean"] = ean.get("EAN-13") if isinstance(ean, dict) else None
        for name in ARRAY_FIELDS:
            created[name] = created.get(name) or []
        for name in OPTIONAL_FIELDS:
            created.setdefault(name, None)
        key = str(uuid.uuid4())
        created |= {"uuid": key, "created_at": now, "platform_name": platform_name,
                    "self": f"{base_url}/api/v1/statement/{key}", "permalink": f"{base_url}/statement/{key}"}  # fmt: skip
        out.append(created)
    return 201, {"statements": out}


class FakeTransparencyDatabase:
    """The database's batch endpoint on a real HTTP server on 127.0.0.1: authentication by Bearer
    token, then batch_answer(). `held` is its puid store; `answer_next` makes the next answers
    (status, JSON) whatever a test needs (a 5xx, a 429) before it answers as the database again."""

    def __init__(self, *, token: str = "X|token"):  # noqa: S107 - a test server's token
        self.token = token
        self.held: set[str] = set()
        self.batches: list[list[dict]] = []
        self.answers: list[tuple[int, dict]] = []
        self.answer_next: list[tuple[int, dict]] = []
        self.removed: frozenset[str] = frozenset()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                if self.path.rstrip("/") != "/api/v1/statements":
                    return self._answer(404, {"message": "Not Found"})
                if self.headers.get("authorization", "") != f"Bearer {server.token}":
                    return self._answer(401, {"message": "Unauthenticated."})
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                server.batches.append(body.get("statements") if isinstance(body, dict) else body)
                if server.answer_next:
                    return self._answer(*server.answer_next.pop(0))
                status, payload = batch_answer(body, held=server.held, base_url=server.base, removed=server.removed)
                return self._answer(status, payload)

            def _answer(self, status, payload):
                server.answers.append((status, payload))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"{self.base}/api/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""The validator in tests/dsa_tdb.py says what the DSA Transparency Database says, rule by rule
(StatementStoreRequest.php and GroupedSubmissionsService.php at the commit it names); and every
statement hubmod can make passes it: each category, each action, automated or not, with or
without an end date, with texts over every limit."""

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from hub.models import Account, Repository
from moderation.models import Case, Decision, EnforcementAction
from reports.categories import CATEGORIES
from tests import dsa_tdb
from tests.dsa_tdb import errors, problems
from transparency.statements import LIMITS, statement_of_reasons

VALID = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "Section 3 of the terms",
    "incompatible_content_explanation": "It breaks section 3.",
    "category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "content_type": ["CONTENT_TYPE_TEXT"],
    "content_date": "2024-05-01",
    "application_date": "2024-05-02",
    "source_type": "SOURCE_VOLUNTARY",
    "automated_detection": "No",
    "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
    "decision_facts": "Facts.",
    "puid": "hubmod-decision-1",
}
ILLEGAL = {
    **{k: v for k, v in VALID.items() if not k.startswith("incompatible")},
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
    "illegal_content_legal_ground": "Law § 1",
    "illegal_content_explanation": "Illegal because.",
}
NO_RESTRICTION = {k: v for k, v in VALID.items() if k != "decision_visibility"}


def with_(base: dict, **changes) -> dict:
    statement = {**base, **changes}
    return {k: v for k, v in statement.items() if v is not _DROP}


_DROP = object()

# (what, statement, the fields the database names in its refusal: empty when it takes it)
CASES = [
    ("the base statement", VALID, set()),
    ("an illegal-content statement", ILLEGAL, set()),
    ("nothing at all", {}, {"decision_visibility", "decision_monetary", "decision_provision", "decision_account",
     "decision_ground", "content_type", "category", "content_date", "application_date", "decision_facts",
     "source_type", "automated_detection", "automated_decision", "puid"}),
    *[(f"category {c}", with_(VALID, category=c), set()) for c in dsa_tdb.STATEMENT_CATEGORIES],
    *[(f"removed category {c}", with_(VALID, category=c), {"category"}) for c in dsa_tdb.REMOVED_CATEGORIES],
    *[(f"category_addition {c}", with_(VALID, category_addition=[c]), set()) for c in dsa_tdb.STATEMENT_CATEGORIES],
    ("category_addition removed", with_(VALID, category_addition=["STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"]),
     {"category_addition"}),
    ("category_addition null", with_(VALID, category_addition=None), {"category_addition"}),
    *[(f"keyword {k}", with_(VALID, category_specification=[k]), set()) for k in dsa_tdb.KEYWORDS],
    ("an unknown keyword", with_(VALID, category_specification=["KEYWORD_SPAM"]), {"category_specification"}),
    ("keywords as a string", with_(VALID, category_specification="KEYWORD_OTHER"), {"category_specification"}),
    ("keywords null", with_(VALID, category_specification=None), set()),
    # required_without_all: any one restriction is enough, none is four refusals.
    ("no restriction", NO_RESTRICTION,
     {"decision_visibility", "decision_monetary", "decision_provision", "decision_account"}),
    ("an empty visibility list", with_(VALID, decision_visibility=[]),
     {"decision_visibility", "decision_monetary", "decision_provision", "decision_account"}),
    *[(f"only {field}", with_(NO_RESTRICTION, **{field: value}), set()) for field, value in (
        ("decision_monetary", "DECISION_MONETARY_SUSPENSION"),
        ("decision_provision", "DECISION_PROVISION_PARTIAL_SUSPENSION"),
        ("decision_account", "DECISION_ACCOUNT_SUSPENDED"))],
    *[(f"visibility {v}", with_(VALID, decision_visibility=[v], decision_visibility_other="x"), set())
      for v in dsa_tdb.DECISION_VISIBILITIES],
    *[(f"provision {v}", with_(VALID, decision_provision=v), set()) for v in dsa_tdb.DECISION_PROVISIONS],
    *[(f"account {v}", with_(VALID, decision_account=v), set()) for v in dsa_tdb.DECISION_ACCOUNTS],
    *[(f"content type {v}", with_(VALID, content_type=[v], content_type_other="x"), set())
      for v in dsa_tdb.CONTENT_TYPES],
    *[(f"source {v}", with_(VALID, source_type=v), set()) for v in dsa_tdb.SOURCE_TYPES],
    *[(f"automated decision {v}", with_(VALID, automated_decision=v), set()) for v in dsa_tdb.AUTOMATED_DECISIONS],
    ("an unknown provision", with_(VALID, decision_provision="DECISION_PROVISION_SUSPENSION"), {"decision_provision"}),
    ("account type", with_(VALID, account_type="ACCOUNT_TYPE_PRIVATE"), set()),
    ("an unknown account type", with_(VALID, account_type="ACCOUNT_TYPE_BOT"), {"account_type"}),
    ("automated detection true", with_(VALID, automated_detection=True), {"automated_detection"}),
    # The *_other fields: required with their OTHER, dropped without it (whatever they hold).
    ("visibility other missing", with_(VALID, decision_visibility=["DECISION_VISIBILITY_OTHER"]),
     {"decision_visibility_other"}),
    ("visibility other without OTHER", with_(VALID, decision_visibility_other="y" * 501), set()),
    ("content type other missing", with_(VALID, content_type=["CONTENT_TYPE_OTHER"]), {"content_type_other"}),
    ("content type other without OTHER", with_(VALID, content_type_other="y" * 501), set()),
    ("monetary other missing", with_(VALID, decision_monetary="DECISION_MONETARY_OTHER"), {"decision_monetary_other"}),
    ("monetary other without OTHER", with_(VALID, decision_monetary_other="y" * 501), set()),
    # Grounds: each ground's fields required with it, dropped with the other.
    ("illegal without its fields", with_(VALID, decision_ground="DECISION_GROUND_ILLEGAL_CONTENT"),
     {"illegal_content_legal_ground", "illegal_content_explanation"}),
    ("incompatible without its fields", with_(ILLEGAL, decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT"),
     {"incompatible_content_ground", "incompatible_content_explanation"}),
    ("illegal fields on incompatible", with_(VALID, illegal_content_legal_ground="y" * 501), set()),
    ("incompatible fields on illegal", with_(ILLEGAL, incompatible_content_illegal="Maybe"), set()),
    ("incompatible_content_illegal Yes", with_(VALID, incompatible_content_illegal="Yes"), set()),
    ("incompatible_content_illegal Maybe", with_(VALID, incompatible_content_illegal="Maybe"),
     {"incompatible_content_illegal"}),
    ("an unknown ground", with_(VALID, decision_ground="DECISION_GROUND_OTHER"), {"decision_ground"}),
    # Trim, then "" to null, before any rule: blank is missing, padding does not count.
    ("blank facts", with_(VALID, decision_facts="   \n\t"), {"decision_facts"}),
    ("padded facts at the limit", with_(VALID, decision_facts="  " + "x" * 5000 + "\u200b\n"), set()),
    ("blank optional text", with_(VALID, source_identity="  "), set()),
    # Dates: the format, real days, and the bounds.
    ("content date 2000-01-01", with_(VALID, content_date="2000-01-01"), set()),
    ("content date 1999-12-31", with_(VALID, content_date="1999-12-31"), {"content_date"}),
    ("application date 2020-01-01", with_(VALID, application_date="2020-01-01"), set()),
    ("application date 2019-12-31", with_(VALID, application_date="2019-12-31"), {"application_date"}),
    ("application date 2038-01-01", with_(VALID, application_date="2038-01-01"), set()),
    ("application date 2038-01-02", with_(VALID, application_date="2038-01-02"), {"application_date"}),
    ("a day that does not exist", with_(VALID, content_date="2024-02-30"), {"content_date"}),
    ("a leap day", with_(VALID, content_date="2024-02-29"), set()),
    ("one-digit month", with_(VALID, content_date="2024-5-01"), {"content_date"}),
    ("a date with a time", with_(VALID, content_date="2024-05-01 10:00:00"), {"content_date"}),
    ("no content date", with_(VALID, content_date=_DROP), {"content_date"}),
    *[(f"{name} 2038-01-01", with_(VALID, **{name: "2038-01-01"}), set()) for name in dsa_tdb.END_DATES],
    *[(f"{name} 2038-01-02", with_(VALID, **{name: "2038-01-02"}), {name}) for name in dsa_tdb.END_DATES],
    *[(f"{name} null", with_(VALID, **{name: None}), set()) for name in dsa_tdb.END_DATES],
    *[(f"{name} as d/m/Y", with_(VALID, **{name: "01/02/2030"}), {name}) for name in dsa_tdb.END_DATES],
    # puid: at most 500 of letters, digits, '-' and '_'.
    ("puid with a space", with_(VALID, puid="a b"), {"puid"}),
    ("puid with a dot", with_(VALID, puid="a.b"), {"puid"}),
    ("puid with a newline inside", with_(VALID, puid="a\nb"), {"puid"}),
    ("puid padded", with_(VALID, puid="  abc-_9  "), set()),
    # Arrays and the lists they draw from.
    ("content type as a string", with_(VALID, content_type="CONTENT_TYPE_TEXT"), {"content_type"}),
    ("territorial scope", with_(VALID, territorial_scope=["DE", "IS", "NO"]), set()),
    ("territorial scope outside the EEA", with_(VALID, territorial_scope=["DE", "CH"]), {"territorial_scope"}),
    ("territorial scope null", with_(VALID, territorial_scope=None), set()),
    ("content language", with_(VALID, content_language="EN"), set()),
    ("content language lower case", with_(VALID, content_language="en"), {"content_language"}),
    ("content language null", with_(VALID, content_language=None), set()),
    ("reference url", with_(VALID, decision_ground_reference_url="https://hub.example/terms#3"), set()),
    ("reference url not a url", with_(VALID, decision_ground_reference_url="the terms"),
     {"decision_ground_reference_url"}),
    ("an EAN-13", with_(VALID, content_id={"EAN-13": "1234567890123"}), set()),
    ("a short EAN-13", with_(VALID, content_id={"EAN-13": "123"}), {"content_id.EAN-13"}),
]  # fmt: skip

# Every text limit: at the limit taken, one over refused.
LENGTHS = [
    ("decision_visibility_other", 500, {"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, VALID),
    ("decision_monetary_other", 500, {"decision_monetary": "DECISION_MONETARY_OTHER"}, VALID),
    ("category_specification_other", 500, {"category_specification": ["KEYWORD_OTHER"]}, VALID),
    ("content_type_other", 500, {"content_type": ["CONTENT_TYPE_OTHER"]}, VALID),
    ("illegal_content_legal_ground", 500, {}, ILLEGAL),
    ("illegal_content_explanation", 2000, {}, ILLEGAL),
    ("incompatible_content_ground", 500, {}, VALID),
    ("incompatible_content_explanation", 2000, {}, VALID),
    ("decision_facts", 5000, {}, VALID),
    ("source_identity", 500, {"source_type": "SOURCE_TRUSTED_FLAGGER"}, VALID),
    ("puid", 500, {}, VALID),
]
for field, limit, extra, base in LENGTHS:
    char = "p" if field == "puid" else "é"  # counted in characters, not bytes
    CASES.append((f"{field} of {limit}", with_(base, **extra, **{field: char * limit}), set()))
    CASES.append((f"{field} of {limit + 1}", with_(base, **extra, **{field: char * (limit + 1)}), {field}))
URL = "https://hub.example/" + "a" * 480
CASES += [
    ("reference url of 500", with_(VALID, decision_ground_reference_url=URL), set()),
    ("reference url of 501", with_(VALID, decision_ground_reference_url=URL + "a"), {"decision_ground_reference_url"}),
]


@pytest.mark.parametrize(("what", "statement", "refused"), CASES, ids=[c[0] for c in CASES])
def test_the_validator_answers_as_the_database_does(what, statement, refused):
    assert set(errors(statement)) == refused


def test_puid_only_takes_letters_digits_dash_and_underscore():
    # /^[a-zA-Z0-9-_]+$/D: a '-' after a range is a literal, and $ with D takes no trailing newline.
    assert errors(with_(VALID, puid="A-z_0")) == {}
    assert "puid" in errors(with_(VALID, puid="ü"))


def test_source_identity_is_dropped_for_own_initiative_on_the_single_endpoint_only():
    statement = with_(VALID, source_type="SOURCE_VOLUNTARY", source_identity="y" * 501)

    assert set(errors(statement, endpoint="single")) == set()
    assert set(errors(statement, endpoint="multi")) == {"source_identity"}


def test_the_batch_endpoint_keeps_only_eea_countries_sorted():
    created = dsa_tdb.validated(with_(VALID, territorial_scope=["SE", "AT", "AT"]))

    assert created["territorial_scope"] == ["AT", "SE"]


# --- every statement hubmod can make ---------------------------------------------------------------

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
LONG = "A sentence of the decision, long enough to run over every limit the database sets. " * 80
SUBJECTS = ["model", "dataset", "space", "account"]


def decision_of(category, actions, *, automated, until, text, subject, first_source="web", trusted=False):
    if subject == "account":
        case = Case(pk=1, category=category, account=Account(pk=1, handle="u", created_at=NOW), repository=None)
    else:
        repository = Repository(pk=1, kind=subject, full_name="u/r", created_at=NOW)
        case = Case(pk=1, category=category, repository=repository)
    decision = Decision(
        pk=7, case=case, outcome=Decision.Outcome.ACTIONED, requested_actions=list(actions), statement=text,
        ground_label=text[:300], ground_text=text, automated_detection=automated, automated_decision=automated,
        effective_until=until, created_at=NOW, approved_at=NOW,
    )  # fmt: skip
    decision.first_report_source = first_source
    decision.first_reporter_trusted = trusted
    decision.first_report_category = category
    return decision


KINDS = [kind for kind in EnforcementAction.Kind.values]
COMBINATIONS = [[kind] for kind in KINDS] + [["disable", "restrict_account"], ["remove", "suspend_account"],
                                             ["warn", "label", "restrict_account", "suspend_account"]]  # fmt: skip


@pytest.mark.parametrize("category", sorted(CATEGORIES))
@pytest.mark.parametrize("actions", COMBINATIONS, ids=["+".join(c) for c in COMBINATIONS])
def test_every_statement_hubmod_makes_passes(category, actions):
    for automated, until, text, subject, source in product(
        (False, True),
        (None, NOW + timedelta(days=30), datetime(2040, 1, 1, tzinfo=UTC)),
        ("  Facts.  ", LONG),
        SUBJECTS,
        ("web", "automated"),
    ):
        decision = decision_of(category, actions, automated=automated, until=until, text=text, subject=subject,
                               first_source=source)  # fmt: skip
        for legal in ("", "§ 130 StGB " * 200):
            statement = statement_of_reasons(decision, legal_grounds=legal)
            assert problems(statement) == [], (category, actions, automated, until, subject, statement)


def test_no_statement_uses_a_category_the_database_removed():
    for category in CATEGORIES:
        statement = statement_of_reasons(decision_of(category, ["disable"], automated=False, until=None,
                                                     text="Facts.", subject="model"))  # fmt: skip
        assert statement["category"] not in dsa_tdb.REMOVED_CATEGORIES
        assert statement["category"] in dsa_tdb.STATEMENT_CATEGORIES
        assert set(statement.get("category_specification", [])) <= set(dsa_tdb.KEYWORDS)
        if "KEYWORD_OTHER" in statement.get("category_specification", []):
            assert statement["category_specification_other"]


@pytest.mark.parametrize(
    ("actions", "end_field", "not_there"),
    [
        (["restrict_account"], "end_date_service_restriction", ("end_date_account_restriction",)),
        (["suspend_account"], "end_date_account_restriction", ("end_date_service_restriction",)),
        (["disable"], "end_date_visibility_restriction", ("end_date_account_restriction", "end_date_service_restriction")),
    ],
)  # fmt: skip
def test_each_end_date_goes_with_its_own_restriction(actions, end_field, not_there):
    until = NOW + timedelta(days=30)

    statement = statement_of_reasons(decision_of("spam", actions, automated=False, until=until, text="F.",
                                                 subject="model"))  # fmt: skip

    assert statement[end_field] == until.date().isoformat()
    assert not any(name in statement for name in not_there)


def test_a_shortened_text_says_so_and_points_to_a_public_page_not_the_notice_link():
    statement = statement_of_reasons(decision_of("spam", ["disable"], automated=False, until=None, text=LONG,
                                                 subject="model"))  # fmt: skip

    for field in ("decision_facts", "incompatible_content_explanation"):
        assert len(statement[field]) <= LIMITS[field]
        assert "shortened" in statement[field]
        assert "/transparency/" in statement[field]
        assert "/notices/" not in statement[field]
    assert statement["decision_facts"].startswith(LONG[:1000])

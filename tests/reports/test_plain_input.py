"""The intake's plain-input path says exactly what the input serializer says, or stands aside."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.api import ReportCreateApi
from reports.categories import CATEGORIES
from reports.plain_input import plain_details, plain_report
from reports.serializers import details_serializer_class

# Values near the edges of what the serializer takes: whitespace to trim, NUL, lone surrogates,
# wrong types, lengths around the limits, names that fit a pattern or almost do.
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "a", " a", "a ", "a\n", "\x00", "\ud800", "x" * 200, "x" * 201, "é"]),
    st.sampled_from(["acme/tiny", "acme/tiny ", "acme", "-acme/x", "acme/tiny/extra", "a" * 96 + "/b", "ac.me/t_i-ny"]),
)
values = st.one_of(texts, st.none(), st.integers(), st.booleans(), st.lists(st.integers(), max_size=2))
emails = st.one_of(texts, st.sampled_from(["ada@example.org", "ada@example", "@example.org", "ada@exa mple.org"]))
subjects = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["repository", "account", "dataset", 1]), "id": texts}),
    st.fixed_dictionaries({"type": st.just("repository"), "id": texts}, optional={"revision": texts, "path": texts}),
    values,
)
reports = st.fixed_dictionaries(
    {},
    optional={
        "subject": subjects,
        "category": st.one_of(st.sampled_from([*CATEGORIES, "nope", ""]), values),
        "details": st.one_of(st.dictionaries(st.text(max_size=5), values, max_size=3), values),
        "reporter": st.one_of(st.fixed_dictionaries({}, optional={"name": texts, "email": emails}), values),
        "on_behalf_of": texts,
        "extra": values,
    },
)

# Mostly plain reports, with one value at a time near an edge: the plain path is taken often.
names = st.one_of(st.sampled_from(["acme/tiny", "ac.me/t_i-ny", "a" * 96 + "/b" * 1, "x/y"]), texts)
likely_plain = st.fixed_dictionaries(
    {
        "subject": st.fixed_dictionaries({"type": st.sampled_from(["repository", "account"]), "id": names}),
        "category": st.sampled_from(list(CATEGORIES)),
        "details": st.dictionaries(st.text(max_size=5), values, max_size=3),
    },
    optional={
        "reporter": st.fixed_dictionaries({}, optional={"name": texts, "email": emails}),
        "on_behalf_of": st.one_of(st.sampled_from(["ada", "ada.l-ovelace_1"]), texts),
    },
)


def serializer_says(data):
    serializer = ReportCreateApi.InputSerializer(data=data)
    return serializer.validated_data if serializer.is_valid() else None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(reports, likely_plain))
def test_the_plain_path_agrees_with_the_serializer_or_stands_aside(data):
    plain = plain_report(data)

    if plain is not None:
        assert plain == serializer_says(data)


def test_a_plain_report_takes_the_plain_path():
    data = {
        "subject": {"type": "repository", "id": "acme/tiny"},
        "category": "spam",
        "details": {"explanation": "The same promotional text on every page."},
        "reporter": {"name": "Ada", "email": "ada@example.org"},
        "on_behalf_of": "ada",
    }

    assert plain_report(data) == serializer_says(data)


def test_what_needs_the_serializers_judgement_goes_to_it():
    base = {"subject": {"type": "repository", "id": "acme/tiny"}, "category": "spam", "details": {}}

    assert plain_report({**base, "subject": {"type": "repository", "id": " acme/tiny"}}) is None  # trimmed
    assert plain_report({**base, "subject": {"type": "repository", "id": "acme/tiny", "revision": "abc1234"}}) is None
    assert plain_report({**base, "category": "nope"}) is None
    assert plain_report({**base, "reporter": {"email": "not an address"}}) is None


def details_serializer_says(category, data):
    """What `details_validate` returns, without its plain path: the category's serializer alone."""
    if not isinstance(data, dict) or not data.keys() <= {spec.name for spec in category.fields}:
        return None
    serializer = details_serializer_class(category)(data=data)
    return dict(serializer.validated_data) if serializer.is_valid() else None


@st.composite
def category_details(draw):
    category = draw(st.sampled_from(list(CATEGORIES.values())))
    names = [spec.name for spec in category.fields]
    chosen = draw(st.lists(st.sampled_from([*names, "extra"]), unique=True)) if names else []
    texts_ = st.one_of(texts, st.text(min_size=1, max_size=50), st.sampled_from(["x" * 10_000, "x" * 10_001]))
    return category, {name: draw(st.one_of(texts_, values)) for name in chosen}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(category_details())
def test_plain_details_agree_with_the_categorys_serializer_or_stand_aside(category_and_details):
    category, details = category_and_details

    plain = plain_details(category, details)

    if plain is not None:
        assert plain == details_serializer_says(category, details)


def test_plain_spam_details_take_the_plain_path():
    spam = CATEGORIES["spam"]
    details = {"explanation": "The same promotional text on every page."}

    assert plain_details(spam, details) == details_serializer_says(spam, details) == details

"""The public policy center, and every public page, in English by default and in German when the
browser prefers it or the visitor chose it with the switcher."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client

from policy.models import PolicySection, PolicyVersion, StrikeRule
from policy.seed import DEFAULT_POLICY_SECTIONS, DEFAULT_POLICY_VERSION
from policycenter.selectors import policy_changes
from review.models import ChecklistItem, ReleaseStage, ReviewCriterion

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}

# path -> (an English phrase, its German counterpart)
PAGES = {
    "/policy/": ("What you may publish on the hub", "Was Sie auf dem Hub veröffentlichen dürfen"),
    "/policy/current/": ("The rules, section by section", "Die Regeln, Abschnitt für Abschnitt"),
    "/policy/versions/": ("Policy versions and changes", "Fassungen der Richtlinie und Änderungen"),
    f"/policy/versions/{DEFAULT_POLICY_VERSION}/": ("What changed in this version", "Was sich in dieser Fassung"),
    "/policy/strikes/": ("Strikes and consequences", "Verwarnungen und Folgen"),
    "/policy/appeals/": ("Who decides", "Wer entscheidet"),
    "/policy/documentation/": ("The documentation checklist", "Die Checkliste zur Dokumentation"),
    "/report/": ("Report a problem with a model", "Ein Problem mit einem Modell"),
    "/report/copyright/": ("Copyright infringement (DMCA notice)", "Urheberrechtsverletzung (DMCA-Meldung)"),
    "/licenses/": ("Licenses the hub acts on", "Lizenzen, auf deren Grundlage der Hub handelt"),
    "/transparency/": ("Transparency report", "Transparenzbericht"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_each_public_page_is_english_by_default_and_german_for_a_german_browser(seeded, client, path):
    english, german = PAGES[path]

    default = client.get(path)
    preferred = client.get(path, **GERMAN)

    assert default.status_code == 200
    assert english in default.text
    assert german not in default.text
    assert '<html lang="en">' in default.text
    assert preferred.status_code == 200
    assert german in preferred.text
    assert english not in preferred.text
    assert '<html lang="de">' in preferred.text
    assert preferred["Content-Language"] == "de"


@pytest.mark.django_db
def test_the_switcher_sets_a_cookie_that_wins_over_the_browser(seeded):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/policy/strikes/"})

    assert response.status_code == 302
    assert response["Location"] == "/policy/strikes/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert "Verwarnungen und Folgen" in client.get("/policy/strikes/", HTTP_ACCEPT_LANGUAGE="en").text

    client.post("/i18n/setlang/", {"language": "en", "next": "/policy/"})
    assert "Strikes and consequences" in client.get("/policy/strikes/", **GERMAN).text


@pytest.mark.django_db
def test_every_public_page_links_the_policy_center_and_offers_the_switcher(seeded, client):
    page = client.get("/report/").text

    assert 'href="/policy/"' in page
    assert 'action="/i18n/setlang/"' in page
    assert 'name="language" value="de" lang="de"' in page


@pytest.mark.django_db
def test_an_unsupported_browser_language_gets_english(seeded, client):
    response = client.get("/policy/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert '<html lang="en">' in response.text
    assert "Policy center" in response.text


@pytest.mark.django_db
def test_the_current_policy_shows_every_section_with_its_examples(seeded, client):
    english = client.get("/policy/current/").text
    german = client.get("/policy/current/", **GERMAN).text

    for key, title, _text in DEFAULT_POLICY_SECTIONS:
        section = PolicySection.objects.get(policy__version=DEFAULT_POLICY_VERSION, key=key)
        assert section.allowed_examples, key
        assert section.prohibited_examples, key
        assert f'id="{key}"' in english
        assert title in english
        assert f'data-testid="allowed-{key}"' in english
        assert f'data-testid="prohibited-{key}"' in english
    assert "A demo that impersonates a named real person without their consent." in english
    assert "Allowed, for example" in english
    assert "Not allowed, for example" in english
    # The policy's own text stays as written; the page says in German that the English is binding.
    assert "Erlaubt, zum Beispiel" in german
    assert "Models built to harm" in german
    assert 'data-testid="binding-language"' in german
    assert "auf Englisch verbindlich" in german
    assert 'data-testid="binding-language"' not in english


@pytest.fixture
def two_versions(no_policy):
    first = PolicyVersion.objects.create(version="2025-01", effective_at=datetime(2025, 1, 1, tzinfo=UTC),
                                         summary="First.")  # fmt: skip
    second = PolicyVersion.objects.create(version="2025-06", effective_at=datetime(2025, 6, 1, tzinfo=UTC),
                                          summary="Clearer rules on spam; malware section dropped.")  # fmt: skip
    for key, title, text in (("spam", "Spam", "No spam."), ("malware", "Malware", "No malware."),
                             ("privacy", "Privacy", "Keep secrets out.")):  # fmt: skip
        PolicySection.objects.create(policy=first, key=key, title=title, text=text)
    PolicySection.objects.create(policy=second, key="spam", title="Spam", text="No spam, and no fake likes.")
    PolicySection.objects.create(policy=second, key="privacy", title="Privacy", text="Keep secrets out.")
    PolicySection.objects.create(policy=second, key="harm", title="Harm", text="No harm.",
                                 prohibited_examples=["A harassment bot."])  # fmt: skip
    return first, second


def test_the_change_log_lists_sections_added_removed_and_changed(two_versions):
    first, second = two_versions

    changes = policy_changes(second)
    initial = policy_changes(first)

    assert changes.previous == first
    assert [s.key for s in changes.added] == ["harm"]
    assert [s.key for s in changes.removed] == ["malware"]
    assert [(c.key, c.fields) for c in changes.changed] == [("spam", ["text"])]
    assert changes.unchanged == 1
    assert initial.previous is None
    assert sorted(s.key for s in initial.added) == ["malware", "privacy", "spam"]


def test_a_changed_title_or_examples_count_as_changes(two_versions):
    _first, second = two_versions
    PolicySection.objects.filter(policy=second, key="privacy").update(
        title="Private information", allowed_examples=["Fake keys in docs."]
    )

    assert [(c.key, c.fields) for c in policy_changes(second).changed] == [
        ("privacy", ["title", "examples"]),
        ("spam", ["text"]),
    ]


def test_the_version_history_shows_each_change_log_in_both_languages(two_versions, client):
    english = client.get("/policy/versions/").text
    german = client.get("/policy/versions/", **GERMAN).text
    version = client.get("/policy/versions/2025-06/").text

    assert english.index("Version 2025-06") < english.index("Version 2025-01")  # newest first
    assert "Clearer rules on spam; malware section dropped." in english
    for page in (english, version):
        assert "Compared with version 2025-01:" in page
        assert "Added: Harm (harm)" in page
        assert "Removed: Malware (malware)" in page
        assert "Changed: Spam (spam)" in page
        assert "its text" in page
        assert "1 section is unchanged." in page
    assert "The first published version: every section is new." in english
    assert "Hinzugefügt: Harm (harm)" in german
    assert "Entfernt: Malware (malware)" in german
    assert "Geändert: Spam (spam)" in german
    assert "1 Abschnitt ist unverändert." in german
    assert "In effect since 2025-06-01." in version
    assert "replaced by a later version" in client.get("/policy/versions/2025-01/").text
    assert client.get("/policy/versions/1999-01/").status_code == 404


@pytest.mark.django_db
def test_the_strike_ladder_is_explained_from_the_configured_rules(seeded, client):
    StrikeRule.objects.filter(severity="critical", intent="deliberate", min_active_strikes=0).update(strike_days=400)

    english = client.get("/policy/strikes/").text
    german = client.get("/policy/strikes/", **GERMAN).text

    assert "Severity: Critical" in english
    assert "Schweregrad: Kritisch" in german
    assert "Deliberate" in english
    assert "Absichtlich" in german
    assert "Disable, Suspend Account" in english
    assert "Sperren, Konto sperren" in german
    assert "400 days" in english
    assert "400 Tage" in german
    assert "Child safety" in english
    assert "Kinderschutz" in german
    assert f"{settings.REPEAT_INFRINGER_STRIKES} active copyright strikes" in english


@pytest.mark.django_db
def test_the_appeal_page_states_the_windows_the_services_use(seeded, client, settings):
    settings.APPEAL_WINDOW_DAYS = 30
    settings.APPEAL_SLA_DAYS = 5

    english = client.get("/policy/appeals/").text
    german = client.get("/policy/appeals/", **GERMAN).text

    assert "30 days from the decision" in english
    assert "30 Tage ab der Entscheidung" in german
    assert "within 5 days" in english
    assert "between 10 and 14 business days" in english
    assert "10 bis 14 Werktage" in german
    assert "took no part in the original decision" in english
    assert "You can appeal a decision for 30 days" in client.get("/policy/").text


@pytest.mark.django_db
def test_the_documentation_page_lists_checklist_criteria_and_stages(seeded, client):
    page = client.get("/policy/documentation/").text

    for item in ChecklistItem.objects.filter(active=True):
        assert item.label in page
    for criterion in ReviewCriterion.objects.filter(active=True):
        assert criterion.name in page
    for stage in ReleaseStage.objects.all():
        assert stage.label in page
    assert ChecklistItem.objects.exists()
    assert ReleaseStage.objects.exists()


@pytest.mark.django_db
def test_the_policy_center_without_a_policy_says_so(no_policy, client):
    assert "No policy has been published yet." in client.get("/policy/").text
    assert client.get("/policy/current/").status_code == 404


@pytest.mark.django_db
def test_the_category_api_keeps_its_keys_and_english_labels(seeded, client):
    body = client.get("/api/v1/report-categories").json()
    categories = body if isinstance(body, list) else body.get("categories", body.get("results", body))
    text = str(categories)

    assert "copyright" in text
    assert "illegal_content" in text
    assert "Copyright infringement (DMCA notice)" in text

"""Steps many tests take through the public API: file a report, claim and decide its case."""

from rest_framework.test import APIClient

from tests.reports.samples import complete_details

STATEMENT = "The demo impersonates a named journalist."


def file(repo, category="other", **subject) -> dict:
    """File a complete report of `category` about `repo`; `subject` adds path, lines or revision."""
    return APIClient().post(
        "/api/v1/reports",
        {"subject": {"type": "repository", "id": repo.full_name, **subject}, "category": category,
         "details": complete_details(category)},
        format="json",
    ).json()  # fmt: skip


def decide(client, case_id, **body):
    """Claim the case and decide it: by default a deliberate delist on the harmful-use section."""
    client.post(f"/api/v1/cases/{case_id}/claim")
    payload = {"actions": ["delist"], "ground": {"policy_section": "harmful-use"}, "intent": "deliberate",
               "statement": STATEMENT, **body}  # fmt: skip
    return client.post(f"/api/v1/cases/{case_id}/decide", payload, format="json")

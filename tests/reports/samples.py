"""Complete reports for every category, as the API and the HTML form take them."""

from licenses.models import LicenseClause
from reports.categories import CATEGORIES

IDENTITY = {"name": "Rita Rightsholder", "email": "rita@publisher.example"}

_STATIC = {
    "copyright": {
        "copyrighted_work": "The novel 'Example', chapters 1-3, published 2021.",
        "infringing_location": "data/train.jsonl lines 10-400",
        "contact_name": "Rita Rightsholder",
        "contact_email": "rita@publisher.example",
        "contact_address": "1 Main St, Springfield, US",
        "good_faith_statement": True,
        "accuracy_statement": True,
        "authorized_to_act": True,
        "signature": "Rita Rightsholder",
    },
    "illegal_content": {
        "explanation": "The dataset publishes home addresses with threats against the people named.",
        "exact_location": "https://hub.example/acme/tiny/blob/abc1234/data/threats.csv",
        "legal_ground": "German Criminal Code § 241",
        "country": "DE",
        "bona_fide_statement": True,
    },
    "private_information": {
        "information_kind": "secret_keys",
        "location": "config/deploy.yaml line 12",
        "explanation": "An AWS secret access key for the uploader's company.",
    },
    "malicious_code": {
        "location": "model.pkl",
        "behaviour": "Loading the pickle opens a reverse shell to 203.0.113.9.",
        "sha256": "b" * 64,
    },
    "child_safety": {"location": "data/images/", "explanation": "The dataset card describes sexualised minors."},
    "acceptable_use": {"policy_section": "harmful-use", "explanation": "The demo generates targeted harassment."},
    "spam": {"explanation": "The same empty repository uploaded 400 times with ad links."},
    "other": {"explanation": "It impersonates a real person."},
}


def complete_details(category: str) -> dict:
    if category == "license_violation":
        clause = LicenseClause.objects.filter(license__key="llama3.1", actionable=True).order_by("ref").first()
        return {"license": "llama3.1", "clause": clause.pk, "explanation": "The card sells it for malware."}
    return dict(_STATIC[category])


def identity_for(category: str) -> dict:
    return dict(IDENTITY) if CATEGORIES[category].reporter_identity == "required" else {}


def form_data(category: str, repository_full_name: str) -> dict:
    data = {"subject_type": "repository", "subject_id": repository_full_name}
    for name, value in complete_details(category).items():
        if value is True:
            data[f"details__{name}"] = "on"
        else:
            data[f"details__{name}"] = str(value)
    identity = identity_for(category)
    if identity:
        data.update(reporter_name=identity["name"], reporter_email=identity["email"])
    return data

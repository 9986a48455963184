"""Safe to put on the internet: production settings pass Django's deploy check, every page carries a
Content-Security-Policy with no inline script, and guessing a moderator's password gets nowhere."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import moderator

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "HUBMOD_REQUIRE_SECRET_KEY": "true",
    "ALLOWED_HOSTS": "hubmod.example.org",
    "BASE_URL": "https://hubmod.example.org",
    "HUBMOD_HTTPS": "true",
    "METRICS_TOKEN": secrets.token_urlsafe(32),
    "AUDIT_CHECKPOINT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    "REVOCATION_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
}


def _deploy_check(**env) -> subprocess.CompletedProcess:
    # Only what a shell needs: the rest of this process's environment is the test suite's, not production's.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "hubmod.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    checked = _deploy_check(**PRODUCTION)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_without_https_the_deploy_check_names_what_is_missing():
    checked = _deploy_check(**{**PRODUCTION, "HUBMOD_HTTPS": "false"})

    assert checked.returncode != 0
    for missing in ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert missing in checked.stderr + checked.stdout


def test_without_a_metrics_token_the_deploy_check_says_metrics_are_open():
    checked = _deploy_check(**{**PRODUCTION, "METRICS_TOKEN": ""})

    assert checked.returncode != 0
    assert "hubmod.W001" in checked.stderr + checked.stdout


@pytest.mark.django_db
def test_metrics_answer_only_with_the_token_once_it_is_set(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"

    without = client.get("/metrics")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")

    assert (without.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert "METRICS_TOKEN" in without.content.decode()
    assert "django_http_requests" in right.content.decode()


def test_production_refuses_to_start_without_a_secret_key():
    checked = _deploy_check(**{**PRODUCTION, "SECRET_KEY": ""})

    assert checked.returncode != 0
    assert "SECRET_KEY must be set" in checked.stderr


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["report-start", "transparency", "console-login", "api-docs"])
def test_every_page_carries_a_content_security_policy_with_no_inline_script(client, seeded, name):
    response = client.get(reverse(name))

    policy = _policy(response)
    assert response.status_code == 200
    assert policy["default-src"] == "default-src 'self'"
    assert policy["script-src"] == "script-src 'self'"
    # Swagger UI sets inline styles; no page allows inline script.
    assert policy["style-src"] == ("style-src 'self' 'unsafe-inline'" if name == "api-docs" else "style-src 'self'")
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def _sign_in(client, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(reverse("console-login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_guessing_a_moderators_password_is_paused_after_five_failures_from_one_address(client, seeded, settings):
    user = moderator(username="mona")
    user.set_password("a long password for mona")
    user.save()

    failures = [_sign_in(client, "mona", f"guess {n}").status_code for n in range(5)]
    paused = _sign_in(client, "mona", "a long password for mona")
    signed_in_while_paused = "_auth_user_id" in client.session
    elsewhere = _sign_in(client, "mona", "a long password for mona", address="203.0.113.9")

    assert failures == [200, 200, 200, 200, 429]  # the form again with its error; the fifth pauses
    assert paused.status_code == 429  # even with the right password
    assert "Sign-in paused" in paused.content.decode()
    assert not signed_in_while_paused
    assert elsewhere.status_code == 302  # the moderator, from their own address, is not locked out


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_failures_before_it(client, seeded):
    user = moderator(username="otto")
    user.set_password("a long password for otto")
    user.save()

    for n in range(4):
        _sign_in(client, "otto", f"guess {n}")
    signed_in = _sign_in(client, "otto", "a long password for otto")
    client.logout()
    after = [_sign_in(client, "otto", f"again {n}").status_code for n in range(4)]

    assert signed_in.status_code == 302
    assert after == [200] * 4  # four new failures, not nine: still below the limit


def test_every_form_that_posts_carries_a_csrf_token():
    templates = [p for p in ROOT.rglob("templates/**/*.html") if ".venv" not in p.parts]
    missing = []
    for template in templates:
        text = template.read_text()
        posts = len(re.findall(r"<form[^>]*method=\"post\"", text, flags=re.IGNORECASE))
        if posts > text.count("{% csrf_token %}"):
            missing.append(str(template.relative_to(ROOT)))

    assert templates
    assert missing == []

"""The signing key: a configured seed, or a development key that the system checks call out; the
commands that print the public key and make a new seed."""

import base64
import hashlib
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.checks import run_checks
from django.core.management import call_command
from rest_framework.test import APIClient

from revocation_verifier.format import page_check, pinned
from revocations.keys import signing_key
from tests.factories import RepositoryFactory
from tests.revocations.arrange import delivered


def _check_ids(*, deploy: bool) -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=deploy) if m.id.startswith("revocations.")}


def test_without_a_key_debug_warns_and_a_deployment_check_refuses(settings):
    settings.REVOCATION_SIGNING_KEY = ""
    settings.DEBUG = True
    debug = _check_ids(deploy=True)
    settings.DEBUG = False
    deployed = _check_ids(deploy=True)
    everyday = _check_ids(deploy=False)
    settings.REVOCATION_SIGNING_KEY = base64.b64encode(bytes(32)).decode()
    configured = _check_ids(deploy=True)

    assert debug == {"revocations.W001"}
    assert deployed == {"revocations.E001"}
    assert everyday == set()  # migrations and the tests' own commands still run with DEBUG off
    assert configured == set()


def test_keygen_prints_a_seed_whose_public_key_the_key_command_then_prints(settings):
    made = StringIO()
    call_command("revocation_keygen", stdout=made)
    seed = made.getvalue().splitlines()[0].removeprefix("REVOCATION_SIGNING_KEY=")
    settings.REVOCATION_SIGNING_KEY = seed
    shown = StringIO()
    call_command("revocation_key", stdout=shown, stderr=StringIO())

    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert shown.getvalue().splitlines() == [
        f"public_key {base64.b64encode(public).decode()}",
        f"key_id {hashlib.sha256(public).hexdigest()[:16]}",
    ]


@pytest.mark.django_db
def test_after_a_rotation_every_signature_is_by_the_new_key_before_and_after_resigning(seeded, hub_receiver, settings):
    delivered("disable", repository=RepositoryFactory(revision="0a1b2c3"))
    settings.REVOCATION_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    new_key = signing_key().public_b64
    served_before = APIClient().get("/api/v1/revocations").content
    resigned = StringIO()
    call_command("revocation_key", "--resign", stdout=resigned, stderr=StringIO())
    served_after = APIClient().get("/api/v1/revocations").content

    assert page_check(served_before, keys=pinned([new_key]), after=0)["entries"][0]["seq"] == 1
    assert "signed again 1" in resigned.getvalue()
    assert served_after == served_before  # Ed25519 is deterministic: the same bytes, now stored

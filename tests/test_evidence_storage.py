"""Evidence survives production: the image's own non-root user writes it to a named volume that web
and worker share, or it goes to an S3-compatible bucket, private, read only through hubmod's views.

Docker cannot run here, so the image and the compose file are read as text and YAML; the write path
itself runs for real as a non-root user, and against a real S3 API (moto's server on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import re
import shutil
import site
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3
import pytest
import yaml
from django.conf import settings as django_settings
from django.db import connection
from rest_framework.test import APIClient

from hubmod.staff.models import StaffToken
from reports.models import Evidence
from tests.conftest import api_for
from tests.factories import RepositoryFactory, moderator
from tests.flows import file

BASE_DIR = Path(django_settings.BASE_DIR)
EVIDENCE = b"The model card names a private person and their home address.\n"


def dockerfile() -> list[str]:
    """Its instructions, one per entry, continuation lines joined."""
    text = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def image_media_root() -> str:
    [env] = [line for line in dockerfile() if line.startswith("ENV ")]
    return re.search(r"\bMEDIA_ROOT=(\S+)", env).group(1)


def test_web_and_worker_share_a_named_volume_at_the_media_root():
    spec = compose()
    media_roots = set()
    mounts = {}
    for service in ("web", "worker"):
        config = spec["services"][service]
        media_root = config["environment"]["MEDIA_ROOT"]
        media_roots.add(media_root)
        mounts[service] = {
            volume.split(":")[0] for volume in config.get("volumes", []) if volume.split(":")[1] == media_root
        }
    assert media_roots == {image_media_root()}
    assert mounts["web"] == mounts["worker"] == {"evidence"}
    # Named (declared at the top level), not a path on one host nor an anonymous per-container volume.
    assert "evidence" in spec["volumes"]


def test_the_image_runs_as_its_own_non_root_user_who_owns_the_media_root():
    lines = dockerfile()
    [user_line] = [line for line in lines if line.startswith("USER ")]
    user = user_line.split()[1]
    assert user not in ("root", "0", "nobody")
    [useradd] = [line for line in lines if "useradd" in line]
    uid = int(re.search(r"--uid (\d+)", useradd).group(1))
    assert uid >= 1000
    assert re.search(rf"useradd .*\b{user}$", useradd)
    media_root = image_media_root()
    # Created owned by the user after everything else is copied in, and before the switch to it.
    owned = [
        i for i, line in enumerate(lines) if re.search(rf"install -d -o {user} -g \S+ -m 07\d0 .*{media_root}", line)
    ]
    assert owned
    assert owned[-1] < lines.index(user_line)
    assert lines.index(next(line for line in lines if line.startswith("COPY . "))) < owned[-1]


def test_compose_requires_the_signing_key_and_passes_the_storage_settings_through():
    env = compose()["x-hubmod"]["environment"]
    assert env["AUDIT_CHECKPOINT_SIGNING_KEY"].startswith("${AUDIT_CHECKPOINT_SIGNING_KEY:?")
    for name in ("EVIDENCE_STORAGE", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID"):
        assert env[name].startswith(f"${{{name}:-")


# Run as the non-root user: file a report, attach evidence through the API, read it back as staff.
AS_USER = """
import json, os, sys
import django
django.setup()
from rest_framework.test import APIClient
from reports.models import Evidence

filed = APIClient().post("/api/v1/reports", json.loads(os.environ["REPORT"]), format="json")
assert filed.status_code == 201, filed.content
body = filed.json()
with open(os.environ["UPLOAD"], "rb") as upload:
    attached = APIClient().post(
        f"/api/v1/reports/{body['id']}/evidence?receipt={body['receipt']}", {"file": upload}, format="multipart"
    )
assert attached.status_code == 201, attached.content
[stored] = attached.json()
evidence = Evidence.objects.get(report_id=body["id"], sha256=stored["sha256"])
staff = APIClient()
staff.credentials(HTTP_AUTHORIZATION="Bearer " + os.environ["STAFF_TOKEN"])
read = staff.get(f"/api/v1/evidence/{evidence.pk}")
content = b"".join(read.streaming_content) if read.streaming else read.content
print(json.dumps({"uid": os.getuid(), "name": evidence.file.name, "status": read.status_code,
                  "read": content.decode()}))
"""


def reachable_by_others(path: Path) -> bool:
    """Whether a user who is neither owner nor in the group may reach and run `path`."""
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


def interpreter_for_others() -> str | None:
    """This Python, or the system's of the same minor version where this one sits in a home only root
    may enter (pyenv under /root): the venv's packages come along through PYTHONPATH."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path(sys.executable).resolve(), Path("/usr/local/bin", version), Path("/usr/bin", version)):
        if candidate.exists() and reachable_by_others(candidate.resolve()):
            return str(candidate)
    return None


@pytest.mark.django_db(transaction=True)
def test_a_non_root_user_writes_evidence_to_a_media_root_it_owns_and_reads_it_back(seeded, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("switching to another user needs root; CI runs as root")
    python = interpreter_for_others()
    if python is None:
        pytest.skip(f"no {sys.version_info.major}.{sys.version_info.minor} interpreter a non-root user may run")
    user = pwd.getpwnam("nobody")
    media_root = Path(tempfile.mkdtemp(prefix="hubmod-media-"))
    os.chown(media_root, user.pw_uid, user.pw_gid)
    media_root.chmod(0o750)
    upload = media_root.parent / f"{media_root.name}-upload.txt"
    upload.write_bytes(EVIDENCE)
    upload.chmod(0o644)
    repo = RepositoryFactory()
    _, token = StaffToken.objects.create_key(name="test", user=moderator())
    report = {
        "subject": {"type": "repository", "id": repo.full_name},
        "category": "other",
        "details": {"explanation": "The card doxxes someone."},
    }
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    try:
        run = subprocess.run(
            [python, "-c", AS_USER],
            user=user.pw_uid,
            group=user.pw_gid,
            extra_groups=[],
            env={
                # No Redis: its client needs a backport on this older system Python; tasks run eagerly.
                **{k: v for k, v in os.environ.items() if k.startswith(("PATH", "LANG"))},
                "DJANGO_SETTINGS_MODULE": "hubmod.settings",
                "DATABASE_URL": database_url,
                "CONN_MAX_AGE": "0",
                "MEDIA_ROOT": str(media_root),
                "CELERY_TASK_ALWAYS_EAGER": "true",
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONPATH": os.pathsep.join([str(BASE_DIR), *site.getsitepackages()]),
                "HOME": "/nonexistent",
                "REPORT": json.dumps(report),
                "UPLOAD": str(upload),
                "STAFF_TOKEN": token,
            },
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        result = json.loads(run.stdout.strip().splitlines()[-1])
        stored = media_root / result["name"]

        assert result["uid"] == user.pw_uid
        assert (result["status"], result["read"]) == (200, EVIDENCE.decode())
        assert stored.read_bytes() == EVIDENCE
        assert stored.stat().st_uid == user.pw_uid
        assert (
            result["name"]
            == f"evidence/{hashlib.sha256(EVIDENCE).hexdigest()[:2]}/{hashlib.sha256(EVIDENCE).hexdigest()}"
        )
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
        upload.unlink(missing_ok=True)


def s3_storages(env: dict[str, str]) -> dict:
    """STORAGES as hubmod/settings.py builds it from this environment, in a fresh process."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EVIDENCE_", "HUBMOD_"))}
    run = subprocess.run(
        [sys.executable, "-c", "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"],
        env={**base, "DJANGO_SETTINGS_MODULE": "hubmod.settings", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def test_s3_storage_needs_a_bucket_and_is_private():
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EVIDENCE_"))}
    refused = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.STORAGES"],
        env={**base, "DJANGO_SETTINGS_MODULE": "hubmod.settings", "EVIDENCE_STORAGE": "s3"},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "EVIDENCE_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in refused.stderr

    options = s3_storages({"EVIDENCE_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "evidence"})["default"]["OPTIONS"]
    assert (options["default_acl"], options["querystring_auth"]) == ("private", True)


@pytest.fixture(scope="module")
def s3_server():
    moto_server = pytest.importorskip("moto.server", reason="moto[server] (requirements-dev.txt) fakes S3")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.mark.django_db
def test_evidence_is_stored_in_and_read_from_an_s3_compatible_bucket(seeded, settings, s3_server, tmp_path):
    credentials = {"AWS_ACCESS_KEY_ID": "hubmod", "AWS_SECRET_ACCESS_KEY": "hubmod-secret"}
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="hubmod",
        aws_secret_access_key="hubmod-secret",
    )
    s3.create_bucket(Bucket="hubmod-evidence")
    settings.STORAGES = s3_storages(
        {
            "EVIDENCE_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "hubmod-evidence",
            "AWS_S3_ENDPOINT_URL": s3_server,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
            **credentials,
        }
    )
    # Nothing may land on the local disk instead.
    settings.MEDIA_ROOT = tmp_path / "unused"
    filed = file(RepositoryFactory())
    upload = tmp_path / "doxx.txt"
    upload.write_bytes(EVIDENCE)

    with upload.open("rb") as f:
        answer = APIClient().post(
            f"/api/v1/reports/{filed['id']}/evidence?receipt={filed['receipt']}", {"file": f}, format="multipart"
        )

    assert answer.status_code == 201, answer.content
    evidence = Evidence.objects.get(report_id=filed["id"])
    stored = s3.get_object(Bucket="hubmod-evidence", Key=evidence.file.name)
    assert stored["Body"].read() == EVIDENCE
    grants = s3.get_object_acl(Bucket="hubmod-evidence", Key=evidence.file.name)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no AuthenticatedUsers
    assert not (tmp_path / "unused").exists()

    read = api_for(moderator()).get(f"/api/v1/evidence/{evidence.pk}")
    assert read.status_code == 200
    assert b"".join(read.streaming_content) == EVIDENCE
    assert APIClient().get(f"/api/v1/evidence/{evidence.pk}").status_code == 401

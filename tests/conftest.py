import base64
import os
import secrets

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from devtools.hub_receiver import HubReceiver
from hub.models import HubKey
from hubmod.celery import app as celery_app
from hubmod.seed import seed
from hubmod.staff.models import StaffToken
from policy.sla import sla_rules_forget


def pytest_report_header(config):
    db = os.environ.get("DATABASE_URL") or "SQLite (embedded default)"
    broker = os.environ.get("REDIS_URL") or "embedded SQLite broker"
    return [f"hubmod test backends: database={db.split('@')[-1]} broker={broker}"]


@pytest.fixture(autouse=True)
def _eager_tasks_unless_integration(request):
    """In-process tests run tasks eagerly; integration tests use a real worker."""
    eager = request.node.get_closest_marker("integration") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and other cached state never leak from one test into the next."""
    cache.clear()
    sla_rules_forget()


@pytest.fixture
def webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def hub_receiver(settings, webhook_secret):
    """A real HTTP server on 127.0.0.1 standing in for the hub; it verifies every signature."""
    receiver = HubReceiver(secret=webhook_secret, hang_seconds=5).start()
    settings.HUB_WEBHOOK_URL = receiver.url
    settings.HUB_WEBHOOK_SECRET = webhook_secret
    yield receiver
    receiver.stop()


@pytest.fixture
def seeded(db):
    seed()


def hub_client() -> APIClient:
    """An API client holding a new hub integration key."""
    _, key = HubKey.objects.create_key(name="test hub")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def hub_api(db) -> APIClient:
    return hub_client()


def api_for(user) -> APIClient:
    _, token = StaffToken.objects.create_key(name="test", user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client

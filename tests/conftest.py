import base64
import fcntl
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.signals import setting_changed
from django.test.utils import setup_databases, teardown_databases
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from devtools.hub_receiver import HubReceiver
from hub.models import HubKey
from hubmod.celery import app as celery_app
from hubmod.seed import seed
from hubmod.staff.models import StaffToken
from policy.models import PolicySection, PolicyVersion
from policy.sla import sla_rules_forget

# Under pytest-xdist each worker ("gw0", "gw1", ...) is a process of its own with its own test
# database (pytest-django adds the suffix); what it shares with the others outside the database is
# made its own here, before any test runs: the Celery queue its real worker consumes, and the Redis
# database of the cache, which every test clears (a FLUSHDB) and which holds rate-limit counters.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _redis_db_url(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def _isolate_xdist_worker(worker: str) -> None:
    """Give this xdist worker its own queue and cache database, here and in the processes it starts.

    Django settings are loaded before this conftest, so they are set on the live settings object
    and in the environment the Celery worker and stacks inherit."""
    index = int(worker.removeprefix("gw"))
    queue = f"{django_settings.CELERY_TASK_DEFAULT_QUEUE}-{worker}"
    os.environ["CELERY_QUEUE"] = queue
    django_settings.CELERY_TASK_DEFAULT_QUEUE = queue
    celery_app.conf.task_default_queue = queue
    scan_queue = f"{queue}.scan"
    os.environ["SCAN_QUEUE"] = django_settings.SCAN_QUEUE = scan_queue
    celery_app.conf.task_routes = {"scanning.*": {"queue": scan_queue}}
    celery_app.amqp.flush_routes()
    celery_app.amqp.router = celery_app.amqp.Router()
    cache_url = os.environ.get("REDIS_CACHE_URL")
    if not cache_url or not os.environ.get("REDIS_URL"):
        return  # the local-memory cache is per process already
    # Counting down from the given database: the broker's sits above the cache's in every
    # configuration we use (15 over 14 in CI), and the rest of 0-15 is free.
    db = int(urlsplit(cache_url).path.strip("/") or 0) - index
    broker_db = int(urlsplit(os.environ["REDIS_URL"]).path.strip("/") or 0)
    if db < 0 or db == broker_db:
        raise pytest.UsageError(
            f"xdist worker {worker} would use Redis database {db} for its cache; set REDIS_CACHE_URL to a "
            f"database with {index} free ones below it, apart from the broker's ({broker_db})."
        )
    cache_url = _redis_db_url(cache_url, db)
    os.environ["REDIS_CACHE_URL"] = cache_url
    caches = {**django_settings.CACHES, "default": {**django_settings.CACHES["default"], "LOCATION": cache_url}}
    django_settings.CACHES = caches
    # Django's own hook for a changed CACHES: drops cache connections made with the old location.
    setting_changed.send(sender=None, setting="CACHES", value=caches, enter=True)


if XDIST_WORKER:
    _isolate_xdist_worker(XDIST_WORKER)


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_this_session(tmp_path_factory):
    """Evidence files land in this session's directory (each xdist worker has its own), not in the
    checkout's media/: files are named by their sha256, so two workers would share and purge them."""
    media_root = tmp_path_factory.mktemp("media")
    previous, previous_env = django_settings.MEDIA_ROOT, os.environ.get("MEDIA_ROOT")
    django_settings.MEDIA_ROOT = media_root
    os.environ["MEDIA_ROOT"] = str(media_root)  # for the Celery worker and stacks started from here
    setting_changed.send(sender=None, setting="MEDIA_ROOT", value=media_root, enter=True)
    yield media_root
    django_settings.MEDIA_ROOT = previous
    if previous_env is None:
        os.environ.pop("MEDIA_ROOT", None)
    else:
        os.environ["MEDIA_ROOT"] = previous_env
    setting_changed.send(sender=None, setting="MEDIA_ROOT", value=previous, enter=False)


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


# Every app's defaults (policy, roles, licenses, checklist...) are loaded once into each test
# database, right after it is created, and stay: a test in a transaction rolls its changes back. A
# transactional test ends with a flush that empties the database; the next test that asks for
# `seeded` loads them again, before its own transaction begins. pytest-django runs the
# transactional tests after the others, so that happens for few tests.
_seed = {"flushed": False}


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb,
    django_db_modify_db_settings, tmp_path_factory,
):  # fmt: skip
    """pytest-django's test database, migrated and seeded; on PostgreSQL under xdist the first worker
    builds a template database once and every worker copies it (CREATE DATABASE ... TEMPLATE takes
    a fraction of a second, migrating takes half a minute per worker on two cores)."""
    keepdb = django_db_keepdb and not django_db_createdb
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if XDIST_WORKER and connection.vendor == "postgresql" and not keepdb:
            worker_db = _worker_database_from_template(tmp_path_factory.getbasetemp().parent, verbosity)
        else:
            db_cfg = setup_databases(verbosity=verbosity, interactive=False, keepdb=keepdb, serialized_aliases=[])
            seed()
    yield
    if keepdb:
        return
    with django_db_blocker.unblock():
        if XDIST_WORKER and connection.vendor == "postgresql":
            connection.creation.destroy_test_db(worker_db, verbosity)
        else:
            teardown_databases(db_cfg, verbosity=verbosity)


def _template_name() -> str:
    """test_<name>_template, whether asked by a worker (its test database is test_<name>_gw<n>) or
    by the controller."""
    test_name = connection.settings_dict["TEST"]["NAME"] or f"test_{connection.settings_dict['NAME']}"
    return f"{test_name.removesuffix(f'_{XDIST_WORKER}') if XDIST_WORKER else test_name}_template"


def _worker_database_from_template(shared: Path, verbosity: int) -> str:
    """Copy the run's template database (made here by whichever worker comes first) to this
    worker's test database; returns the name of the database the connection used before."""
    original_name = connection.settings_dict["NAME"]
    worker_test_name = connection.settings_dict["TEST"]["NAME"]
    template = _template_name()
    with (shared / "template-db.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here while the first builds it
        ready = shared / "template-db.ready"
        if not ready.exists():
            connection.settings_dict["TEST"]["NAME"] = template
            connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
            seed()
            connection.close()  # PostgreSQL copies a template only while nobody is connected to it
            ready.write_text(template)
        connection.settings_dict["NAME"] = original_name
        connection.settings_dict["TEST"]["NAME"] = worker_test_name
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{worker_test_name}"')
            cursor.execute(f'CREATE DATABASE "{worker_test_name}" WITH TEMPLATE "{template}"')
    connection.close()
    django_settings.DATABASES[connection.alias]["NAME"] = worker_test_name
    connection.settings_dict["NAME"] = worker_test_name
    return original_name


def pytest_sessionfinish(session):
    """The xdist controller drops the template database once every worker is done with it."""
    if hasattr(session.config, "workerinput") or not session.config.pluginmanager.hasplugin("xdist"):
        return
    if not getattr(session.config.option, "numprocesses", None) or connection.vendor != "postgresql":
        return
    with session.config.stash[blocking_manager_key].unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{_template_name()}"')


def _flushes_database(item: pytest.Item) -> bool:
    """Does this test end with a flush, as pytest-django's transactional tests do?"""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if _seed["flushed"] and "seeded" in item.fixturenames:
        with item.config.stash[blocking_manager_key].unblock():
            seed()
        _seed["flushed"] = False
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if _flushes_database(item):
            _seed["flushed"] = True


@pytest.fixture
def no_policy(db):
    """No hub policy published yet: the seed's default one is removed for this test (rolled back)."""
    PolicySection.objects.all().delete()  # sections protect their version from deletion
    PolicyVersion.objects.all().delete()


@pytest.fixture
def empty_audit_log(db):
    """An audit log with no events yet, for tests that count from the chain's first event: the
    seed's own events are removed for this test (rolled back). PostgreSQL's append-only trigger is
    lifted for the delete alone, before the test has written anything."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("DELETE FROM audit_auditchainhead")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


@pytest.fixture
def seeded(db):
    """The project's defaults, as `manage.py seed` loads them (see django_db_setup above)."""


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

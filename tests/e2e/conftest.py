"""Real parts for the integration tests: a Celery worker process on the configured broker and
database, and the stand-in hub's HTTP receiver on 127.0.0.1."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from devtools.hub_receiver import HubReceiver

PROJECT = Path(__file__).resolve().parents[2]


def _database_url_of_test_db() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def integration_hub(webhook_secret_session):
    receiver = HubReceiver(secret=webhook_secret_session, hang_seconds=4).start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def webhook_secret_session() -> str:
    import base64
    import secrets

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sent-mail")


class Worker:
    def __init__(self, env: dict, log: Path, queue: str | None = None):
        self.env = env
        self.log = log
        self.queue = queue or django_settings.CELERY_TASK_DEFAULT_QUEUE
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Worker":
        queue = self.queue
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hubmod",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            # Each xdist worker runs a Celery worker of its own on the one broker: a name of its own
            # keeps their replies to a broadcast ping (the health check's) apart.
            "-n",
            f"{queue}-{os.getpid()}@%h",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "info",
        ]
        with self.log.open("a") as out:
            self.process = subprocess.Popen(command, cwd=PROJECT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited at start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"The worker was not ready in {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def worker_env(django_db_setup, django_db_blocker, live_server, integration_hub, mail_dir):
    with django_db_blocker.unblock():
        database_url = _database_url_of_test_db()
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "BASE_URL": live_server.url,
        "HUB_WEBHOOK_URL": integration_hub.url,
        "HUB_WEBHOOK_SECRET": integration_hub.secret,
        "HUB_WEBHOOK_READ_TIMEOUT": "2",
        "ENFORCEMENT_RETRY_BASE_SECONDS": "0.5",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }


@pytest.fixture(scope="session")
def celery_worker(worker_env, tmp_path_factory):
    """One real worker for the session, on the same broker and test database as the tests."""
    worker = Worker(worker_env, tmp_path_factory.mktemp("worker") / "worker.log").start()
    yield worker
    worker.stop()


@pytest.fixture
def real_parts(transactional_db, celery_worker, integration_hub, live_server, settings):
    """Everything an integration test talks to, with the hub receiver's record cleared."""
    integration_hub.deliveries.clear()
    integration_hub.script.clear()
    settings.BASE_URL = live_server.url
    return live_server.url


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """One browser for this module; closed after it, since Playwright's sync API keeps an event
    loop in this thread while it runs, which async Django views elsewhere must not meet."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"No chromium at {CHROMIUM}: install Debian's chromium package (make test does it as root).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context on the live server, closed after the test."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()

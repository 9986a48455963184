"""Submission to the DSA Transparency Database, against a local HTTP server answering as its API
documents: batches of at most 100, all-or-nothing answers, puid uniqueness, ids and permalinks
kept, nothing personal sent."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from moderation.models import StatementSubmission
from moderation.transparency.tdb import statements_submit_batch
from tests.conftest import api_for
from tests.dsa_tdb import problems
from tests.factories import RepositoryFactory, moderator
from tests.reports.samples import IDENTITY
from tests.test_transparency import decide, file


class FakeTransparencyDatabase:
    """Keeps the puids it holds; refuses a whole batch with a 422 if any statement is wrong."""

    def __init__(self):
        self.held: set[str] = set()
        self.batches: list[list[dict]] = []
        self.tokens: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                server.tokens.append(self.headers.get("authorization", ""))
                statements = body["statements"]
                server.batches.append(statements)
                errors = {}
                for i, statement in enumerate(statements):
                    found = {"puid": ["The puid has already been taken."]} if statement["puid"] in server.held else {}
                    for problem in problems(statement):
                        found.setdefault("statement", []).append(problem)
                    if len(statements) > 100:
                        found.setdefault("statements", []).append("At most 100 statements.")
                    if found:
                        errors[f"statement_{i}"] = found
                if errors:
                    self._answer(422, {"message": "The given data was invalid.", "errors": errors})
                    return
                created = []
                for statement in statements:
                    server.held.add(statement["puid"])
                    uuid = f"uuid-{len(server.held)}"
                    created.append({**statement, "uuid": uuid,
                                    "permalink": f"https://tdb.example/statement/{uuid}"})  # fmt: skip
                self._answer(201, {"statements": created})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def tdb(settings):
    server = FakeTransparencyDatabase()
    settings.DSA_TDB_ENABLED, settings.DSA_TDB_URL, settings.DSA_TDB_TOKEN = True, server.url, "X|token"
    settings.REPORT_RATE_PER_ADDRESS = settings.REPORT_RATE_PER_REPORTER = "1000/h"
    yield server
    server.stop()


def make_decisions(n):
    mod = api_for(moderator())
    for _ in range(n):
        decide(mod, file(RepositoryFactory(), "spam")["case_id"], ["warn"], {"policy_section": "spam"})


@pytest.mark.django_db
def test_statements_go_in_batches_of_100_and_keep_their_ids_and_permalinks(seeded, hub_receiver, tdb):
    make_decisions(101)

    first, second, third = statements_submit_batch(), statements_submit_batch(), statements_submit_batch()

    assert [len(batch) for batch in tdb.batches] == [100, 1]
    assert (first.created, second.created, third.sent) == (100, 1, 0)
    assert tdb.tokens[0] == "Bearer X|token"
    submission = StatementSubmission.objects.order_by("id").first()
    assert submission.tdb_uuid.startswith("uuid-")
    assert submission.permalink.startswith("https://tdb.example/statement/")
    sent = json.dumps(tdb.batches)
    assert IDENTITY["email"] not in sent
    assert IDENTITY["name"] not in sent


@pytest.mark.django_db
def test_a_puid_the_database_already_holds_counts_as_submitted_and_the_rest_go_next_time(seeded, hub_receiver, tdb):
    make_decisions(3)
    from moderation.models import Decision
    from moderation.transparency.statements import puid

    tdb.held.add(puid(Decision.objects.order_by("id").first()))

    refused = statements_submit_batch()
    retried = statements_submit_batch()

    assert (refused.already_there, refused.refused, refused.created) == (1, 2, 0)
    assert retried.created == 2
    assert StatementSubmission.objects.filter(submitted_at__isnull=False).count() == 3
    assert StatementSubmission.objects.filter(attempts=1).count() == 2


@pytest.mark.django_db
def test_nothing_is_sent_when_switched_off(seeded, hub_receiver, tdb, settings):
    settings.DSA_TDB_ENABLED = False
    make_decisions(1)

    assert statements_submit_batch().sent == 0
    assert tdb.batches == []


@pytest.mark.django_db
def test_an_unreachable_database_is_recorded_and_retried(seeded, hub_receiver, settings):
    settings.DSA_TDB_ENABLED, settings.DSA_TDB_URL, settings.DSA_TDB_TOKEN = True, "http://127.0.0.1:9/api/v1", "t"
    make_decisions(1)

    result = statements_submit_batch()

    assert result.created == 0
    assert StatementSubmission.objects.get().attempts == 1
    assert StatementSubmission.objects.get().submitted_at is None

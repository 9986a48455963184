"""When a repository is removed, quarantined or disabled, the owners of what is built on it (its
lineage, however deep) are told what changed and what it means for them, in their language: for
information, with no strike and no decision on their repositories (issue 22)."""

import pytest

from hub.models import Repository
from hubmod.audit.models import AuditEvent
from moderation.models import Decision, Strike
from tests.conftest import api_for, hub_client
from tests.factories import AccountFactory, moderator
from tests.flows import committed, decide, file


def sync(full_name: str, base: str | None = None, relation: str = "finetune") -> Repository:
    body = {"kind": "model", **({"base_models": [{"repo_id": base, "relation": relation}]} if base else {})}
    assert hub_client().put(f"/api/v1/hub/repositories/{full_name}", body, format="json").status_code in (200, 201)
    return Repository.objects.get(full_name=full_name)


@pytest.fixture
def lineage(seeded):
    AccountFactory(handle="acme", email="acme@example.org")
    AccountFactory(handle="bob", email="bob@example.org", language="de")
    AccountFactory(handle="carol", email="carol@example.org")
    base = sync("acme/base")
    sync("acme/base-chat", "acme/base")  # the uploader's own: they have the statement of reasons
    sync("bob/base-ft", "acme/base")
    sync("carol/base-ft-q4", "bob/base-ft", "quantized")
    return base


def act(repository: Repository, actions: list[str]):
    case_id = file(repository, "malicious_code")["case_id"]
    with committed():
        answer = decide(api_for(moderator()), case_id, actions=actions, departure_reason="The loader runs a shell.")
    assert answer.status_code == 200, answer.content
    return answer.json()["decision"]["id"]


@pytest.mark.django_db
def test_the_owners_built_on_a_quarantined_repository_are_told_in_their_language(lineage, hub_receiver, mailoutbox):
    decision_id = act(lineage, ["quarantine"])

    to = {m.to[0]: m for m in mailoutbox if "built on" in m.body or "aufbaut" in m.body}
    assert set(to) == {"bob@example.org", "carol@example.org"}
    assert "Ihr Repository bob/base-ft" in to["bob@example.org"].body
    assert "Quarantäne" in to["bob@example.org"].body
    carol = to["carol@example.org"]
    assert carol.subject == "acme/base, which your work is built on, was Quarantine"
    assert "your repository carol/base-ft-q4 is built on" in carol.body
    assert "No action was taken on your repository and no strike was given" in carol.body
    assert f"/transparency/statements/hubmod-decision-{decision_id}/" in carol.body
    assert "/notices/" not in carol.body  # the uploader's appeal link stays theirs
    assert not Strike.objects.filter(account__handle__in=["bob", "carol"]).exists()
    assert not Decision.objects.filter(case__repository__owner__handle__in=["bob", "carol"]).exists()
    assert AuditEvent.objects.get(verb="lineage.informed").data == {"owners": 2, "repositories": 2}


@pytest.mark.django_db
def test_a_delisting_tells_no_one_downstream(lineage, hub_receiver, mailoutbox):
    act(lineage, ["delist"])

    assert not [m for m in mailoutbox if "built on" in m.body]
    assert not AuditEvent.objects.filter(verb="lineage.informed").exists()

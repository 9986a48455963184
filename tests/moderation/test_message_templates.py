"""Message templates: filled from the case, per action and language; the moderator reads the notice
before sending; a text that still holds a placeholder is refused, whichever template it came from."""

import pytest
from django.test import Client

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from moderation.models import Case, Decision
from moderation.services.decisions import Ground, case_decide, case_dismiss
from moderation.services.questions import question_ask
from policy.models import MessageTemplate
from tests.factories import RepositoryFactory, moderator
from tests.flows import file


@pytest.fixture
def working(seeded):
    """A moderator's claimed case, reported about one file at one revision."""
    mia = moderator()
    repo = RepositoryFactory(owner__handle="acme", name="tiny", revision="0123abcd")
    repo.owner.email = "ada@acme.example"
    repo.owner.save(update_fields=["email"])
    case_id = file(repo, "other", path="data/train.jsonl")["case_id"]
    console = Client()
    console.force_login(mia)
    console.post(f"/console/cases/{case_id}/claim")
    assert Case.objects.get(pk=case_id).state == "in_review"
    return mia, console, case_id


def delist_template() -> MessageTemplate:
    return MessageTemplate.objects.get(kind="statement", name="Delist", language="en")


@pytest.mark.django_db
def test_a_template_is_filled_from_the_case_and_put_in_the_form(working):
    _, console, case_id = working
    page = console.get(f"/console/cases/{case_id}/").content.decode()
    assert 'data-testid="statement-templates"' in page
    assert f"template={delist_template().pk}#decide" in page

    filled = console.get(f"/console/cases/{case_id}/?template={delist_template().pk}").content.decode()
    assert "In acme/tiny at 0123abcd, data/train.jsonl [what we found there]." in filled
    assert "This breaks [policy section]." in filled  # not chosen yet: the moderator writes it


@pytest.mark.django_db
def test_a_statement_that_still_holds_a_placeholder_is_refused_from_any_template(working):
    mia, _, case_id = working
    text = "In acme/tiny, data/train.jsonl [what we found there]. This breaks the policy."
    with pytest.raises(ApplicationError, match="placeholders") as refused:
        case_decide(case_id=case_id, actor=Actor.staff(mia), actions=["delist"],
                    ground=Ground(policy_section="harmful-use"), intent="deliberate", statement=text,
                    departure_reason="Test.")  # fmt: skip
    assert "[what we found there]" in str(refused.value.field_errors)
    with pytest.raises(ApplicationError, match="placeholders"):
        case_dismiss(case_id=case_id, actor=Actor.staff(mia), reason="no_violation",
                     statement="We looked at {subject} and found nothing.")  # fmt: skip
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_the_moderator_reads_the_uploaders_notice_before_deciding_and_nothing_is_decided(working):
    _, console, case_id = working
    body = {"actions": ["delist"], "ground": "policy:harmful-use", "intent": "deliberate", "departure_reason": "Test.",
            "statement": "data/train.jsonl copies a novel's chapters word for word.", "preview": "1"}  # fmt: skip

    preview = console.post(f"/console/cases/{case_id}/decide", body)

    assert preview.status_code == 200
    page = preview.content.decode()
    notice = page[page.index('data-testid="notice-preview"') :]
    assert "What the uploader will read" in notice
    assert "copies a novel&#x27;s chapters word for word" in notice
    assert "delist" in notice
    assert not Decision.objects.exists()
    assert Case.objects.get(pk=case_id).state == "in_review"

    left = console.post(
        f"/console/cases/{case_id}/decide",
        body | {"statement": "It copies a novel. [why a lesser action would not do]"},
    )
    assert left.status_code == 400
    assert "Replace [why a lesser action would not do] with what you found" in left.content.decode()


@pytest.mark.django_db
def test_a_question_template_is_filled_with_the_answer_deadline_and_its_placeholders_refused(working):
    mia, console, case_id = working
    template = MessageTemplate.objects.get(kind="question", name="License of the base model", language="en")
    page = console.get(f"/console/cases/{case_id}/?question_template={template.pk}").content.decode()
    assert "Which license does the model it is built on carry, and how does acme/tiny keep to it?" in page
    assert "Please answer by 20" in page  # the date the question's clock would end

    with pytest.raises(ApplicationError, match="placeholders"):
        question_ask(actor=Actor.staff(mia), case_id=case_id,
                     text="Which license? [anything specific you need]. Please answer soon.")  # fmt: skip

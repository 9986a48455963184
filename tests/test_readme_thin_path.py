"""The README's thin path with curl, run as written: every command it shows, in order, against the
API, with the credentials `make run` prints. A newcomer who follows it must never dead-end (an
appeal with nobody eligible to decide it, a step that is not a command)."""

import json
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from hub.models import HubKey
from hubmod.staff.services import staff_create

README = Path(settings.BASE_DIR) / "README.md"


def thin_path_commands() -> list[tuple[list[str], str]]:
    """The curl commands of the thin path section, each as argv, with its trailing comment."""
    section = README.read_text(encoding="utf-8").split("## The thin path with curl", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    commands = []
    for block in blocks:
        text = block.replace("\\\n", " ")
        for chunk in re.split(r"\n(?=curl )", text):
            if not chunk.startswith("curl "):
                continue
            body, _, comment = chunk.partition("  # ")
            # The comment is after the command's closing quote; a '#' inside a JSON body is not one.
            if body.count("'") % 2:
                body, comment = chunk, ""
            commands.append((shlex.split(body), comment.strip()))
    return commands


def run(client: APIClient, argv: list[str], tokens: dict[str, str], receipt: str):
    method, url, headers, data = "GET", "", {}, None
    args = iter(argv[1:])
    for arg in args:
        if arg == "-X":
            method = next(args)
        elif arg == "-H":
            name, _, value = next(args).partition(": ")
            headers[name.lower()] = value
        elif arg == "-d":
            data = json.loads(next(args))
        else:
            url = arg
    path = url.replace("$api", "/api/v1").replace("<the receipt the report was answered with>", receipt)
    auth = headers.get("authorization", "")
    for name, token in tokens.items():
        auth = auth.replace(f"${name}", token)
    assert "$" not in auth, f"the README uses a credential make run does not print: {auth}"
    kwargs = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.generic(method, path, json.dumps(data) if data is not None else "", "application/json", **kwargs)


# Enforcement is dispatched on commit, as in production; ids start at 1, as on a new install.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_readmes_thin_path_runs_as_written_to_a_reversal(seeded, hub_receiver):
    # The credentials scripts/run.sh creates and prints.
    tokens = {
        "MOD": staff_create(username="demo-moderator", role_group="moderators")[1],
        "REV": staff_create(username="demo-reviewer", role_group="appeal_reviewers")[1],
        "SENIOR": staff_create(username="demo-senior", role_group="appeal_reviewers")[1],
        "HUB": HubKey.objects.create_key(name="demo-hub")[1],
    }
    client, receipt, answers = APIClient(), "", []
    commands = thin_path_commands()

    for argv, comment in commands:
        answer = run(client, argv, tokens, receipt)
        assert answer.status_code < 400, f"{shlex.join(argv)} -> {answer.status_code} {answer.content[:300]}"
        body = answer.json() if answer.content else {}
        receipt = body.get("receipt", receipt)
        if expected := re.match(r"(visibility|status): (\w+)", comment):
            field, value = expected.groups()
            assert body[field] == value, f"{shlex.join(argv)}: {field} is {body[field]}, the README says {value}"
        answers.append(body)

    assert len(commands) >= 10
    assert answers[-1]["status"] == "reversed"

"""Every operation API.md names is routed, with its method: the contract a hub codes against
cannot lose a path again (GET /api/v1/policy once answered 404). The table below is API.md's
list; where the shared API.md sits beside the checkout, the table is checked against it too."""

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

API_MD = Path(__file__).resolve().parents[2] / "shared" / "API.md"

# (method, path) as API.md writes them; placeholders stand for any value.
CONTRACT = {
    ("PUT", "/api/v1/hub/accounts/{handle}"),
    ("PUT", "/api/v1/hub/repositories/{owner}/{name}"),
    ("GET", "/api/v1/hub/repositories/{owner}/{name}"),
    ("GET", "/api/v1/report-categories"),
    ("POST", "/api/v1/reports"),
    ("GET", "/api/v1/reports/{id}"),
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{id}"),
    ("POST", "/api/v1/cases/{id}/claim"),
    ("POST", "/api/v1/cases/{id}/release"),
    ("POST", "/api/v1/cases/{id}/escalate"),
    ("POST", "/api/v1/cases/{id}/dismiss"),
    ("POST", "/api/v1/cases/{id}/decide"),
    ("GET", "/api/v1/enforcement-actions"),
    ("POST", "/api/v1/enforcement-actions/{id}/retry"),
    ("POST", "/api/v1/appeals"),
    ("GET", "/api/v1/appeals"),
    ("POST", "/api/v1/appeals/{id}/decide"),
    ("GET", "/api/v1/licenses"),
    ("GET", "/api/v1/licenses/{key}"),
    ("GET", "/api/v1/policy"),
    ("GET", "/api/v1/transparency/summary"),
    ("GET", "/api/v1/transparency/statements-of-reasons"),
    ("GET", "/api/v1/revocations"),
    ("GET", "/api/v1/revocations/key"),
    ("GET", "/api/v1/files/{sha256}/scan"),
}
SAMPLES = {"handle": "alice", "owner": "alice", "name": "tiny", "id": "1", "key": "mit", "sha256": "a" * 64}


def _concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], path)


def _allows(path: str, method: str) -> bool:
    try:
        match = resolve(_concrete(path))
    except Resolver404:
        return False
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    if view is None:  # a plain function view answers whatever it is sent
        return True
    return hasattr(view, method.lower())


def _operations_in_api_md(text: str) -> set[tuple[str, str]]:
    found = set()
    for line in text.splitlines():
        for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^\s`?]*)", line):
            found.add((method, path))
            # "`POST /api/v1/cases/{id}/claim` · `/release` · `/escalate`": siblings of the first path.
            base = path.rsplit("/", 1)[0]
            for sibling in re.findall(r"· `(/[a-z-]+)`", line):
                found.add((method, base + sibling))
        # A continuation line of such a list: "  `/dismiss` (...) · `/decide` (...)".
        if line.startswith("  `/") and (siblings := re.findall(r"`(/[a-z-]+)`", line)):
            found.update(("POST", "/api/v1/cases/{id}" + sibling) for sibling in siblings)
    return found


@pytest.mark.skipif(not API_MD.exists(), reason="the shared API.md is not beside this checkout")
def test_the_table_is_api_md_s_list_of_operations():
    assert _operations_in_api_md(API_MD.read_text(encoding="utf-8")) == CONTRACT


@pytest.mark.parametrize(("method", "path"), sorted(CONTRACT))
def test_every_operation_api_md_names_is_routed_with_its_method(method, path):
    assert _allows(path, method), f"API.md names {method} {path}, and nothing answers it"

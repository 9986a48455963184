"""licenses/catalogue.yaml and its loader: a hub admin's malformed edit is refused whole, with a message
naming the license, the clause and the field, before seed could insert any of it."""

import copy
from pathlib import Path

import pytest
import yaml

from hubmod.categories import CATEGORY_KEYS
from licenses.catalogue import CATALOGUE, CATALOGUE_PATH, CatalogueError, ClauseSpec, LicenseSpec, catalogue_read

ACME = {
    "key": "acme-1.0",
    "name": "Acme Model License",
    "spdx_id": "",
    "url": "https://acme.example/license",
    "version": "1.0",
    "actionable": True,
    "rationale": "Clear use restrictions the hub can check.",
    "clauses": [
        {
            "ref": "1.a",
            "summary": "No weapons.",
            "actionable": True,
            "categories": ["license_violation", "acceptable_use"],
            "source_url": "https://acme.example/license#1a",
        },
        {"ref": "1.b", "summary": "Credit Acme somewhere.", "actionable": False, "categories": ["license_violation"]},
    ],
}
KNOWN_CATEGORIES = ", ".join(CATEGORY_KEYS)


def _write(tmp_path: Path, licenses) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(licenses, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _acme(**changes) -> dict:
    entry = copy.deepcopy(ACME)
    entry.update(changes)
    return entry


def _acme_clause(index: int, **changes) -> dict:
    entry = copy.deepcopy(ACME)
    entry["clauses"][index].update(changes)
    return entry


def _acme_without(field: str) -> dict:
    entry = copy.deepcopy(ACME)
    del entry[field]
    return entry


def _acme_clause_without(index: int, field: str) -> dict:
    entry = copy.deepcopy(ACME)
    del entry["clauses"][index][field]
    return entry


REFUSALS = [
    # (what the admin wrote, the whole message)
    (
        [_acme(licence_url="https://acme.example")],
        "catalogue.yaml: license 'acme-1.0', field 'licence_url': unknown field "
        "(known: key, name, spdx_id, url, version, actionable, rationale, contact, clauses).",
    ),
    (
        [_acme_clause(0, note="ask legal")],
        "catalogue.yaml: license 'acme-1.0', clause '1.a', field 'note': unknown field "
        "(known: ref, summary, actionable, categories, source_url).",
    ),
    ([_acme_without("rationale")], "catalogue.yaml: license 'acme-1.0', field 'rationale': missing."),
    ([_acme_without("key")], "catalogue.yaml: license #1, field 'key': missing."),
    (
        [_acme_clause_without(1, "categories")],
        "catalogue.yaml: license 'acme-1.0', clause '1.b', field 'categories': missing.",
    ),
    (
        [_acme(version=1.0)],
        "catalogue.yaml: license 'acme-1.0', field 'version': expected text, found a number (1.0).",
    ),
    (
        [_acme_clause(0, actionable="yes")],
        "catalogue.yaml: license 'acme-1.0', clause '1.a', field 'actionable': expected true or false, "
        "found text ('yes').",
    ),
    (
        [_acme(contact=None)],
        "catalogue.yaml: license 'acme-1.0', field 'contact': expected text, found nothing.",
    ),
    (
        [_acme_clause(0, categories=["license_violation", "arson"])],
        "catalogue.yaml: license 'acme-1.0', clause '1.a', field 'categories': unknown report category 'arson' "
        f"(known: {KNOWN_CATEGORIES}).",
    ),
    (
        [_acme_clause(0, categories="spam")],
        "catalogue.yaml: license 'acme-1.0', clause '1.a', field 'categories': expected a list of category keys, "
        "found 'spam'.",
    ),
    (
        [_acme_clause(0, categories=["spam", "spam"])],
        "catalogue.yaml: license 'acme-1.0', clause '1.a', field 'categories': a category is listed twice.",
    ),
    (
        [_acme_clause(1, ref="1.a")],
        "catalogue.yaml: license 'acme-1.0', clause '1.a', field 'ref': listed twice; a ref is unique within its "
        "license.",
    ),
    (
        [ACME, _acme(name="Acme again")],
        "catalogue.yaml: license 'acme-1.0', field 'key': listed twice; a license key is unique.",
    ),
    (
        [_acme(key="Acme 1.0")],
        "catalogue.yaml: license 'Acme 1.0', field 'key': Use lowercase letters, digits, '.', '+', '_' or '-', "
        "as the hub spells the license.",
    ),
    ([_acme(url="acme.example/license")], "catalogue.yaml: license 'acme-1.0', field 'url': Enter a valid URL."),
    (
        [_acme_clause(1, summary="")],
        "catalogue.yaml: license 'acme-1.0', clause '1.b', field 'summary': This field cannot be blank.",
    ),
    (
        [_acme_clause(0, actionable=False)],
        "catalogue.yaml: license 'acme-1.0', field 'actionable': true, but none of its clauses is actionable.",
    ),
    (
        [_acme(actionable=False)],
        "catalogue.yaml: license 'acme-1.0', field 'actionable': false, but clause '1.a' is actionable.",
    ),
    (
        [_acme(clauses={"1.a": "No weapons."})],
        "catalogue.yaml: license 'acme-1.0', field 'clauses': expected a list of clauses, found a mapping.",
    ),
    (
        [_acme(clauses=["No weapons."])],
        "catalogue.yaml: license 'acme-1.0', clause #1: expected a mapping of fields, found text ('No weapons.').",
    ),
    ({"acme-1.0": ACME}, "catalogue.yaml: expected a list of licenses, found a mapping."),
]


@pytest.mark.parametrize(("licenses", "message"), REFUSALS)
def test_a_malformed_catalogue_is_refused_naming_the_license_and_the_field(tmp_path, licenses, message):
    path = _write(tmp_path, licenses)

    with pytest.raises(CatalogueError) as refused:
        catalogue_read(path)

    assert str(refused.value) == message


def test_a_version_written_as_a_bare_number_is_refused_rather_than_read_as_one(tmp_path):
    """YAML reads `version: 2.0` as the number 2.0; seeding it would store "2.0" by luck and "3.10" as "3.1"."""
    path = _write(tmp_path, [ACME])
    path.write_text(path.read_text().replace("version: '1.0'", "version: 3.10"))

    with pytest.raises(CatalogueError, match=r"license 'acme-1.0', field 'version': expected text, found a number"):
        catalogue_read(path)


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("- key: acme-1.0\n  name: [unclosed\n")

    with pytest.raises(CatalogueError, match=r"^catalogue.yaml: not valid YAML"):
        catalogue_read(path)


def test_a_well_formed_entry_reads_as_the_specs_seed_loads(tmp_path):
    """Omitted optional fields take their defaults; lists become the tuples of the frozen specs."""
    bare = {key: value for key, value in ACME.items() if key != "clauses"} | {"actionable": False}

    assert catalogue_read(_write(tmp_path, [ACME, bare | {"key": "acme-2.0"}])) == (
        LicenseSpec(
            key="acme-1.0",
            name="Acme Model License",
            spdx_id="",
            url="https://acme.example/license",
            version="1.0",
            actionable=True,
            rationale="Clear use restrictions the hub can check.",
            clauses=(
                ClauseSpec(
                    ref="1.a",
                    summary="No weapons.",
                    actionable=True,
                    categories=("license_violation", "acceptable_use"),
                    source_url="https://acme.example/license#1a",
                ),
                ClauseSpec(
                    ref="1.b", summary="Credit Acme somewhere.", actionable=False, categories=("license_violation",)
                ),
            ),
        ),
        LicenseSpec(
            key="acme-2.0",
            name="Acme Model License",
            spdx_id="",
            url="https://acme.example/license",
            version="1.0",
            actionable=False,
            rationale="Clear use restrictions the hub can check.",
        ),
    )


def test_the_shipped_catalogue_is_the_yaml_file_beside_the_module():
    assert CATALOGUE_PATH.name == "catalogue.yaml"
    assert CATALOGUE_PATH.parent.name == "licenses"
    assert catalogue_read() == CATALOGUE


def test_the_shipped_catalogue_is_plain_yaml_an_admin_can_diff():
    """No anchors, aliases or tags: every license reads in full where it stands."""
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    events = list(yaml.parse(text, Loader=yaml.SafeLoader))

    assert not [event for event in events if isinstance(event, yaml.AliasEvent)]
    assert not [event for event in events if getattr(event, "anchor", None)]
    assert not [event for event in events if getattr(event, "tag", None) is not None]

"""The starter license catalogue that `manage.py seed` loads, read from catalogue.yaml beside this module.

The data is a YAML file so that a hub admin can read and diff it; this module checks it as it is read
and refuses the whole file with a message naming the entry and the field, because seeding half a
catalogue, or a clause no report form can cite, would only surface later as a wrong decision.
"""

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import models

from hubmod.categories import CATEGORY_KEYS
from licenses.models import License, LicenseClause

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")


@dataclass(frozen=True)
class ClauseSpec:
    ref: str  # stable short reference, e.g. "AUP 1.a", "Att. A (a)", "§4(d)"; unique within its license
    summary: str  # one or two sentences, OUR OWN WORDS, plain language; never quote license text
    actionable: bool  # True when a report citing it can be decided consistently (clear, verifiable)
    categories: tuple[str, ...]  # report categories it can ground, from hubmod.categories.CATEGORY_KEYS
    source_url: str = ""  # link to where the clause is in the source text (can equal the license url)


@dataclass(frozen=True)
class LicenseSpec:
    key: str  # the hub's license key (lowercase, as on Hugging Face), e.g. "llama3.1"
    name: str
    spdx_id: str  # SPDX identifier where one exists, else ""
    url: str  # canonical URL of the license text
    version: str  # version string, e.g. "2.0", "3.1", "" if none
    actionable: bool  # True if the hub acts on at least one of its clauses
    rationale: str  # 2-4 sentences, plain language: why it is (or is not) actionable, and for what
    contact: str = ""  # where enforcement questions go (licensor's published contact/URL), "" if none known
    clauses: tuple[ClauseSpec, ...] = ()


class CatalogueError(ValueError):
    """The catalogue file is malformed. The message names the license, the clause and the field."""


def catalogue_read(path: Path = CATALOGUE_PATH) -> tuple[LicenseSpec, ...]:
    """The licenses of a catalogue file, in file order; raises CatalogueError on the first fault found."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(data, list):
        raise CatalogueError(f"{path.name}: expected a list of licenses, found {_kind(data)}.")
    specs: list[LicenseSpec] = []
    for number, entry in enumerate(data, start=1):
        where = f"{path.name}: {_entry_name('license', 'key', entry, number)}"
        spec = _license_read(entry, where=where)
        if any(seen.key == spec.key for seen in specs):
            raise CatalogueError(f"{where}, field 'key': listed twice; a license key is unique.")
        specs.append(spec)
    return tuple(specs)


def _license_read(entry: object, *, where: str) -> LicenseSpec:
    fields = _fields_read(entry, LicenseSpec, where=where)
    _model_check(License, fields, where=where)
    clauses: list[ClauseSpec] = []
    raw_clauses = fields.get("clauses", [])
    if not isinstance(raw_clauses, list):
        raise CatalogueError(f"{where}, field 'clauses': expected a list of clauses, found {_kind(raw_clauses)}.")
    for number, raw in enumerate(raw_clauses, start=1):
        clause_where = f"{where}, {_entry_name('clause', 'ref', raw, number)}"
        clause = _clause_read(raw, where=clause_where)
        if any(seen.ref == clause.ref for seen in clauses):
            raise CatalogueError(f"{clause_where}, field 'ref': listed twice; a ref is unique within its license.")
        clauses.append(clause)
    # The flags must agree: an actionable license with no actionable clause is a dead end on the report
    # form, and an actionable clause of a license the hub does not act on is never offered (intake
    # refuses the license first) while the catalogue says otherwise.
    actionable_refs = [clause.ref for clause in clauses if clause.actionable]
    if fields["actionable"] and not actionable_refs:
        raise CatalogueError(f"{where}, field 'actionable': true, but none of its clauses is actionable.")
    if not fields["actionable"] and actionable_refs:
        raise CatalogueError(f"{where}, field 'actionable': false, but clause '{actionable_refs[0]}' is actionable.")
    return LicenseSpec(**{**fields, "clauses": tuple(clauses)})


def _clause_read(entry: object, *, where: str) -> ClauseSpec:
    fields = _fields_read(entry, ClauseSpec, where=where)
    categories = fields["categories"]
    if not isinstance(categories, list) or not all(isinstance(key, str) for key in categories):
        raise CatalogueError(f"{where}, field 'categories': expected a list of category keys, found {categories!r}.")
    for key in categories:
        if key not in CATEGORY_KEYS:
            raise CatalogueError(
                f"{where}, field 'categories': unknown report category '{key}' (known: {', '.join(CATEGORY_KEYS)})."
            )
    if len(set(categories)) != len(categories):
        raise CatalogueError(f"{where}, field 'categories': a category is listed twice.")
    _model_check(LicenseClause, fields, where=where)
    return ClauseSpec(**{**fields, "categories": tuple(categories)})


def _fields_read(entry: object, spec: type, *, where: str) -> dict:
    """The entry's fields, checked against the dataclass `spec`: no unknown or missing field, and text
    and true/false where the dataclass says so (the lists are checked by the caller)."""
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: expected a mapping of fields, found {_kind(entry)}.")
    known = {field.name: field for field in dataclasses.fields(spec)}
    for name in entry:
        if name not in known:
            raise CatalogueError(f"{where}, field '{name}': unknown field (known: {', '.join(known)}).")
    for name, field in known.items():
        if name not in entry and field.default is dataclasses.MISSING:
            raise CatalogueError(f"{where}, field '{name}': missing.")
        # A class, not a string: this module does not postpone the evaluation of annotations.
        field_type = field.type if isinstance(field.type, type) else None
        expected = {str: "text", bool: "true or false"}.get(field_type) if field_type else None
        # Refused, not converted: YAML reads `version: 3.10` as the number 3.1 and `contact: no` as false,
        # and str() of either is not what the admin wrote.
        if name in entry and field_type and expected and not isinstance(entry[name], field_type):
            raise CatalogueError(f"{where}, field '{name}': expected {expected}, found {_kind(entry[name])}.")
    return dict(entry)


def _model_check(model: type[models.Model], fields: dict, *, where: str) -> None:
    """The model's own field rules (key spelling, lengths, URLs, required text), checked before a row
    exists: the seed inserts in bulk, which runs no validator."""
    instance = model(**{name: value for name, value in fields.items() if name != "clauses"})
    others = [field.name for field in model._meta.fields if field.name not in fields]
    try:
        instance.clean_fields(exclude=others)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise CatalogueError(f"{where}, field '{name}': {' '.join(messages)}") from None


def _entry_name(kind: str, id_field: str, entry: object, number: int) -> str:
    """`license 'mit'` when the entry has a usable id, else `license #3` (its place in the list)."""
    if isinstance(entry, dict) and isinstance(entry.get(id_field), str) and entry[id_field]:
        return f"{kind} '{entry[id_field]}'"
    return f"{kind} #{number}"


def _kind(value: object) -> str:
    """What YAML made of a value, in an admin's words: `a number (2.0)`, `nothing`, `a list`."""
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}
    if value is None:
        return "nothing"
    name = names.get(type(value), type(value).__name__)
    return name if isinstance(value, list | dict) else f"{name} ({value!r})"


CATALOGUE: tuple[LicenseSpec, ...] = catalogue_read()

"""The report categories are written once (hubmod.categories); every table keyed by them covers
them, and names no other, so a category added or renamed fails here rather than at a report."""

import pytest

from hubmod.categories import CATEGORY_KEYS, ReportCategory
from licenses.catalogue import CATALOGUE
from moderation.services.automation import AUTOMATED_GROUND
from policy.seed import DEFAULT_POLICY_SECTIONS, DEFAULT_SEVERITY, DEFAULT_STATEMENT_TEMPLATES
from policy.sla import DEFAULT_SLA
from reports.categories import CATEGORIES
from reports.models import HashList
from transparency.statements import CATEGORY as STATEMENT_CATEGORY

EVERY_CATEGORY = {
    "intake's forms (reports.categories)": CATEGORIES,
    "the SLA table's defaults (policy.sla)": DEFAULT_SLA,
    "the default severities (policy.seed)": DEFAULT_SEVERITY,
    "the statement templates (policy.seed)": DEFAULT_STATEMENT_TEMPLATES,
    "the Transparency Database's categories (transparency.statements)": STATEMENT_CATEGORY,
}


@pytest.mark.parametrize("table", EVERY_CATEGORY, ids=list(EVERY_CATEGORY))
def test_a_table_of_every_category_has_exactly_the_categories(table):
    assert sorted(EVERY_CATEGORY[table]) == sorted(CATEGORY_KEYS)


def test_tables_of_some_categories_name_only_categories():
    assert set(AUTOMATED_GROUND) <= set(CATEGORY_KEYS)
    assert {c.value for c in HashList.CATEGORIES} <= set(CATEGORY_KEYS)
    for spec in CATALOGUE:
        for clause in spec.clauses:
            assert set(clause.categories) <= set(CATEGORY_KEYS), (spec.key, clause.ref)


def test_automated_decisions_rest_on_sections_the_default_policy_has():
    sections = {key for key, _title, _text in DEFAULT_POLICY_SECTIONS}
    assert set(AUTOMATED_GROUND.values()) <= sections


def test_intake_labels_each_category_as_the_ground_does():
    assert {key: str(c.label) for key, c in CATEGORIES.items()} == {c.value: str(c.label) for c in ReportCategory}

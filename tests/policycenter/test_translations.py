"""The German catalogue is complete and its committed .mo is compiled from the .po as it stands:
a fresh machine without gettext still serves every string in German.

After changing a public string: `manage.py makemessages -l de --ignore=.venv --ignore=tests`,
translate every new or changed msgid (no fuzzy entries), then `manage.py compilemessages --ignore=.venv`."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.policycenter.pofile import parse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def entries():
    return [e for e in parse(CATALOGUE / "django.po") if e.msgid and not e.obsolete]


@pytest.fixture(scope="module")
def compiled():
    with (CATALOGUE / "django.mo").open("rb") as fp:
        return gettext.GNUTranslations(fp)


def test_every_message_has_a_german_translation_and_none_is_fuzzy(entries):
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values()) or (e.msgid_plural and len(e.msgstr) != 2)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]

    assert len(entries) > 300
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_po_file(entries, compiled):
    catalog = compiled._catalog  # the parsed .mo: msgid -> msgstr, (msgid, n) -> plural form
    expected = {}
    for e in entries:
        if e.msgid_plural:
            for index, text in e.msgstr.items():
                expected[(e.key, index)] = text
        else:
            expected[e.key] = e.msgstr[0]
    actual = {k: v for k, v in catalog.items() if k != ""}

    assert actual == expected


def test_placeholders_survive_translation(entries):
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    wrong = [
        e.msgid
        for e in entries
        for text in e.msgstr.values()
        if sorted(set(placeholder.findall(text))) != sorted(set(placeholder.findall(e.msgid + e.msgid_plural)))
    ]

    assert wrong == []


def test_django_serves_the_committed_catalogue():
    with translation.override("de"):
        assert translation.gettext("Policy center") == "Richtlinien-Center"
        assert translation.ngettext("%(days)s day", "%(days)s days", 3) % {"days": 3} == "3 Tage"

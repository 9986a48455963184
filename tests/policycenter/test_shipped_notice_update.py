"""A change to a shipped notice reaches the rows hub admins never edited, and only those."""

import importlib

import pytest
from django.apps import apps

from policy.models import NoticeTemplate

update = importlib.import_module("policy.migrations.0005_statement_says_when_an_account_was_compromised")


@pytest.mark.django_db
def test_unedited_rows_get_the_new_text_and_edited_ones_stay_the_admins(seeded):
    before_en, now_en = update.SHIPPED["en"]
    before_de, _ = update.SHIPPED["de"]
    NoticeTemplate.objects.filter(kind="statement_of_reasons", language="en").update(body=before_en)
    NoticeTemplate.objects.filter(kind="statement_of_reasons", language="de").update(body=before_de + "Edited.\n")

    update.shipped_text_update(apps, None)

    rows = dict(NoticeTemplate.objects.filter(kind="statement_of_reasons").values_list("language", "body"))
    assert rows["en"] == now_en
    assert "What our automated checks found" in rows["en"]
    assert "no strike was given to your account" in rows["en"]
    assert rows["de"] == before_de + "Edited.\n"


def test_the_shipped_statement_is_the_one_the_last_update_brings():
    """Change a shipped notice, and add a migration like 0005 so that installed hubs get it too."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "moderation/templates/moderation/email"
    assert (folder / "statement_of_reasons.txt").read_text() == update.SHIPPED["en"][1]
    assert (folder / "de/statement_of_reasons.txt").read_text() == update.SHIPPED["de"][1]

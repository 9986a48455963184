"""Daily rollups of the transparency summary: a closed day is read from its rollup while fresh, and
the summary equals the live count after every write that can change a past day's figures."""

import math
import statistics
import threading
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections, transaction
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hubmod.actors import Actor
from hubmod.celery import app as celery_app
from moderation.models import Case, Decision, EnforcementAction
from moderation.services.appeals import appeal_decide, appeal_submit
from moderation.services.decisions import decision_approve, decision_reject
from moderation.services.enforcement import enforcement_expire
from tests.conftest import api_for
from tests.factories import RepositoryFactory, appeal_reviewer, moderator
from tests.test_transparency import decide, file
from transparency.histogram import FLOOR_HOURS, MAX_RELATIVE_ERROR, RATIO, percentiles
from transparency.models import DailyReportCount, TransparencyDay
from transparency.rollups import (
    transparency_day_mark_stale,
    transparency_days_due,
    transparency_days_roll_up,
    transparency_rollup_all,
    transparency_rollup_due,
)
from transparency.summary import reports_per_month, transparency_summary
from transparency.tasks import transparency_rollup

TODAY = date(2026, 11, 25)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def live_summary(start: date, end: date) -> dict:
    """The summary counted from the source rows alone: every rollup dropped, then restored."""
    with transaction.atomic():
        TransparencyDay.objects.all().delete()
        summary = transparency_summary(start=start, end=end)
        transaction.set_rollback(True)
    return summary


def fresh_days() -> set[date]:
    return set(TransparencyDay.objects.filter(stale=False).values_list("day", flat=True))


def assert_summary_is_live(start: date = TODAY - timedelta(days=30), end: date = TODAY) -> dict:
    summary = transparency_summary(start=start, end=end)
    assert summary == live_summary(start, end)
    return summary


@pytest.fixture
def clock():
    """Noon today: every day before today has been over for more than the rollup's grace hour."""
    with time_machine.travel(at(TODAY, 12), tick=True):
        yield


@pytest.fixture
def history(clock, seeded, hub_receiver):
    """Decisions on three past days and today: actioned, dismissed, two four-eyes proposals, one
    case decided the day after it opened."""
    mod_user = moderator()
    mod = api_for(mod_user)
    with time_machine.travel(at(ago(3), 9), tick=False):
        filed = {name: file(RepositoryFactory(), category) for name, category in
                 [("copyright", "copyright"), ("spam", "spam"), ("proposal", "other"), ("rejected", "other"),
                  ("next_day", "other")]}  # fmt: skip
    with time_machine.travel(at(ago(3), 15), tick=False):
        actioned = decide(mod, filed["copyright"]["case_id"], ["delist"], {"policy_section": "copyright"})
        mod.post(f"/api/v1/cases/{filed['spam']['case_id']}/claim")
        mod.post(f"/api/v1/cases/{filed['spam']['case_id']}/dismiss", {"reason": "no_violation", "statement": "Fine."},
                 format="json")  # fmt: skip
        proposal = decide(mod, filed["proposal"]["case_id"], ["suspend_account"], {"policy_section": "harmful-use"})
        rejected = decide(mod, filed["rejected"]["case_id"], ["suspend_account"], {"policy_section": "harmful-use"})
    with time_machine.travel(at(ago(2), 10), tick=False):
        decide(mod, filed["next_day"]["case_id"], ["warn"], {"policy_section": "harmful-use"})
        late = file(RepositoryFactory(), "illegal_content")
    with time_machine.travel(at(ago(2), 16), tick=False):
        decide(mod, late["case_id"], ["disable", "restrict_account"], {"policy_section": "illegal-content"})
    with time_machine.travel(at(ago(5), 8), tick=False):
        file(RepositoryFactory(), "spam")
    with time_machine.travel(at(TODAY, 11), tick=False):
        decide(mod, file(RepositoryFactory(), "spam")["case_id"], ["warn"], {"policy_section": "spam"})
    return {
        "moderator": mod_user,
        "actioned": actioned["decision"]["id"],
        "dismissed": Decision.objects.get(case_id=filed["spam"]["case_id"]).pk,
        "dismissed_report": filed["spam"]["id"],
        "proposal": proposal["decision"]["id"],
        "rejected": rejected["decision"]["id"],
    }


@pytest.mark.django_db
def test_closed_days_are_read_from_their_rollups_and_equal_the_live_count(history):
    rolled_up = transparency_rollup_all()

    summary = assert_summary_is_live()
    assert rolled_up == 5  # the first day with data, 5 days ago, to yesterday; never today
    assert fresh_days() == {ago(n) for n in range(1, 6)}
    assert summary["reports"]["total"] == 8
    assert summary["decisions"]["total"] == 7
    assert summary["decisions"]["awaiting_second_approval"] == 2
    assert summary["decisions"]["by_ground"] == {"policy": 6, "license": 0, "none": 1}
    assert summary["actions"]["by_kind"] == {"delist": 1, "warn": 2, "disable": 1, "restrict_account": 1}
    assert summary["cases"] == {"opened": 8, "linked_by_lineage": 0}
    assert reports_per_month(start=ago(30), end=TODAY) == _live_reports_per_month(ago(30), TODAY)
    # A fresh day's figures come from its rollup, not from counting its reports again.
    DailyReportCount.objects.filter(day=ago(3), category="copyright").update(count=100)
    assert transparency_summary(start=ago(3), end=ago(3))["reports"]["by_category"]["copyright"] == 100


def _live_reports_per_month(start: date, end: date) -> list[dict]:
    with transaction.atomic():
        TransparencyDay.objects.all().delete()
        months = reports_per_month(start=start, end=end)
        transaction.set_rollback(True)
    return months


@pytest.mark.django_db
def test_approving_a_past_proposal_marks_its_day_stale_and_the_summary_stays_exact(history):
    transparency_rollup_all()
    before = transparency_summary(start=ago(3), end=ago(3))

    decision_approve(decision_id=history["proposal"], actor=Actor.staff(moderator()))

    after = assert_summary_is_live(ago(3), ago(3))
    assert ago(3) not in fresh_days()
    assert (before["decisions"]["awaiting_second_approval"], after["decisions"]["awaiting_second_approval"]) == (2, 1)
    assert after["actions"]["by_kind"] == {"delist": 1, "suspend_account": 1}
    assert transparency_rollup_due() == 1
    assert ago(3) in fresh_days()
    assert transparency_summary(start=ago(3), end=ago(3)) == after


@pytest.mark.django_db
def test_rejecting_a_past_proposal_marks_its_day_stale_and_the_summary_stays_exact(history):
    transparency_rollup_all()

    decision_reject(decision_id=history["rejected"], actor=Actor.staff(moderator()), reason="Too harsh.")

    after = assert_summary_is_live()
    assert ago(3) not in fresh_days()
    assert after["decisions"]["total"] == 6
    assert after["decisions"]["awaiting_second_approval"] == 1
    transparency_rollup_due()
    assert transparency_summary(start=ago(30), end=TODAY) == after


@pytest.mark.django_db
def test_an_appeal_modifying_a_past_decision_marks_its_day_stale_and_the_summary_stays_exact(history):
    transparency_rollup_all()
    appeal = appeal_submit(actor=Actor.uploader("someone"), decision_id=history["actioned"], appellant="uploader",
                           statement="A label is enough.")  # fmt: skip

    appeal_decide(appeal_id=appeal.pk, actor=Actor.staff(appeal_reviewer()), outcome="modified",
                  statement="A label instead.", actions=["label"])  # fmt: skip

    after = assert_summary_is_live()
    assert ago(3) not in fresh_days()
    assert after["actions"]["by_kind"]["label"] == 1
    assert after["appeals"]["by_outcome"] == {"modified": 1}
    transparency_rollup_due()
    assert transparency_summary(start=ago(30), end=TODAY) == after


@pytest.mark.django_db
def test_reversals_of_past_actions_change_no_figure_so_the_day_stays_fresh_and_exact(history):
    """An overturned appeal and an expired time-boxed action add reversals, which the summary never
    counts: the day's rollup still holds, and is still read."""
    transparency_rollup_all()
    before = transparency_summary(start=ago(30), end=TODAY)
    appeal = appeal_submit(actor=Actor.uploader("someone"), decision_id=history["actioned"], appellant="uploader",
                           statement="It is mine.")  # fmt: skip
    appeal_decide(appeal_id=appeal.pk, actor=Actor.staff(appeal_reviewer()), outcome="overturned", statement="Right.")
    EnforcementAction.objects.filter(decision__case__category="illegal_content").update(
        state=EnforcementAction.State.APPLIED, ends_at=at(ago(1), 0)
    )
    expired = enforcement_expire()

    after = assert_summary_is_live()
    assert expired == 2
    assert EnforcementAction.objects.filter(reverses__isnull=False).count() == 3
    assert fresh_days() == {ago(n) for n in range(1, 6)}
    assert after["actions"] == before["actions"]
    assert after["decisions"] == before["decisions"]


@pytest.mark.django_db
def test_a_reporter_appeal_reopens_a_past_case_whose_new_decision_counts_today(history):
    transparency_rollup_all()
    appeal = appeal_submit(actor=Actor.reporter(), decision_id=history["dismissed"], appellant="reporter",
                           statement="It is spam.", report_id=history["dismissed_report"])  # fmt: skip
    appeal_decide(appeal_id=appeal.pk, actor=Actor.staff(appeal_reviewer()), outcome="overturned", statement="Yes.")
    case_id = Decision.objects.get(pk=history["dismissed"]).case_id

    decide(api_for(history["moderator"]), case_id, ["warn"], {"policy_section": "spam"})

    summary = assert_summary_is_live()
    assert fresh_days() == {ago(n) for n in range(1, 6)}
    assert transparency_summary(start=TODAY, end=TODAY)["decisions"]["total"] == 2
    assert summary["decisions"]["total"] == 8


@pytest.mark.django_db
def test_beat_rolls_up_missing_and_stale_days_newest_first_a_batch_at_a_time(history):
    assert celery_app.conf.beat_schedule["transparency-rollup-days"]["task"] == transparency_rollup.name

    first = transparency_rollup_due(limit=2)
    after_first = fresh_days()
    transparency_day_mark_stale(at=at(ago(2), 10))
    second = transparency_rollup_due(limit=2)
    after_second = fresh_days()
    rest = transparency_rollup.delay().get()

    assert (first, after_first) == (2, {ago(1), ago(2)})
    assert (second, after_second) == (2, {ago(1), ago(2), ago(3)})
    assert rest == 2
    assert transparency_days_due() == []
    assert transparency_rollup.delay().get() == 0
    assert_summary_is_live()


@pytest.mark.django_db
def test_today_and_a_day_over_for_less_than_the_grace_hour_are_counted_live(clock, seeded, hub_receiver):
    mod = api_for(moderator())
    with time_machine.travel(at(ago(1), 23), tick=False):
        decide(mod, file(RepositoryFactory(), "spam")["case_id"], ["warn"], {"policy_section": "spam"})

    with time_machine.travel(at(TODAY, 0) + timedelta(minutes=30), tick=False):
        early = transparency_rollup_all(), transparency_days_roll_up(days=[ago(1), TODAY])
        assert transparency_summary(start=ago(1), end=TODAY)["decisions"]["total"] == 1
    with time_machine.travel(at(TODAY, 1) + timedelta(minutes=30), tick=False):
        later = transparency_rollup_all(), transparency_days_roll_up(days=[TODAY])

    assert early == (0, 0)
    assert later == (1, 0)
    assert fresh_days() == {ago(1)}
    assert transparency_summary(start=ago(1), end=TODAY)["decisions"]["total"] == 1


@pytest.mark.django_db
def test_a_year_of_rolled_up_days_is_read_in_a_fixed_number_of_queries(history, django_assert_max_num_queries):
    transparency_rollup_all()

    # the fresh days; five rollups; today's four live counts (decisions and their durations in one); the appeals;
    # and each automated means' accuracy (scanning: what its scanners flagged, what was marked wrong)
    with django_assert_max_num_queries(13):
        transparency_summary(start=TODAY - timedelta(days=365), end=TODAY)


@pytest.mark.django_db
def test_the_median_and_p90_are_within_one_percent_of_the_exact_ones(clock, seeded, hub_receiver, settings):
    settings.REPORT_RATE_PER_ADDRESS = settings.REPORT_RATE_PER_REPORTER = "1000/h"
    mod = api_for(moderator())
    waits = [0.001, 0.2, 1.5, 7.25, 26.0, 26.3, 71.0, 333.3, 1234.5]
    for hours in waits:
        with time_machine.travel(at(ago(2), 12) - timedelta(hours=hours), tick=False):
            case_id = file(RepositoryFactory(), "spam")["case_id"]
        with time_machine.travel(at(ago(2), 12), tick=False):
            decide(mod, case_id, ["warn"], {"policy_section": "spam"})
    transparency_rollup_all()

    figures = transparency_summary(start=ago(2), end=ago(2))["time_to_decision_hours"]

    exact = statistics.quantiles(waits, n=10, method="inclusive")
    for found, expected in ((figures["median"], statistics.median(waits)), (figures["p90"], exact[8])):
        assert abs(found - expected) <= MAX_RELATIVE_ERROR * expected + FLOOR_HOURS / 2 + 0.005
    assert Case.objects.count() == len(waits)


def _bucket(hours: float) -> int:
    """The bucket as transparency.histogram defines it (computed there in SQL)."""
    return 0 if hours < FLOOR_HOURS else math.floor(math.log(hours / FLOOR_HOURS) / math.log(RATIO)) + 1


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=20_000, allow_nan=False), min_size=1, max_size=200))
def test_histogram_percentiles_stay_within_the_documented_bound(hours):
    histogram: dict[int, int] = {}
    for value in hours:
        histogram[_bucket(value)] = histogram.get(_bucket(value), 0) + 1

    median, p90 = percentiles(histogram, (0.5, 0.9))

    ordered = sorted(hours)
    for found, share in ((median, 0.5), (p90, 0.9)):
        position = share * (len(ordered) - 1)
        low = ordered[math.floor(position)]
        high = ordered[min(math.floor(position) + 1, len(ordered) - 1)]
        expected = low + (position - math.floor(position)) * (high - low)
        assert abs(found - expected) <= MAX_RELATIVE_ERROR * expected + FLOOR_HOURS / 2 + 1e-9


@pytest.mark.django_db
def test_generated_load_data_has_every_closed_day_rolled_up(clock, seeded):
    # The generator, not its command: the command belongs to the bench app, which the product's settings leave out.
    from tests.bench.load_data import load_data_generate

    load_data_generate(scale=0.001, anchor=at(TODAY, 0))

    assert transparency_days_due() == []
    assert_summary_is_live(TODAY - timedelta(days=365), TODAY)


def _in_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_racing_the_rollup_of_its_day_is_never_lost(history):
    """A write still open when the rollup of its day starts: the rollup waits for it and counts it.
    A rollup still open when a write to its day comes: the write's mark waits and lands after it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race to test")
    transparency_rollup_all()
    approver, approved, release = Actor.staff(moderator()), threading.Event(), threading.Event()

    def approve_and_hold():
        with transaction.atomic():
            decision_approve(decision_id=history["proposal"], actor=approver)
            approved.set()
            release.wait(10)

    writer = _in_thread(approve_and_hold)
    approved.wait(10)
    rollup = _in_thread(lambda: transparency_days_roll_up(days=[ago(3)]))
    rollup.join(0.5)
    rollup_waited = rollup.is_alive()
    release.set()
    writer.join(10)
    rollup.join(10)
    counted_after_the_write = ago(3) in fresh_days()
    summary_after_the_write = assert_summary_is_live()

    rejected = threading.Event()

    def reject():
        decision_reject(decision_id=history["rejected"], actor=approver, reason="No.")
        rejected.set()

    with transaction.atomic():
        transparency_days_roll_up(days=[ago(3)])
        writer = _in_thread(reject)
        writer.join(0.5)
        write_waited = writer.is_alive()
    writer.join(10)

    assert (rollup_waited, counted_after_the_write) == (True, True)
    assert summary_after_the_write["decisions"]["awaiting_second_approval"] == 1
    assert (write_waited, rejected.is_set()) == (True, True)
    assert ago(3) not in fresh_days()
    assert assert_summary_is_live()["decisions"]["awaiting_second_approval"] == 0


@pytest.mark.django_db
def test_the_command_an_operator_runs_after_deploying_rolls_up_what_is_missing_or_stale(history):
    transparency_rollup_all()
    transparency_day_mark_stale(at=at(ago(2), 12))
    out = StringIO()

    call_command("transparency_rollup", stdout=out)

    assert out.getvalue().strip() == "1 day(s) rolled up."
    assert fresh_days() == {ago(n) for n in range(1, 6)}
    call_command("transparency_rollup", "--all", stdout=out)
    assert "5 day(s) rolled up." in out.getvalue()

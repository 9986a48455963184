import time
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from tests.bench.load_data import LoadDataError, Sizes, TableLoad, load_data_generate, load_data_present


def _anchor(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError as error:
        raise CommandError(f"--anchor: {error}") from error


class Command(BaseCommand):
    help = (
        "Bulk-load the synthetic benchmark data set: at --scale 1.0, 1,000,000 reports over 250,000 cases, "
        "100,000 repositories with lineage trees and 1,000,000 decisions. The same --seed gives the same data. "
        "Needs `manage.py seed` first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--scale", type=float, default=1.0, help="Scale every count (0.001 for tests).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (and say so) when load data is already present."
        )
        parser.add_argument(
            "--anchor",
            type=_anchor,
            default=None,
            help="The 'now' the data is timed against, as an ISO date or datetime in UTC (default: today, 00:00 UTC).",
        )

    def handle(self, *args, seed: int, scale: float, if_empty: bool, anchor: datetime | None, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if if_empty and load_data_present():
            self.stdout.write("Load data is already present (accounts named 'load-…'); nothing inserted.")
            return
        anchor = anchor or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        sizes = Sizes.for_scale(scale)
        self.stdout.write(
            f"Generating load data: seed {seed}, scale {scale:g}, anchored at {anchor.isoformat()}; "
            f"{sizes.repositories:,} repositories, {sizes.cases:,} cases, {sizes.reports:,} reports, "
            f"{sizes.decisions:,} decisions."
        )

        def progress(load: TableLoad) -> None:
            rate = f" ({load.rows / load.seconds:,.0f} rows/s)" if load.rows and load.seconds > 0 else ""
            self.stdout.write(f"  {load.table:<32} {load.rows:>10,} rows {load.seconds:>8.1f} s{rate}")

        started = time.monotonic()
        try:
            loads = load_data_generate(seed=seed, scale=scale, anchor=anchor, progress=progress)
        except LoadDataError as error:
            raise CommandError(str(error)) from error
        total = sum(load.rows for load in loads)
        self.stdout.write(f"Inserted {total:,} rows in {time.monotonic() - started:.1f} s.")

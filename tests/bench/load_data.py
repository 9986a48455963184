"""A repeatable synthetic data set for the benchmarks (`manage.py generate_load_data --settings
tests.bench.settings`: the command belongs to the bench app, which only the bench settings install).

At scale 1.0: 20,000 accounts, 100,000 repositories with lineage trees (among them
`load-base/foundation` with exactly 10,000 descendants), 250,000 cases (50,000 open: the queue),
1,000,000 reports and 1,000,000 decisions with an applied enforcement action per actioned one.

Everything is drawn from one `random.Random(seed)` and timed relative to `anchor`, and primary
keys start after the current maximum, so the same seed on the same database state gives the same
rows. On PostgreSQL rows go in with COPY (bulk_create of millions of rows is far too slow on two
cores); elsewhere (the embedded SQLite default, small scales only) with batched INSERTs. Either
way the column list comes from the model's concrete fields, so a field added later is filled with
its default, or the load fails loudly if it has none. No audit events: this is bench data, not history.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from hub.models import Account, BaseModelLink, Repository
from hubmod.categories import CATEGORY_KEYS
from hubmod.staff.roles import MODERATOR
from licenses.models import License, LicenseClause
from moderation.models import Case, Decision, EnforcementAction
from policy.models import PolicySection, SlaRule
from policy.selectors import policy_current
from policy.sla import TRUSTED_FLAGGER_PRIORITY_BOOST
from reports.models import Report, Reporter
from reports.services import Origin, ReporterIdentity, reporter_key
from transparency.rollups import transparency_rollup_all

MARKER_PREFIX = "load-"
FOUNDATION_OWNER = "load-base"
FOUNDATION_NAME = "foundation"
FOUNDATION = f"{FOUNDATION_OWNER}/{FOUNDATION_NAME}"
HISTORY_DAYS = 395  # 13 months: a transparency year plus a margin
BIG_TREE_MAX_DEPTH = 4
SQLITE_BATCH = 2_000


class LoadDataError(Exception):
    """The database is not ready for a load (not seeded, or load data already present)."""


@dataclass(frozen=True)
class Sizes:
    accounts: int
    moderators: int
    reporters: int
    addresses: int
    repositories: int
    big_tree: int  # descendants of load-base/foundation
    big_tree_direct: int  # of which direct fine-tunes
    cases: int
    open_cases: int
    reports: int
    decisions: int

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        if scale <= 0:
            raise ValueError("scale must be positive")

        def n(full: int, minimum: int) -> int:
            return max(minimum, round(full * scale))

        big_tree = n(10_000, 4)
        cases = n(250_000, 20)
        open_cases = min(n(50_000, 4), cases // 2)
        resolved = cases - open_cases
        return cls(
            accounts=n(20_000, 5),
            moderators=n(20, 3),
            reporters=n(10_000, 5),
            addresses=n(50_000, 10),
            repositories=max(n(100_000, 20), big_tree + 10),
            big_tree=big_tree,
            big_tree_direct=max(1, min(big_tree, round(100 * math.sqrt(scale)))),
            cases=cases,
            open_cases=open_cases,
            reports=max(n(1_000_000, 40), cases),
            decisions=max(n(1_000_000, 40), resolved),
        )


@dataclass(frozen=True)
class TableLoad:
    table: str
    rows: int
    seconds: float


def load_data_present() -> bool:
    """The marker: accounts with the load prefix exist."""
    return Account.objects.filter(handle__startswith=MARKER_PREFIX).exists()


# --- writing rows ------------------------------------------------------------------------------------------------


class _TableWriter:
    """Writes tuples of `given` attnames, completed with the defaults of every other concrete field."""

    def __init__(self, model: type[models.Model], given: list[str]):
        fields = model._meta.concrete_fields
        by_attname = {field.attname: field for field in fields}
        unknown = [name for name in given if name not in by_attname]
        if unknown:
            raise LoadDataError(f"{model._meta.label} has no field(s) {', '.join(unknown)}")
        self.model = model
        self.table = model._meta.db_table
        self.fields = [by_attname[name] for name in given]
        tail_fields, tail = [], []
        for field in fields:
            if field.attname in given:
                continue
            if field.has_default():
                if callable(field.default) and field.default not in (list, dict):
                    # A per-row default (uuid4, now): the generator must give it, or rows would collide or drift.
                    raise LoadDataError(f"{model._meta.label}.{field.name} has a per-row default: give it explicitly")
                value = field.get_default()
            else:
                value = field.get_default()  # "" for a blank text column, None otherwise
                if value is None and not field.null:
                    raise LoadDataError(f"{model._meta.label}.{field.name} is NOT NULL without a default: give it")
            tail_fields.append(field)
            tail.append(json.dumps(value) if isinstance(field, models.JSONField) and value is not None else value)
        self.fields += tail_fields
        self.tail = tuple(tail)
        self.columns = [field.column for field in self.fields]

    def write(self, rows: Iterable[tuple]) -> int:
        if connection.vendor == "postgresql":
            return self._copy(rows)
        return self._insert(rows)

    def _copy(self, rows: Iterable[tuple]) -> int:
        columns = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        tail, count = self.tail, 0
        sql = f"COPY {self.table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.connection.cursor() as raw, raw.copy(sql) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row + tail)
                count += 1
        return count

    def _insert(self, rows: Iterable[tuple]) -> int:
        """The embedded fallback: values prepared per field (JSON columns already hold JSON text)."""
        placeholders = ", ".join(["%s"] * len(self.columns))
        columns = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({columns}) VALUES ({placeholders})"
        preps = [
            (lambda value: value)
            if isinstance(field, models.JSONField)
            else (lambda value, field=field: field.get_db_prep_save(value, connection))
            for field in self.fields
        ]
        count, batch = 0, []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(tuple(prep(value) for prep, value in zip(preps, row + self.tail, strict=True)))
                if len(batch) >= SQLITE_BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


def _max_id(model: type[models.Model]) -> int:
    return model.objects.aggregate(top=Max("pk"))["top"] or 0


# --- what the seed gives us --------------------------------------------------------------------------------------


# The policy section each category's actioned decisions rest on (license violations cite a clause).
SECTION_FOR_CATEGORY = {
    "copyright": "copyright",
    "illegal_content": "illegal-content",
    "private_information": "private-information",
    "malicious_code": "malicious-code",
    "child_safety": "child-safety",
    "acceptable_use": "harmful-use",
    "spam": "spam",
    "other": "harmful-use",
}
CATEGORY_WEIGHTS = {
    "copyright": 18,
    "illegal_content": 6,
    "license_violation": 10,
    "private_information": 10,
    "malicious_code": 10,
    "child_safety": 2,
    "acceptable_use": 14,
    "spam": 20,
    "other": 10,
}
ACCOUNT_CATEGORIES = ("copyright", "illegal_content", "private_information", "acceptable_use", "spam", "other")
ACTION_KINDS = {
    "copyright": ("disable", "remove_files", "delist"),
    "illegal_content": ("disable", "delist", "gate"),
    "license_violation": ("label", "delist", "gate"),
    "private_information": ("remove_files", "gate", "disable"),
    "malicious_code": ("disable", "remove_files", "remove"),
    "child_safety": ("remove", "disable"),
    "acceptable_use": ("gate", "delist", "warn", "label"),
    "spam": ("delist", "label", "warn"),
    "other": ("warn", "label"),
}
ACCOUNT_ACTION_KINDS = ("restrict_account", "suspend_account")


@dataclass(frozen=True)
class _Ground:
    policy_section_id: int | None
    license_clause_id: int | None
    license_clause_version_id: int | None
    label: str
    text: str


@dataclass(frozen=True)
class _Sla:
    priority: int
    hours: int
    four_eyes: bool


class _Reference:
    """The seeded rows the load points at: policy sections, license clauses, SLA rules."""

    def __init__(self):
        policy = policy_current()
        if policy is None or not SlaRule.objects.exists() or not License.objects.exists():
            raise LoadDataError("The database is not seeded: run `manage.py seed` first.")
        sections = {section.key: section for section in PolicySection.objects.filter(policy=policy)}
        if not sections:
            raise LoadDataError(f"Hub policy {policy.version} has no sections.")
        any_section = sections[min(sections)]
        self.section_keys = sorted(sections)
        self.section_ground: dict[str, _Ground] = {}
        for category, key in SECTION_FOR_CATEGORY.items():
            section = sections.get(key, any_section)
            label = f"Hub policy {policy.version}, section {section.key}: {section.title}"
            self.section_ground[category] = _Ground(section.pk, None, None, label, section.text)
        latest_version = dict(
            LicenseClause.history.model.objects.values("id").annotate(top=Max("history_id")).values_list("id", "top")
        )
        self.clause_grounds: dict[str, list[_Ground]] = {}
        clauses = LicenseClause.objects.filter(actionable=True, license__actionable=True).select_related("license")
        for clause in clauses.order_by("license__key", "ref"):
            if "license_violation" not in (clause.categories or []):
                continue
            version = f" {clause.license.version}" if clause.license.version else ""
            label = f"{clause.license.name}{version}, clause {clause.ref}"
            ground = _Ground(None, clause.pk, latest_version.get(clause.pk), label, clause.summary)
            self.clause_grounds.setdefault(clause.license.key, []).append(ground)
        self.actionable_licenses = sorted(self.clause_grounds)
        self.other_licenses = sorted(set(License.objects.values_list("key", flat=True)) - set(self.clause_grounds))
        rules = {rule.category: rule for rule in SlaRule.objects.all()}
        fallback = rules.get("other") or next(iter(rules.values()))
        self.sla = {
            category: _Sla(rule.priority, rule.hours_to_decision, rule.four_eyes)
            for category in CATEGORY_KEYS
            for rule in [rules.get(category, fallback)]
        }
        if not Group.objects.filter(name=MODERATOR).exists():
            raise LoadDataError(f"No '{MODERATOR}' group: run `manage.py seed` first.")


# --- report details, valid for each category (reports.categories) -------------------------------------------------

_DETAILS: dict[str, list[tuple[dict, str, tuple[int, int] | None]]] = {
    "copyright": [
        (
            {
                "copyrighted_work": f"The novel 'Example {n}', chapters 1-{n + 2}, published 20{10 + n}.",
                "infringing_location": f"data/train-{n}.jsonl lines 10-{400 + n}",
                "contact_name": "Rita Rightsholder",
                "contact_email": "rita@publisher.example",
                "contact_address": "1 Main St, Springfield, US",
                "good_faith_statement": True,
                "accuracy_statement": True,
                "authorized_to_act": True,
                "signature": "Rita Rightsholder",
            },
            f"data/train-{n}.jsonl",
            (10, 400 + n),
        )
        for n in range(4)
    ],
    "illegal_content": [
        (
            {
                "explanation": "The dataset publishes home addresses with threats against the people named.",
                "exact_location": f"https://hub.example/load/blob/main/data/threats-{n}.csv",
                "legal_ground": ground,
                "country": country,
                "bona_fide_statement": True,
            },
            f"data/threats-{n}.csv",
            None,
        )
        for n, (ground, country) in enumerate(
            [
                ("German Criminal Code § 241", "DE"),
                ("Code pénal art. 222-17", "FR"),
                ("Wetboek van Strafrecht 285", "NL"),
            ]
        )
    ],
    "private_information": [
        (
            {"information_kind": kind, "location": f"config/deploy.yaml line {12 + n}", "explanation": text},
            "config/deploy.yaml",
            (12 + n, 12 + n),
        )
        for n, (kind, text) in enumerate(
            [
                ("secret_keys", "An AWS secret access key for the uploader's company."),
                ("credentials", "A database password for a production system."),
                ("personal_data", "Names and home addresses of private people."),
            ]
        )
    ],
    "malicious_code": [
        (
            {
                "location": path,
                "behaviour": "Loading the pickle opens a reverse shell to 203.0.113.9.",
                "sha256": hashlib.sha256(path.encode()).hexdigest(),
            },
            path,
            None,
        )
        for path in ("model.pkl", "pytorch_model.bin", "optimizer.pt")
    ],
    "child_safety": [
        ({"location": "data/images/", "explanation": "The dataset card describes sexualised minors."}, "", None),
    ],
    "acceptable_use": [],  # one per current policy section, filled in at load time
    "spam": [
        ({"explanation": f"The same empty repository uploaded {n * 100} times with ad links."}, "", None)
        for n in range(1, 5)
    ],
    "other": [
        ({"explanation": text}, "", None)
        for text in ("It impersonates a real person.", "The demo asks visitors for their bank details.")
    ],
}

_CARDS = [
    "",
    "# Model card\n\n## Intended use\nResearch on text classification in English.\n",
    "---\nlicense: {license}\n---\n# {name}\n\n## Intended use\nChat assistants.\n\n## Limitations\n"
    "Hallucinates facts; English only.\n\n## Training data\nPublic web text filtered for quality.\n",
]

_STATEMENTS = {
    "actioned": (
        "What we found: the reported files at the revision reported. Why it breaks the rule: {ground}. "
        "What we did and why that much: {action}; a lesser action would leave the harm in place."
    ),
    "dismissed": "We reviewed the reports and found no violation of the hub policy or of the license cited.",
}


# --- the generator -----------------------------------------------------------------------------------------------


class _Generator:
    def __init__(self, *, seed: int, scale: float, anchor: datetime, sizes: Sizes, ref: _Reference):
        self.rng = random.Random(seed)
        self.seed = seed
        self.anchor = anchor
        self.sizes = sizes
        self.ref = ref

    # Timestamps are offsets in seconds before the anchor.
    def at(self, seconds_before: float) -> datetime:
        return self.anchor - timedelta(seconds=round(seconds_before))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def sha(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"


def _weighted(rng: random.Random, weights: dict[str, int]) -> Callable[[], str]:
    keys = list(weights)
    cumulative = []
    total = 0
    for key in keys:
        total += weights[key]
        cumulative.append(total)

    def pick() -> str:
        return rng.choices(keys, cum_weights=cumulative)[0]

    return pick


def load_data_generate(
    *,
    seed: int = 1,
    scale: float = 1.0,
    anchor: datetime,
    progress: Callable[[TableLoad], None] | None = None,
) -> list[TableLoad]:
    """Insert the load data set in one transaction; returns what went into each table and how long it took."""
    sizes = Sizes.for_scale(scale)
    loads: list[TableLoad] = []

    def timed(table: str, fill: Callable[[], int]) -> None:
        started = time.monotonic()
        rows = fill()
        load = TableLoad(table, rows, time.monotonic() - started)
        loads.append(load)
        if progress:
            progress(load)

    touched = [
        get_user_model(),
        Account,
        Repository,
        BaseModelLink,
        Reporter,
        Case,
        Report,
        Decision,
        EnforcementAction,
    ]
    with transaction.atomic():
        if load_data_present():
            raise LoadDataError("Load data is already present (accounts named 'load-…'); use a fresh database.")
        ref = _Reference()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Nobody else writes while keys are allocated from the current maximum.
                tables = ", ".join(model._meta.db_table for model in touched[1:])
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        load = _Load(_Generator(seed=seed, scale=scale, anchor=anchor, sizes=sizes, ref=ref))
        timed("auth_user (moderators)", load.moderators)
        timed(Account._meta.db_table, load.accounts)
        timed(Repository._meta.db_table, load.repositories)
        timed(BaseModelLink._meta.db_table, load.links)
        timed(Reporter._meta.db_table, load.reporters)
        timed(Case._meta.db_table, load.cases)
        timed(Report._meta.db_table, load.reports)
        timed(Decision._meta.db_table, load.decisions)
        timed(EnforcementAction._meta.db_table, load.actions)

        def finish() -> int:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), touched):
                    cursor.execute(sql)
            return 0

        timed("sequences", finish)
        commit_started = time.monotonic()
    if not connection.in_atomic_block:
        # Deferred foreign-key checks run at commit; count them as their own line.
        loads.append(TableLoad("commit (deferred FK checks)", 0, time.monotonic() - commit_started))
        if progress:
            progress(loads[-1])

    def analyze() -> int:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE " + ", ".join(model._meta.db_table for model in touched))
            else:
                cursor.execute("ANALYZE")
        return 0

    timed("analyze", analyze)
    timed("transparency rollups (days)", transparency_rollup_all)
    return loads


class _Load:
    """The tables in dependency order; each method writes one table and keeps what later ones need."""

    def __init__(self, gen: _Generator):
        self.gen = gen
        self.rng = gen.rng
        self.sizes = gen.sizes
        self.ref = gen.ref

    # -- staff ---------------------------------------------------------------------------------------------------
    def moderators(self) -> int:
        user_model = get_user_model()
        group = Group.objects.get(name=MODERATOR)
        users = []
        for n in range(1, self.sizes.moderators + 1):
            user, created = user_model.objects.get_or_create(username=f"{MARKER_PREFIX}mod{n}")
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            user.groups.add(group)
            users.append(user.pk)
        self.moderator_ids = users
        return len(users)

    # -- accounts ------------------------------------------------------------------------------------------------
    def accounts(self) -> int:
        rng, history = self.rng, HISTORY_DAYS * 86400
        base = _max_id(Account)
        writer = _TableWriter(
            Account, ["id", "handle", "display_name", "email", "standing", "language", "created_at", "updated_at"]
        )
        self.account_handles = [FOUNDATION_OWNER] + [f"{MARKER_PREFIX}u{n}" for n in range(1, self.sizes.accounts + 1)]
        self.account_ids = [base + 1 + n for n in range(len(self.account_handles))]
        # Accounts exist before anything they own: created 2 to 4 years ago.
        self.account_created = [history + rng.uniform(0, 2 * 365 * 86400) for _ in self.account_handles]

        def rows() -> Iterator[tuple]:
            for pk, handle, created in zip(self.account_ids, self.account_handles, self.account_created, strict=True):
                standing = "active" if rng.random() < 0.98 else rng.choice(("restricted", "suspended"))
                language = rng.choice(("", "en", "en", "de", "fr"))
                at = self.gen.at(created)
                display = handle.replace("-", " ").title()
                yield (pk, handle, display, f"{handle}@users.example", standing, language, at, at)

        return writer.write(rows())

    # -- repositories and lineage --------------------------------------------------------------------------------
    def repositories(self) -> int:
        rng, sizes, gen = self.rng, self.sizes, self.gen
        base = _max_id(Repository)
        licenses = self.ref.actionable_licenses * 3 + self.ref.other_licenses + ["", "other"]
        writer = _TableWriter(
            Repository,
            [
                "id", "owner_id", "name", "full_name", "kind", "revision", "license_key", "card", "visibility",
                "gated", "created_at", "updated_at",
            ],
        )  # fmt: skip
        count = sizes.repositories
        self.repo_ids = [base + 1 + n for n in range(count)]
        self.repo_names: list[str] = []
        self.repo_licenses: list[str] = []
        self.repo_revisions: list[str] = []
        self.repo_kinds: list[str] = []
        self.repo_created: list[float] = []
        user_accounts = len(self.account_ids) - 1

        def rows() -> Iterator[tuple]:
            for n in range(count):
                if n == 0:
                    owner, name = 0, FOUNDATION_NAME
                    kind, license_key = "model", self.ref.actionable_licenses[0] if self.ref.actionable_licenses else ""
                else:
                    owner, name = 1 + rng.randrange(user_accounts), f"r{n}"
                    # The big tree is all models; elsewhere mostly models, some datasets and spaces.
                    roll = rng.random()
                    kind = "model" if n <= sizes.big_tree or roll < 0.8 else "dataset" if roll < 0.95 else "space"
                    license_key = rng.choice(licenses)
                full_name = f"{self.account_handles[owner]}/{name}"
                # Older than every case: repositories exist before the 13 months of reports.
                history = HISTORY_DAYS * 86400
                created = history + (self.account_created[owner] - history) * rng.random()
                revision = gen.sha()
                card = rng.choice(_CARDS).format(license=license_key or "other", name=name)
                roll = rng.random()
                visibility = "listed" if roll < 0.97 else "delisted" if roll < 0.99 else "disabled"
                self.repo_names.append(full_name)
                self.repo_licenses.append(license_key)
                self.repo_revisions.append(revision)
                self.repo_kinds.append(kind)
                self.repo_created.append(created)
                at = gen.at(created)
                yield (
                    self.repo_ids[n], self.account_ids[owner], name, full_name, kind, revision, license_key, card,
                    visibility, rng.random() < 0.05, at, gen.at(created * rng.uniform(0.0, 1.0)),
                )  # fmt: skip

        return writer.write(rows())

    def links(self) -> int:
        """The big tree under load-base/foundation (repositories 1..big_tree), then small trees among the rest."""
        rng, sizes = self.rng, self.sizes
        base = _max_id(BaseModelLink)
        writer = _TableWriter(BaseModelLink, ["id", "repository_id", "base_full_name", "relation"])
        relation = _weighted(rng, {"finetune": 50, "quantized": 25, "adapter": 15, "merge": 10})
        external = ["meta-llama/Llama-3.1-8B", "mistralai/Mistral-7B-v0.3", "google/gemma-2-9b", "Qwen/Qwen2.5-7B"]
        depth = [0] * sizes.repositories
        links: list[tuple[int, str, str]] = []
        # Big tree: the first `big_tree_direct` nodes are direct fine-tunes; each later node hangs below an
        # earlier one of depth < 4, so the depths mix 1..4 and every node is counted once.
        shallow: list[int] = []
        for n in range(1, sizes.big_tree + 1):
            if n <= sizes.big_tree_direct:
                parent, kind = 0, "finetune"
            else:
                parent, kind = rng.choice(shallow), relation()
            depth[n] = depth[parent] + 1
            if depth[n] < BIG_TREE_MAX_DEPTH:
                shallow.append(n)
            links.append((n, self.repo_names[parent], kind))
            if kind == "merge" and n > 1:
                # A merge of two earlier nodes of the tree: a diamond, still one descendant.
                other = rng.randrange(1, n)
                if other != parent:
                    links.append((n, self.repo_names[other], "merge"))
        # Elsewhere: about a third of the models are bases; the rest build on a recent model (or an
        # external base the hub has not synced), at most 5 deep.
        recent: list[int] = []
        for n in range(sizes.big_tree + 1, sizes.repositories):
            if self.repo_kinds[n] != "model":
                continue
            if recent and rng.random() < 0.66:
                if rng.random() < 0.1:
                    links.append((n, rng.choice(external), "finetune"))
                else:
                    parent = recent[-1 - rng.randrange(min(len(recent), 200))]
                    if depth[parent] < 5:
                        kind = relation()
                        depth[n] = depth[parent] + 1
                        links.append((n, self.repo_names[parent], kind))
                        if kind == "merge":
                            other = recent[-1 - rng.randrange(min(len(recent), 200))]
                            if other != parent:
                                links.append((n, self.repo_names[other], "merge"))
            recent.append(n)

        def rows() -> Iterator[tuple]:
            for pk, (n, base_name, kind) in enumerate(links, start=base + 1):
                yield (pk, self.repo_ids[n], base_name, kind)

        return writer.write(rows())

    # -- reporters -----------------------------------------------------------------------------------------------
    def reporters(self) -> int:
        rng, gen = self.rng, self.gen
        base = _max_id(Reporter)
        writer = _TableWriter(Reporter, ["id", "email", "name", "trusted", "trusted_note", "created_at", "updated_at"])
        count = self.sizes.reporters
        self.reporter_ids = [base + 1 + n for n in range(count)]
        self.reporter_names = [f"Reporter {n}" for n in range(1, count + 1)]
        self.reporter_emails = [f"{MARKER_PREFIX}reporter{n}@reporters.example" for n in range(1, count + 1)]
        self.reporter_trusted = [rng.random() < 0.02 for _ in range(count)]
        # Opaque keys as intake computes them, once per identity (an HMAC per report would dominate).
        self.reporter_keys = [
            reporter_key(identity=ReporterIdentity(email=email), origin=Origin(source="form"))
            for email in self.reporter_emails
        ]
        self.address_keys = [
            reporter_key(identity=ReporterIdentity(), origin=Origin(source="form", client_address=address))
            for address in (f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}" for n in range(self.sizes.addresses))
        ]
        self.hub_user_keys = [
            reporter_key(identity=ReporterIdentity(), origin=Origin(source="hub", on_behalf_of=handle))
            for handle in self.account_handles
        ]

        def rows() -> Iterator[tuple]:
            for n in range(count):
                trusted = self.reporter_trusted[n]
                note = "A national hotline recognised as a trusted flagger." if trusted else ""
                at = gen.at(HISTORY_DAYS * 86400 * rng.uniform(1.0, 1.5))
                yield (self.reporter_ids[n], self.reporter_emails[n], self.reporter_names[n], trusted, note, at, at)

        return writer.write(rows())

    # -- cases ---------------------------------------------------------------------------------------------------
    def cases(self) -> int:
        rng, sizes, gen, ref = self.rng, self.sizes, self.gen, self.ref
        base = _max_id(Case)
        category = _weighted(rng, CATEGORY_WEIGHTS)
        licensed = [n for n, key in enumerate(self.repo_licenses) if key in ref.clause_grounds]
        account_count = len(self.account_ids)
        specs = []  # (created offset, open?, subject is account?, subject index, category)
        open_slots: set[tuple[bool, int, str]] = set()
        for n in range(sizes.cases):
            is_open = n < sizes.open_cases
            for _ in range(100):
                cat = category()
                on_account = cat in ACCOUNT_CATEGORIES and rng.random() < 0.02
                if cat == "license_violation":
                    if not licensed:
                        continue
                    subject = rng.choice(licensed)
                else:
                    subject = rng.randrange(account_count if on_account else sizes.repositories)
                # One open case per subject and category (the partial unique index).
                if not is_open or (on_account, subject, cat) not in open_slots:
                    break
            else:
                raise LoadDataError("Too few repositories for the open cases at this scale.")
            if is_open:
                open_slots.add((on_account, subject, cat))
                # The queue: mostly recent, so due dates fall on both sides of now.
                created = 14 * 86400 * rng.random() ** 2
            else:
                created = HISTORY_DAYS * 86400 * rng.random()
            specs.append((created, is_open, on_account, subject, cat))
        specs.sort(key=lambda spec: -spec[0])  # ids follow creation time
        self.case_ids = [base + 1 + n for n in range(len(specs))]
        self.case_specs = specs
        self.case_end: list[float] = []  # resolved (or now, for an open case), as an offset
        self.case_decider: list[int | None] = []
        writer = _TableWriter(
            Case,
            [
                "id", "repository_id", "account_id", "category", "state", "priority", "due_at", "revision",
                "assignee_id", "resolved_at", "surge_detected_at", "created_at", "updated_at",
            ],
        )  # fmt: skip

        def rows() -> Iterator[tuple]:
            for pk, (created, is_open, on_account, subject, cat) in zip(self.case_ids, specs, strict=True):
                sla = ref.sla[cat]
                trusted = rng.random() < 0.05
                priority = sla.priority + (TRUSTED_FLAGGER_PRIORITY_BOOST if trusted else 0)
                hours = sla.hours / 2 if trusted else sla.hours
                due = gen.at(created - hours * 3600)
                if is_open:
                    state = "open" if rng.random() < 0.8 else "in_review"
                    assignee = rng.choice(self.moderator_ids) if state == "in_review" else None
                    end, resolved_at = 0.0, None
                else:
                    state, assignee = "resolved", rng.choice(self.moderator_ids)
                    end = max(0.0, created - rng.uniform(0.5, max(1.0, hours * 2)) * 3600 * rng.uniform(1, 10))
                    resolved_at = gen.at(end)
                self.case_end.append(end)
                self.case_decider.append(assignee)
                surge = gen.at(created - 3600) if is_open and rng.random() < 0.01 else None
                yield (
                    pk,
                    None if on_account else self.repo_ids[subject],
                    self.account_ids[subject] if on_account else None,
                    cat, state, priority, due,
                    "" if on_account else self.repo_revisions[subject],
                    assignee, resolved_at, surge, gen.at(created), gen.at(end),
                )  # fmt: skip

        return writer.write(rows())

    # -- reports -------------------------------------------------------------------------------------------------
    def _details(self) -> dict[str, list[tuple[str, str, int | None, int | None]]]:
        details = dict(_DETAILS)
        details["acceptable_use"] = [
            ({"policy_section": key, "explanation": "The demo generates targeted harassment."}, "", None)
            for key in self.ref.section_keys
        ]
        return {
            category: [
                (json.dumps(data), path, lines[0] if lines else None, lines[1] if lines else None)
                for data, path, lines in variants
            ]
            for category, variants in details.items()
        }

    def reports(self) -> int:
        rng, sizes, gen = self.rng, self.sizes, self.gen
        base = _max_id(Report)
        cases = len(self.case_ids)
        # Every case has a report; of the rest, 30% go to a few hot cases (hundreds each), the rest anywhere.
        counts = [1] * cases
        extra = sizes.reports - cases
        hot = rng.sample(range(cases), max(1, cases // 250))
        for _ in range(extra):
            if rng.random() < 0.3:
                counts[hot[rng.randrange(len(hot))]] += 1
            else:
                counts[rng.randrange(cases)] += 1
        plan = []  # (created offset, case index)
        for index, count in enumerate(counts):
            created, end = self.case_specs[index][0], self.case_end[index]
            plan.append((created, index))
            plan.extend((rng.uniform(end, created), index) for _ in range(count - 1))
        plan.sort(key=lambda item: -item[0])
        details = self._details()
        license_details: dict[str, tuple[str, str, None, None]] = {}
        source = _weighted(rng, {"form": 55, "api": 30, "hub": 12, "automated": 3})
        writer = _TableWriter(
            Report,
            [
                "id", "case_id", "category", "source", "subject_type", "subject_ref", "revision", "path",
                "line_start", "line_end", "details", "reporter_id", "reporter_name", "reporter_email",
                "on_behalf_of", "reporter_key", "receipt_digest", "language", "created_at", "updated_at",
            ],
        )  # fmt: skip
        seed = self.gen.seed
        reporter_count, address_count = len(self.reporter_ids), len(self.address_keys)

        def rows() -> Iterator[tuple]:
            for pk, (created, index) in enumerate(plan, start=base + 1):
                _, _, on_account, subject, cat = self.case_specs[index]
                if cat == "license_violation":
                    key = self.repo_licenses[subject]
                    variant = license_details.get(key)
                    if variant is None:
                        ground = self.ref.clause_grounds[key][0]
                        data = {"license": key, "clause": ground.license_clause_id, "explanation": "The card sells it."}
                        variant = license_details[key] = (json.dumps(data), "README.md", None, None)
                else:
                    variant = rng.choice(details[cat])
                kind = source()
                reporter, name, email, on_behalf_of = None, "", "", ""
                if kind == "hub":
                    handle_index = rng.randrange(len(self.account_handles))
                    on_behalf_of, key = self.account_handles[handle_index], self.hub_user_keys[handle_index]
                elif cat in ("illegal_content", "copyright") or rng.random() < 0.25:
                    r = rng.randrange(reporter_count)
                    reporter, name, email, key = (
                        self.reporter_ids[r], self.reporter_names[r], self.reporter_emails[r], self.reporter_keys[r]
                    )  # fmt: skip
                else:
                    key = self.address_keys[rng.randrange(address_count)]
                at = gen.at(created)
                receipt = hashlib.sha256(f"{seed}:{pk}".encode()).hexdigest()
                yield (
                    pk, self.case_ids[index], cat, kind,
                    "account" if on_account else "repository",
                    self.account_handles[subject] if on_account else self.repo_names[subject],
                    "" if on_account else self.repo_revisions[subject],
                    variant[1], variant[2], variant[3], variant[0],
                    reporter, name, email, on_behalf_of, key, receipt,
                    "de" if rng.random() < 0.1 else "en", at, at,
                )  # fmt: skip

        return writer.write(rows())

    # -- decisions and enforcement -------------------------------------------------------------------------------
    def decisions(self) -> int:
        rng, sizes, gen, ref = self.rng, self.sizes, self.gen, self.ref
        base = _max_id(Decision)
        resolved = [index for index, spec in enumerate(self.case_specs) if not spec[1]]
        # Each resolved case is decided once, and reopened and decided again ~4 times on average.
        counts = dict.fromkeys(resolved, 1)
        for _ in range(sizes.decisions - len(resolved)):
            counts[resolved[rng.randrange(len(resolved))]] += 1
        plan = []  # (created offset, case index, last?)
        for index, count in counts.items():
            created, end = self.case_specs[index][0], self.case_end[index]
            start = max(end, created - 3600)
            plan.extend((rng.uniform(end, start), index, False) for _ in range(count - 1))
            plan.append((end, index, True))
        plan.sort(key=lambda item: -item[0])
        appeal_window = timedelta(days=settings.APPEAL_WINDOW_DAYS)
        intent = _weighted(rng, {"inadvertent": 40, "deliberate": 25, "unknown": 35})
        reasons = [choice for choice, _ in Decision.DismissalReason.choices]
        writer = _TableWriter(
            Decision,
            [
                "id", "case_id", "outcome", "dismissal_reason", "policy_section_id", "license_clause_id",
                "license_clause_version_id", "ground_label", "ground_text", "intent", "statement", "decided_by_id",
                "automated_detection", "appeal_deadline", "notified_at", "requested_actions", "recommended_actions",
                "departure_reason", "approval", "approved_by_id", "approved_at", "created_at", "updated_at",
            ],
        )  # fmt: skip
        self.actioned: list[tuple[int, str, float]] = []  # (decision id, kind, created offset)
        moderators = self.moderator_ids

        def rows() -> Iterator[tuple]:
            for pk, (created, index, last) in enumerate(plan, start=base + 1):
                _, _, on_account, subject, cat = self.case_specs[index]
                decider = self.case_decider[index] if last else rng.choice(moderators)
                at = gen.at(created)
                if rng.random() < 0.45:
                    if cat == "license_violation":
                        ground = rng.choice(ref.clause_grounds[self.repo_licenses[subject]])
                    else:
                        ground = ref.section_ground[cat]
                    kind = rng.choice(ACCOUNT_ACTION_KINDS if on_account else ACTION_KINDS[cat])
                    recommended = kind if rng.random() < 0.85 else rng.choice(ACTION_KINDS[cat])
                    departure = "" if recommended == kind else "The uploader fixed part of it already."
                    approver = None
                    if ref.sla[cat].four_eyes:
                        approver = rng.choice([m for m in moderators if m != decider] or moderators)
                    self.actioned.append((pk, kind, created))
                    yield (
                        pk, self.case_ids[index], "actioned", "", ground.policy_section_id, ground.license_clause_id,
                        ground.license_clause_version_id, ground.label, ground.text, intent(),
                        _STATEMENTS["actioned"].format(ground=ground.label, action=kind), decider,
                        cat == "malicious_code" and rng.random() < 0.3, at + appeal_window,
                        at + timedelta(minutes=2), f'["{kind}"]', f'["{recommended}"]', departure, "effective",
                        approver, at if approver else None, at, at,
                    )  # fmt: skip
                else:
                    yield (
                        pk, self.case_ids[index], "dismissed", rng.choice(reasons), None, None, None, "", "",
                        "unknown", _STATEMENTS["dismissed"], decider, False, at + appeal_window,
                        at + timedelta(minutes=2), "[]", "[]", "", "effective", None, None, at, at,
                    )  # fmt: skip

        return writer.write(rows())

    def actions(self) -> int:
        rng, gen = self.rng, self.gen
        base = _max_id(EnforcementAction)
        writer = _TableWriter(
            EnforcementAction,
            [
                "id", "decision_id", "kind", "state", "idempotency_key", "attempts", "applied_at", "created_at",
                "updated_at",
            ],
        )  # fmt: skip

        def rows() -> Iterator[tuple]:
            for pk, (decision_id, kind, created) in enumerate(self.actioned, start=base + 1):
                at = gen.at(created)
                applied = at + timedelta(seconds=rng.randint(1, 600))
                yield (pk, decision_id, kind, "applied", gen.uuid(), 1, applied, at, applied)

        return writer.write(rows())

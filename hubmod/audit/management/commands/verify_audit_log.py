import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hubmod.audit.checkpoints import (
    anchors_from,
    checkpoints_read,
    checkpoints_stored,
    key_id,
    public_key_parse,
    public_keys,
)
from hubmod.audit.log import verify_chain


class Command(BaseCommand):
    help = (
        "Walk the audit log's hash chain and check it against the signed checkpoints; exit 0 if intact, "
        "non-zero naming the first broken event or the first checkpoint that disagrees."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="Checkpoints as JSON lines (a copy you hold, the sink's file); default: AUDIT_CHECKPOINT_FILE, "
            "else the database's own copy.",
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="BASE64",
            help="Trust checkpoints signed by this Ed25519 public key (raw, base64); repeat for several. "
            "Default: the current key and AUDIT_CHECKPOINT_VERIFY_KEYS.",
        )

    def handle(self, *args, checkpoints=None, public_key=(), **options):
        started = time.monotonic()
        source, rows = self._checkpoints(checkpoints)
        keys = self._keys(public_key)
        anchors, problem = anchors_from(rows, keys=keys)
        if problem is not None:
            raise CommandError(f"Refused: {problem.source} {problem.problem}.")
        result = verify_chain(anchors=anchors)
        seconds = time.monotonic() - started
        if result.problem:
            where = f"event {result.broken_seq}" if result.broken_seq is not None else "the log"
            raise CommandError(f"Audit log broken at {where}: {result.problem} ({result.checked} intact before it).")
        if anchors:
            against = f"matches {len(anchors)} signed checkpoints from {source}"
        else:
            against = (
                f"no signed checkpoints ({source} holds none), so it is checked only against itself: "
                "a writer who recomputed every hash after an edit would pass"
            )
        self.stdout.write(f"Audit log intact: {result.checked} events verified in {seconds:.2f} s; {against}.")

    def _checkpoints(self, given):
        path = given or settings.AUDIT_CHECKPOINT_FILE
        if not path:
            return "the database's copy (no AUDIT_CHECKPOINT_FILE, no --checkpoints)", checkpoints_stored()
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            if given:
                raise CommandError(f"No checkpoints file at {path}.") from exc
            text = ""
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read the checkpoints file {path}: {exc}.") from exc
        return path, checkpoints_read(text.splitlines(), origin=path)

    def _keys(self, given):
        if not given:
            return public_keys()
        keys = {}
        for encoded in given:
            try:
                raw = public_key_parse(encoded)
            except ValueError as exc:
                raise CommandError(f"--public-key {encoded!r}: {exc}") from exc
            keys[key_id(raw)] = raw
        return keys

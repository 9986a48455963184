"""`python -m revocation_verifier sync|check`: keep a verified local copy of the feed, and ask it.

Exit codes (docs/revocation-feed.md):
  0  sync: the local copy is current and verified; check: not revoked (or lifted)
  1  check: revoked, soft (warn before loading)
  2  check: revoked, hard (must not be loaded)
  3  verification failed: a page or the local copy is not what the pinned key vouches for
  4  the feed or the local copy could not be read (network, HTTP status, file)
  64 the command line is wrong
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

from revocation_verifier.format import VerificationError
from revocation_verifier.store import Store
from revocation_verifier.sync import FetchError, sync

NOT_REVOKED, SOFT, HARD, UNVERIFIED, UNREADABLE, USAGE = 0, 1, 2, 3, 4, 64


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse's own code, 2, means "hard" here.
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m revocation_verifier", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    fetch = commands.add_parser("sync", help="fetch, verify and keep the pages after the local copy's last seq")
    fetch.add_argument("--feed", required=True, help="the feed's URL, e.g. https://hubmod.example/api/v1/revocations")
    fetch.add_argument(
        "--public-key", action="append", required=True, help="a pinned public key, base64 (repeat during a rotation)"
    )
    fetch.add_argument("--store", required=True, help="the local copy's file (created if missing)")
    check = commands.add_parser("check", help="is this file, or this repository (at this revision), revoked?")
    check.add_argument("--store", required=True)
    what = check.add_mutually_exclusive_group(required=True)
    what.add_argument("--sha256")
    what.add_argument("--repository", help="owner/name")
    check.add_argument("--revision", help="with --repository: this revision (else: any revision)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check" and args.revision and not args.repository:
        _parser().error("--revision goes with --repository")
    try:
        store = Store.open(args.store)
        if args.command == "sync":
            added = sync(store, feed_url=args.feed, public_keys=args.public_key)
            print(json.dumps({"added": added, "last_seq": store.last_seq, "key_id": store.key_id}))
            return NOT_REVOKED
        found = (
            store.revoked(sha256=args.sha256)
            if args.sha256
            else store.revoked(repository=args.repository, revision=args.revision)
        )
    except VerificationError as exc:
        print(f"verification failed: {exc}", file=sys.stderr)
        return UNVERIFIED
    except (FetchError, OSError) as exc:
        print(f"could not read: {exc}", file=sys.stderr)
        return UNREADABLE
    except ValueError as exc:  # a malformed pinned key
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    if found is None:
        print(json.dumps({"revoked": False}))
        return NOT_REVOKED
    print(json.dumps({"revoked": True, **found.as_dict()}))
    return HARD if found.hard else SOFT


if __name__ == "__main__":
    sys.exit(main())

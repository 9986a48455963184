"""The local copy of the feed: every verified entry, kept in a JSON file replaced atomically, and
the look-ups answered from dicts built from it (a dict look-up each: microseconds)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from revocation_verifier.format import FEED, VerificationError

STORE_FORMAT = "hubmod-revocation-verifier-store/1"
_SEVERITY_RANK = {"soft": 1, "hard": 2}


@dataclass(frozen=True, slots=True)
class Revocation:
    """Why something is revoked: what a loader shows before it refuses (hard) or warns (soft)."""

    severity: str
    reason: str
    statement_url: str
    revoked_at: str
    repository: str
    revision: str | None
    sha256: str | None
    seq: int
    action: str

    @property
    def hard(self) -> bool:
        return self.severity == "hard"

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def _revocation(entry: dict[str, Any]) -> Revocation:
    return Revocation(
        severity=entry["severity"],
        reason=entry["reason"],
        statement_url=entry["statement_url"],
        revoked_at=entry["revoked_at"],
        repository=entry["repository"],
        revision=entry.get("revision"),
        sha256=entry.get("sha256"),
        seq=entry["seq"],
        action=entry["action"],
    )


def _key(entry: dict[str, Any]) -> tuple[str, str, str]:
    """What an entry is about: (repository, revision or "", sha256 or "")."""
    return entry["repository"], entry.get("revision", ""), entry.get("sha256", "")


def _gravest(standing: dict[int, Revocation]) -> Revocation | None:
    return _gravest_of(list(standing.values()))


def _gravest_of(revocations: list[Revocation | None]) -> Revocation | None:
    gravest = None
    for revocation in revocations:
        if revocation is not None:
            gravest = _graver(gravest, revocation)
    return gravest


def _set(answers: dict[Any, Revocation], key: Any, answer: Revocation | None) -> None:
    if answer is None:
        answers.pop(key, None)
    else:
        answers[key] = answer


def _graver(current: Revocation | None, candidate: Revocation | None) -> Revocation | None:
    """Of two revocations of one thing, the one to answer with: hard before soft, then the latest."""
    if current is None or candidate is None:
        return current or candidate
    rank = (_SEVERITY_RANK[candidate.severity], candidate.seq)
    return candidate if rank > (_SEVERITY_RANK[current.severity], current.seq) else current


class Store:
    """The verified entries of one feed, and what stands of them.

    A revocation stands until an entry lifts it (`lifts` names its seq). Look-ups:
    - `revoked(sha256=...)`: a file's bytes;
    - `revoked(repository=..., revision=...)`: that revision, else the whole repository;
    - `revoked(repository=...)`: the whole repository, or any of its revisions.
    Each returns the gravest standing Revocation (hard before soft, then the latest) or None.
    `revoked_file(sha256)` and `revoked_repository(repository, revision=None)` answer the same for
    a loader's hot loop: a call with keywords costs CPython more than the dictionary look-up itself
    (bench "revocations", docs/performance.md).
    """

    revoked_file: Callable[[str], Revocation | None]

    def __init__(self, path: Path, entries: list[dict[str, Any]], key_id: str | None) -> None:
        self.path = path
        self.entries: list[dict[str, Any]] = []
        self.key_id = key_id
        self._standing: dict[int, dict[str, Any]] = {}
        # The standing revocations of each key, and the keys (not files) of each repository.
        self._by_key: dict[tuple[str, str, str], dict[int, Revocation]] = {}
        self._keys_of: dict[str, set[tuple[str, str, str]]] = {}
        # The answers, kept current as entries come: the look-ups only read these.
        self._files: dict[str, Revocation] = {}
        self._revisions: dict[tuple[str, str], Revocation] = {}
        self._whole: dict[str, Revocation] = {}
        self._anywhere: dict[str, Revocation] = {}
        # A file's answer is one dictionary look-up: the dictionary's own, with nothing around it.
        self.revoked_file = self._files.get
        self._take(entries)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """The local copy at `path`, or an empty one if there is no file yet."""
        where = Path(path)
        try:
            stored = json.loads(where.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(where, [], None)
        except (OSError, ValueError) as exc:
            raise VerificationError(f"{where}: not a local copy of the feed ({exc})") from exc
        if not isinstance(stored, dict) or stored.get("format") != STORE_FORMAT or stored.get("feed") != FEED:
            raise VerificationError(f"{where}: not a local copy of a {FEED} feed")
        entries = stored.get("entries")
        if not isinstance(entries, list) or [e.get("seq") for e in entries] != list(range(1, len(entries) + 1)):
            raise VerificationError(f"{where}: its entries are not numbered 1, 2, 3... without a gap")
        return cls(where, entries, stored.get("key_id"))

    @property
    def last_seq(self) -> int:
        return len(self.entries)

    def extend(self, entries: list[dict[str, Any]], *, key_id: str) -> None:
        """Take entries already verified by format.page_check (in seq order, continuing ours)."""
        self._take(entries)
        self.key_id = key_id

    def _take(self, entries: list[dict[str, Any]]) -> None:
        touched: set[tuple[str, str, str]] = set()
        for entry in entries:
            if entry["seq"] != self.last_seq + 1:
                raise VerificationError(f"entry {entry['seq']} does not follow seq {self.last_seq}")
            touched.add(self._apply(entry))
            self.entries.append(entry)
        self._answer(touched)

    def _apply(self, entry: dict[str, Any]) -> tuple[str, str, str]:
        """Stand a revocation, or lift the one a lift names; returns the key it changed."""
        key = _key(entry)
        lifted = entry.get("lifts")
        if lifted is None:
            self._standing[entry["seq"]] = entry
            self._by_key.setdefault(key, {})[entry["seq"]] = _revocation(entry)
            if not key[2]:
                self._keys_of.setdefault(key[0], set()).add(key)
            return key
        original = self._standing.pop(lifted, None)
        if original is None or _key(original) != key:
            raise VerificationError(
                f"entry {entry['seq']} lifts seq {lifted}, which is not a standing revocation of it"
            )
        del self._by_key[key][lifted]
        return key

    def _answer(self, touched: set[tuple[str, str, str]]) -> None:
        """Bring the answers of the keys that changed up to date, and of what depends on them: a
        revision's answer is the graver of its own and the whole repository's; a repository's, at
        no particular revision, the gravest of all its keys'."""
        repositories = set()
        for repository, revision, sha256 in touched:
            gravest = _gravest(self._by_key.get((repository, revision, sha256), {}))
            if sha256:
                _set(self._files, sha256, gravest)
            elif revision:
                repositories.add(repository)
            else:
                _set(self._whole, repository, gravest)
                repositories.add(repository)
        for repository in repositories:
            whole = self._whole.get(repository)
            answers = []
            for key in self._keys_of.get(repository, ()):
                own = _gravest(self._by_key.get(key, {}))
                answers.append(own)
                if key[1]:
                    _set(self._revisions, (repository, key[1]), _graver(own, whole) if whole else own)
            _set(self._anywhere, repository, _gravest_of(answers))

    def revoked_repository(self, repository: str, revision: str | None = None) -> Revocation | None:
        if revision is None:
            return self._anywhere.get(repository)
        return self._revisions.get((repository, revision)) or self._whole.get(repository)

    def revoked(
        self, *, sha256: str | None = None, repository: str | None = None, revision: str | None = None
    ) -> Revocation | None:
        if sha256 is not None:
            return self._files.get(sha256)
        if repository is None:
            raise TypeError("revoked() takes sha256=, or repository= with or without revision=")
        return self.revoked_repository(repository, revision)

    def save(self) -> None:
        """Write the local copy: to a new file beside it, flushed to disk, then renamed over it, so a
        crash leaves the old copy or the new one, never half of one."""
        body = {"format": STORE_FORMAT, "feed": FEED, "key_id": self.key_id, "entries": self.entries}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(body, out, separators=(",", ":"))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

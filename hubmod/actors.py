"""Who did something: every service takes an Actor, every audit event records one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from hubmod.errors import Forbidden

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model

M = TypeVar("M", bound="Model")

ActorKind = Literal["staff", "hub", "system", "uploader", "reporter"]


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    label: str
    user: User | None = None

    @classmethod
    def staff(cls, user: User) -> Actor:
        return cls(kind="staff", label=user.get_username(), user=user)

    def person(self, *, what: str) -> User:
        """The staff member a record names as its maker (`what` says which record): the system, a hub
        and reporters act without one, so a record that needs a person is refused to them."""
        if self.user is None:
            raise Forbidden(f"Only a staff member makes {what}.")
        return self.user

    @classmethod
    def hub(cls, key_name: str) -> Actor:
        return cls(kind="hub", label=f"hub key {key_name}")

    @classmethod
    def uploader(cls, handle: str) -> Actor:
        return cls(kind="uploader", label=f"@{handle}")

    @classmethod
    def reporter(cls) -> Actor:
        # A reporter's identity never enters the audit trail that uploaders may one day see.
        return cls(kind="reporter", label="reporter")

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Django's permission check, so django-fsm transitions can take an Actor as `user`."""
        if self.kind == "system":
            return True
        if self.user is not None and self.user.is_active:
            return self.user.has_perm(perm)
        return False

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


SYSTEM = Actor(kind="system", label="hubmod")


def permission_explained(
    check: Callable[[M, Any], bool], refusal: Callable[[M, Any], str]
) -> Callable[[Model, Any], bool]:
    """`check` as a transition's permission that says which rule it applies: when it refuses,
    `hubmod.audit.log.transition()` answers with `refusal(row, actor)`, not a generic "not allowed"."""
    check.refusal = refusal  # type: ignore[attr-defined]  # a function attribute, read back by transition()
    # django-fsm types a permission as taking any model; it only ever passes rows of the transition's own.
    return cast("Callable[[Model, Any], bool]", check)

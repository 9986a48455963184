"""Application errors: what a service raises when a request cannot be carried out.

The API turns them into 4xx answers (see hubmod.api.exception_handler); pages show the message.
"""

from typing import Any


class ApplicationError(Exception):
    """A request that is well-formed but cannot be carried out; answered 400."""

    status_code = 400

    # A field's messages, or for a nested field (a report's details) its own fields' messages.
    def __init__(self, message: str, *, field_errors: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}

    @property
    def problems(self) -> list[str]:
        """What to fix, for a page that shows a refusal above its form: the field messages say
        more than the summary, so they come instead of it when there are any."""
        return [message for messages in self.field_errors.values() for message in messages] or [self.message]


class Conflict(ApplicationError):
    """The object is not in a state that allows this; answered 409 with its current state."""

    status_code = 409

    def __init__(self, message: str, *, state: str | None = None):
        super().__init__(message)
        self.state = state


class IllegalTransition(Conflict):
    def __init__(self, *, obj: object, transition: str, state: str):
        label = type(obj).__name__.lower()
        super().__init__(f"Cannot {transition} this {label} while it is {state}.", state=state)


class NotFound(ApplicationError):
    """What the request's path names does not exist; answered 404 with a message that says which.

    A service raises it where it looks the row up, so no door checks existence before calling."""

    status_code = 404


class Forbidden(ApplicationError):
    status_code = 403


class Gone(ApplicationError):
    """What was asked for existed but is no longer kept (e.g. evidence past its retention)."""

    status_code = 410


class TooManyRequests(ApplicationError):
    status_code = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after

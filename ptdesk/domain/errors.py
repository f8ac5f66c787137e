"""Typed domain errors. Each message is written for the person at the desk, not a developer."""


class DomainError(Exception):
    """A rule was broken by the input; the message says what to fix in plain words."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """One or more fields of a form are not acceptable."""


class ValidationErrors(DomainError):
    """Several field problems at once, so a form can show each next to its field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)

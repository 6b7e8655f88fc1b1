"""Domain errors; mapped to a Dutch message or a 4xx in one place (web/errors.py)."""


class DomainError(Exception):
    """Base class. ``message`` is shown to the user (Dutch)."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """Unknown, or not visible to this user: the two are indistinguishable on purpose."""

    status = 404

    def __init__(self, message: str = "Niet gevonden."):
        super().__init__(message)


class Forbidden(DomainError):
    status = 403


class StateError(DomainError):
    """The action is not allowed in the dossier's current state."""

    status = 409


class Conflict(DomainError):
    """Someone else changed the data in the meantime (optimistic locking)."""

    status = 409


class InvalidInput(DomainError):
    status = 400


class Throttled(DomainError):
    status = 429

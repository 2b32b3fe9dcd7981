"""Errors the domain raises when a command would record something that cannot be true."""


class LedgerError(Exception):
    """A refused command: the message says what is wrong; nothing was recorded."""

    field: str | None = None  # the field or option at fault, when there is one


class InvalidInput(LedgerError):
    """A value typed in that does not read as its field's type: a usage error (exit 2)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RuleViolation(LedgerError):
    """The command breaks a rule of the facility (the contract §2)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownNote(LedgerError):
    def __init__(self, facility: str, note: str) -> None:
        super().__init__(f"facility {facility} has no note {note!r}")


class UnknownFacility(LedgerError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no facility {code!r} in this ledger (see 'loanledger facility list')")


class DuplicateFacility(LedgerError):
    def __init__(self, code: str) -> None:
        super().__init__(f"facility {code!r} already exists")


class ReferenceConflict(LedgerError):
    def __init__(self, reference: str, version: int) -> None:
        super().__init__(
            f"reference {reference!r} was already recorded (version {version}) "
            "with different content"
        )

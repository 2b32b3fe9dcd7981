"""Errors the domain raises when a command would record something that cannot be true."""


class LedgerError(Exception):
    """A refused command: the message says what is wrong; nothing was recorded."""


class RuleViolation(LedgerError):
    """The command breaks a rule of the facility (DESIGN §2)."""


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

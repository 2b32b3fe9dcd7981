"""A writer process for the concurrency tests: `python -m tests.writer DB_URL CODE WRITER COUNT`.

Waits until START_AT (epoch seconds, from the environment) so that every writer begins at
once, records COUNT payments on facility CODE through the Ledger, and prints one JSON line per
command: the amount, and either ok or the one-line message a user would see.
"""

import json
import os
import sys
import time

from cli.application.ledger import Ledger, Meta
from cli.commands.app import database_fault
from cli.persistence.storage import database
from domain import facts
from domain.errors import LedgerError


def amount(writer: int, number: int) -> str:
    """Distinct for every (writer, number), so each stored payment names its command."""
    return f"{writer + 1}{number:04d}.{writer:02d}"


def main(db_url: str, code: str, writer: int, count: int) -> None:
    ledger = Ledger(database(db_url))
    time.sleep(max(0.0, float(os.environ.get("START_AT", "0")) - time.time()))
    try:
        for number in range(count):
            fact = facts.ReceivePayment(amount=amount(writer, number), effective_date="2024-02-01")
            before = ledger.conflicts
            try:
                outcome = ledger.record(code, fact, Meta(f"writer-{writer}"))
                result = {"amount": fact.model_dump(mode="json")["amount"], "ok": True,
                          "version": outcome.event.version, "attempts": ledger.conflicts - before + 1}
            except LedgerError as error:
                result = {"amount": str(fact.amount), "ok": False, "error": str(error)}
            except Exception as error:  # noqa: BLE001 - what the CLI would show for a database fault
                message = database_fault(error)
                if message is None:
                    raise
                result = {"amount": str(fact.amount), "ok": False, "error": message}
            print(json.dumps(result), flush=True)
    finally:
        ledger.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))

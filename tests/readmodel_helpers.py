"""Helpers for the read-model tests: record facts through the ledger, read the tables back."""

from datetime import date, timedelta
from typing import Any

from cli.application.ledger import Ledger, Meta
from cli.application.readmodel_sync import close_view, open_view
from cli.persistence.storage import database
from domain import facts
from domain.errors import LedgerError
from projections.commitment import principal_provider
from cli.application.projection import catch_up
from cli.persistence.readmodel_schema import TABLES

START = date(2024, 1, 2)
META = Meta("tester")


def ledger_for(db_url: str) -> Ledger:
    return Ledger(database(db_url), principal_provider=principal_provider)


def open_facility(book: Ledger, code: str) -> None:
    book.open_facility(facts.OpenFacility(code=code, borrower=f"{code} Inc", lender="Bank",
                                          agreement_date=START), META)
    book.record(code, facts.IssueNote(note="A", kind="term", face_amount="1000000", issue_date=START,
                                      maturity_date=START + timedelta(days=400), interest={"rate": "7"},
                                      default_margin="2",
                                      amortization=[{"due_date": START + timedelta(days=90), "amount": "50000"}]),
                META)


FACTS = {
    "advance": lambda day, amount: facts.MakeAdvance(note="A", amount=amount, effective_date=day),
    "payment": lambda day, amount: facts.ReceivePayment(amount=amount, effective_date=day),
    "fee": lambda day, amount: facts.AssessFee(amount=amount, kind="late", effective_date=day, basis="test"),
    "default": lambda day, amount: facts.DeclareDefault(effective_date=day, clause="SA 19", description="x"),
    "waiver": lambda day, amount: facts.WaiveDefault(effective_date=day, clause="SA 19", description="x"),
    "acceleration": lambda day, amount: facts.AccelerateObligations(effective_date=day),
}


def record_step(book: Ledger, code: str, kind: str, offset: int, amount: str) -> bool:
    """Record one fact; False when the facility's rules refuse it (nothing recorded)."""
    day = START + timedelta(days=offset)
    try:
        if kind == "reversal":
            version = len(book.facility_events(code))
            book.record(code, facts.ReverseEvent(target=max(3, version - offset % 3), reason="test"), META)
        else:
            book.record(code, FACTS[kind](day, amount), META)
        return True
    except LedgerError:
        return False


def tables(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model row, as comparable tuples in a fixed order, plus the position."""
    view = open_view(database(db_url))
    try:
        out = {t: sorted(tuple(str(v) for v in r.values()) for r in view.rows(f"SELECT * FROM {t}")) for t in TABLES}
        out["position"] = [(view.position(),)]
        return out
    finally:
        close_view(view)


def catch_up_now(db_url: str, book: Ledger | None = None, **options: Any) -> int:
    own = book is None
    book = book or ledger_for(db_url)
    view = open_view(book.db)
    try:
        return catch_up(view, book, **options)
    finally:
        close_view(view)
        if own:
            book.close()


def reset(db_url: str) -> None:
    view = open_view(database(db_url))
    try:
        view.reset()
    finally:
        close_view(view)

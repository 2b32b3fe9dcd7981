"""The `--json` shapes of the contract §7: amounts as strings with two decimals."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.money import to_cents

from projections.explain import Explanation
from projections.figures import PastDue, Position


def money(amount: Decimal) -> str:
    return f"{to_cents(amount):.2f}"


def exact(value: Decimal) -> str:
    """An unrounded figure for display: twelve decimal places at most, trailing zeros dropped."""
    shown = value.quantize(Decimal("1e-12")).normalize()
    return f"{shown:f}"


def _instant(known_at: datetime | None) -> str | None:
    return known_at.isoformat() if known_at is not None else None


def past_due_json(report: PastDue) -> dict[str, Any]:
    notes = {
        code: {"principal": money(n.principal.amount), "interest": money(n.interest.amount),
               "fees": money(n.fees.amount), "total": money(n.total.amount)}
        for code, n in report.notes.items()
    }
    return {
        "facility": report.facility, "as_of": report.as_of.isoformat(), "known_at": _instant(report.known_at),
        "principal": money(report.component("principal").amount),
        "interest": money(report.component("interest").amount),
        "fees": money(report.component("fees").amount),
        "total": money(report.total.amount),
        "days_past_due": report.days_past_due, "bucket": report.bucket,
        "notes": notes,
    }


def balance_json(position: Position) -> dict[str, Any]:
    notes = {
        code: {"principal": money(n.principal), "interest": money(n.interest), "fees": money(n.fees),
               "total": money(n.total)}
        for code, n in position.notes.items()
    }
    return {
        "facility": position.facility, "as_of": position.as_of.isoformat(), "known_at": _instant(position.known_at),
        "principal": money(position.principal), "interest": money(position.interest),
        "fees": money(position.fees), "unapplied_credit": money(position.unapplied_credit),
        "total": money(position.total),
        "notes": notes,
    }


def explain_json(x: Explanation) -> dict[str, Any]:
    """Every derivation as plain JSON values (amounts as strings; exact values unrounded)."""
    return {
        "facility": x.facility, "as_of": x.as_of.isoformat(), "known_at": _instant(x.known_at),
        "balance": balance_json(x.position),
        "past_due": past_due_json(x.past_due),
        "advances": [_plain(a) for a in x.advances],
        "interest_bills": [_plain(b) for b in x.bills],
        "current_interest": [_plain(c) for c in x.current],
        "payments": [_plain(p) for p in x.payments],
        "credit_applications": [_plain(c) for c in x.credit],
        "principal_due": [_plain(d) for d in x.principal_due],
        "cancelled": [_plain(d) for d in x.cancelled],
        "fees": [_plain(f) for f in x.fees],
        "premiums": [_plain(p) for p in x.premiums],
        "open_items": [_plain(i) for i in x.open_items],
        "skipped": list(x.skipped),
        "fee_bills": [_plain(b) for b in x.fee_bills],
        "current_fees": [_plain(c) for c in x.current_fees],
        "terms_in_force": [_plain(t) for t in x.terms],
        "overdue_interest_bills": [_plain(b) for b in x.overdue_bills],
        "pik_capitalised": [_plain(p) for p in x.pik],
    }


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        names = getattr(value, "shown_fields", value.__dataclass_fields__)
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return money(value) if value == to_cents(value) else exact(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def verification_json(result: Any) -> dict[str, Any]:
    """`verify --json` (a projections.verification result)."""
    return {
        "ok": result.ok,
        "facilities": [{"facility": s.code, "events": s.rows, "version": s.head_version,
                        "chain_hash": s.head_hash} for s in result.streams],
        "events": result.events,
        "index_streams": [{"stream": name, "events": n} for name, n in result.indexes.items()],
        "findings": [f.as_json() for f in result.findings],
    }


def portfolio_json(day: Any, instant: datetime | None, lines: list[Any], totals: list[Any]) -> dict[str, Any]:
    """`portfolio --json` (projections.readmodels.portfolio lines and totals)."""
    return {
        "as_of": day.isoformat(), "known_at": instant.isoformat() if instant else None,
        "facilities": [{
            "facility": x.facility, "borrower": x.borrower, "status": x.status, "principal": money(x.principal),
            "past_due": {"principal": money(x.past_due_principal), "interest": money(x.past_due_interest),
                         "fees": money(x.past_due_fees), "total": money(x.past_due_total)},
            "oldest_due_date": x.oldest_due.isoformat() if x.oldest_due else None,
            "days_past_due": x.days_past_due, "bucket": x.bucket, "problem": x.problem,
            "computed_by": x.computed_by} for x in lines],
        "totals": [{"bucket": t.bucket, "facilities": t.facilities, "principal": money(t.principal),
                    "past_due": money(t.past_due_total)} for t in totals],
    }


def exposure_json(day: Any, instant: datetime | None, rows: list[Any], refused: list[Any]) -> dict[str, Any]:
    """`portfolio --by-lender --json` (projections.lender_exposure rows, grouped by lender)."""
    lenders: dict[str, list[Any]] = {}
    for x in rows:
        lenders.setdefault(x.lender, []).append(x)

    def figures(items: list[Any]) -> dict[str, Any]:
        total = {name: sum((getattr(x, name) for x in items), Decimal("0.00")) for name in
                 ("principal", "past_due_principal", "past_due_interest", "past_due_fees", "past_due_total")}
        return {"principal": money(total["principal"]),
                "past_due": {"principal": money(total["past_due_principal"]),
                             "interest": money(total["past_due_interest"]), "fees": money(total["past_due_fees"]),
                             "total": money(total["past_due_total"])}}

    return {
        "as_of": day.isoformat(), "known_at": instant.isoformat() if instant else None,
        "lenders": [{"lender": name, "facilities": [{"facility": x.facility, **figures([x])} for x in items],
                     "total": figures(items)} for name, items in sorted(lenders.items())],
        "refused": [{"facility": r.facility, "problem": r.problem} for r in refused],
    }


def timeline_json(series: Any) -> list[dict[str, Any]]:
    """`timeline --json`: a list of {balance, past_due}."""
    return [{"balance": balance_json(r.position), "past_due": past_due_json(r.past_due)} for r in series]


def availability_json(report: Any) -> dict[str, Any]:
    """`availability --json` (a projections.availability.Availability)."""
    return {
        "facility": report.facility, "as_of": report.as_of.isoformat(),
        "available": money(report.available),
        "notes": [{"note": n.note, "kind": n.kind, "sublimit_of": n.sublimit_of, "commitment": money(n.commitment),
                   "drawn": money(n.drawn), "available": money(n.available),
                   "accrued_fee": money(n.accrued_fee), "why_not": list(n.why_not)} for n in report.notes],
    }


def payoff_json(quote: Any) -> dict[str, Any]:
    """`payoff --json` (a projections.payoff.Payoff)."""
    return {
        "facility": quote.facility, "good_through": quote.good_through.isoformat(),
        "notes": [{"note": n.note, "principal": money(n.principal), "interest": money(n.interest),
                   "fees": money(n.fees), "prepayment_premium": money(n.prepayment_premium), "total": money(n.total),
                   "per_diem": money(n.per_diem) if n.per_diem is not None else None} for n in quote.notes],
        "facility_fees": money(quote.facility_fees), "unapplied_credit": money(quote.unapplied_credit),
        "total": money(quote.total), "per_diem": money(quote.per_diem),
    }

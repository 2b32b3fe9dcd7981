"""Writes examples/atg-laurus-2005.jsonl: the seed scenario (the contract §8).

The documented facts (notes, prime rates, the notice, Term B's waivers and extensions) are
written as they are. The payment history is not public: it is assumed (docs/seed-scenario.md)
and its amounts are computed here by the engine itself, month by month:

* every monthly interest bill is paid in full on its due date, as one undirected payment of
  exactly what the engine billed, except
* the December 2007 bills (due 2008-01-02), paid in part: the amount is calibrated so that
  the accrued interest as of 2008-01-31 is 96,777.00 (the letter's figure).

Run from the repository root:  python examples/build_atg_laurus_2005.py
"""

import json
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from projections.business_days import calendar_for  # noqa: E402
from projections.report import explain  # noqa: E402
from tests.streams import stream  # noqa: E402

CODE = "ATG-LAURUS-2005"
LETTER = "LV Administrative Services letter 2008-01-31"
FILINGS = "American Technologies Group SEC filings (2005-2008)"
ASSUMED = "assumed history, calibrated (docs/seed-scenario.md)"
PRIME = [("2005-08-09", "6.50"), ("2005-09-20", "6.75"), ("2005-11-01", "7.00"), ("2005-12-13", "7.25"),
         ("2006-01-31", "7.50"), ("2006-03-28", "7.75"), ("2006-05-10", "8.00"), ("2006-06-29", "8.25"),
         ("2007-09-18", "7.75"), ("2007-10-31", "7.50"), ("2007-12-11", "7.25"), ("2008-01-22", "6.50"),
         ("2008-01-30", "6.00")]
TARGET_INTEREST = Decimal("96777.00")
CAL = calendar_for("US")


def rec(event_type: str, **fields) -> dict:
    return {"facility": CODE, "type": event_type, **fields}


def note(code: str, kind: str, face: str, maturity: str, margin: str, floor: str, **more) -> dict:
    return rec("NoteIssued", note=code, kind=kind, face_amount=face, issue_date="2005-09-07",
               maturity_date=maturity, interest={"index": "PRIME", "margin": margin, "floor": floor},
               day_count="ACT/360", interest_day=1, default_margin="2.00",
               default_premium={"rate": "30", "base": "principal_and_interest"}, source=FILINGS, **more)


def term_a_schedule() -> list[dict]:
    months = [(2006 + (3 + k) // 12, (3 + k) % 12 + 1) for k in range(29)]  # 2006-04 .. 2008-08
    return [{"due_date": date(y, m, 1).isoformat(), "amount": "75000.00"} for y, m in months]


def documented() -> list[dict]:
    return [
        rec("FacilityOpened", code=CODE, borrower="American Technologies Group, Inc.",
            lender="Laurus Master Fund, Ltd.", agent="LV Administrative Services, Inc.",
            agreement_date="2005-09-07", timezone="America/New_York", payment_cutoff="12:00:00",
            calendar="US", source=FILINGS),
        *[rec("IndexRateSet", index="PRIME", rate=r, effective_date=d, source="Wall Street Journal prime rate")
          for d, r in PRIME],
        note("REVOLVER", "revolving", "7000000.00", "2008-09-06", "1.00", "7.50"),
        note("MBN", "minimum_borrowing", "3000000.00", "2008-09-06", "1.00", "7.50", sublimit_of="REVOLVER"),
        note("TERM-A", "term", "3000000.00", "2008-09-06", "2.00", "8.00", amortization=term_a_schedule()),
        note("TERM-B", "term", "2000000.00", "2007-03-06", "2.00", "8.00"),
    ]


def dated() -> list[tuple[str, dict]]:
    """Everything with an effective date except the monthly interest payments."""
    out = [
        ("2005-09-07", rec("AdvanceMade", note="REVOLVER", amount="2500000.00", effective_date="2005-09-07", source=ASSUMED)),
        ("2005-09-07", rec("AdvanceMade", note="MBN", amount="3000000.00", effective_date="2005-09-07", source=ASSUMED)),
        ("2005-09-07", rec("AdvanceMade", note="TERM-A", amount="3000000.00", effective_date="2005-09-07", source=ASSUMED)),
        ("2005-09-07", rec("AdvanceMade", note="TERM-B", amount="2000000.00", effective_date="2005-09-07", source=ASSUMED)),
        ("2006-02-15", rec("AdvanceMade", note="REVOLVER", amount="1000000.00", effective_date="2006-02-15", source=ASSUMED)),
        ("2006-08-15", rec("PaymentReceived", amount="500000.00", effective_date="2006-08-15", note="REVOLVER",
                           component="principal", reference="ATG-REV-2006-08-15", source=ASSUMED)),
        ("2007-05-15", rec("AdvanceMade", note="REVOLVER", amount="1000000.00", effective_date="2007-05-15", source=ASSUMED)),
    ]
    for item in term_a_schedule():
        due = CAL.following(date.fromisoformat(item["due_date"]))
        if due <= date(2008, 1, 31):
            out.append((due.isoformat(), rec("PaymentReceived", amount="75000.00", effective_date=due.isoformat(),
                                             note="TERM-A", component="principal",
                                             reference=f"ATG-TA-{item['due_date'][:7]}", source=ASSUMED)))
    out += _term_b_episodes() + _notice()
    return out


def _term_b_episodes() -> list[tuple[str, dict]]:
    clause, out = "Term Note B §4.1", []
    for unpaid, waived, new_maturity in (("2007-03-07", "2007-03-23", "2007-09-06"),
                                         ("2007-09-07", "2007-10-30", "2007-12-31")):
        out += [
            (unpaid, rec("EventOfDefaultDeclared", effective_date=unpaid, clause=clause, notes=["TERM-B"],
                         description="Term Note B not repaid at maturity", source=FILINGS)),
            (waived, rec("DefaultWaived", effective_date=waived, clause=clause,
                         description="Laurus waived the maturity default on Term Note B", source=FILINGS)),
            (waived, rec("MaturityExtended", note="TERM-B", new_maturity_date=new_maturity,
                         effective_date=waived, source=FILINGS)),
        ]
    return out


def _notice() -> list[tuple[str, dict]]:
    day = "2008-01-31"
    clauses = [("Security Agreement §19(a)", None, "failure to pay Obligations due and owing"),
               ("Revolving Note §3.1", ["REVOLVER"], "Event of Default under the Security Agreement"),
               ("Minimum Borrowing Note §4.1", ["MBN"], "Event of Default under the Security Agreement"),
               ("Term Note A §4.1", ["TERM-A"], "Event of Default under the Security Agreement"),
               ("Term Note B §4.1", ["TERM-B"], "Event of Default under the Security Agreement")]
    out = [(day, rec("EventOfDefaultDeclared", effective_date=day, clause=c, description=d, source=LETTER,
                     **({"notes": n} if n else {}))) for c, n, d in clauses]
    # recorded before the notice, so the notice verifies known at its own recorded time (the contract §4)
    out.append((day, rec("ObligationsAccelerated", effective_date=day, source=LETTER)))
    out.append((day, rec("DefaultNoticeIssued", effective_date=day, demand_deadline="2008-02-01T14:00:00-05:00",
                         stated_past_due={"principal": "10350000.00", "interest": "96777.00",
                                          "fees": "3134033.00", "total": "13580810.00"},
                         clauses=[c for c, _, _ in clauses],
                         delivery="telecopy and Federal Express (next day delivery)", source=LETTER)))
    return out


def interest_due(records: list[dict], day: date) -> Decimal:
    """What the engine says is due and unpaid in interest on `day`, before that day's payments."""
    figures = explain(stream(*records), day)
    return sum((i.outstanding for i in figures.open_items if i.component == "interest" and i.due_date <= day),
               Decimal(0))


def build() -> list[dict]:
    head, rest = documented(), sorted(dated(), key=lambda p: p[0])
    records = head + [r for d, r in rest if d < "2005-10-03"]
    due_days = sorted({CAL.following(date(2005 + (9 + k) // 12, (9 + k) % 12 + 1, 1)) for k in range(28)})
    cursor = "2005-10-03"
    for due in due_days:  # 2005-10-03 .. 2008-01-02
        records += [r for d, r in rest if cursor <= d < due.isoformat()]
        cursor = due.isoformat()
        records += [r for d, r in rest if d == cursor and r["type"] != "PaymentReceived"]
        owed = interest_due(records, due)
        same_day = [r for d, r in rest if d == cursor and r["type"] == "PaymentReceived"]
        records.append(rec("PaymentReceived", amount=f"{owed:.2f}", effective_date=cursor,
                           reference=f"ATG-INT-{cursor}", source=ASSUMED))
        records += same_day
        cursor = (due + timedelta(days=1)).isoformat()
    return _calibrated(records + [r for d, r in rest if d >= cursor])


def _calibrated(records: list[dict]) -> list[dict]:
    """Pay the December 2007 bills short by what makes accrued interest 96,777.00 on 2008-01-31.

    With the bills paid in full, accrued interest on 2008-01-31 is January's alone; every cent
    not paid on 2008-01-02 stays billed and unpaid, so the shortfall is the difference."""
    january = explain(stream(*records), date(2008, 1, 31)).position.interest
    at = next(i for i, r in enumerate(records) if r.get("reference") == "ATG-INT-2008-01-02")
    paid = Decimal(records[at]["amount"]) - (TARGET_INTEREST - january)
    records[at] = {**records[at], "amount": f"{paid:.2f}"}
    return records


def main() -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in build()]
    (ROOT / "examples" / "atg-laurus-2005.jsonl").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} records")


if __name__ == "__main__":
    main()

"""Writes examples/syndicated-term-loan-2024.jsonl: a syndicated term loan (docs/syndication.md).

HARBOR-TL-2024: a $300,000,000 five-year term loan to a fictional borrower, fixed 7.25% ACT/360,
interest monthly in arrears, 1% of the original amount amortised each quarter, agented by a
fictional agent bank and held by six lenders. Two assignments settle mid-period (one leaving
the seller's accrued interest with the seller, one giving it to the buyer). For a year the
borrower pays, on each due date, exactly what the engine says is due (interest, and the
installment when one falls due); the agent wires each lender its part the next business day.
Every amount is computed here by the engine itself; nothing is typed twice.

Run from the repository root:  python examples/build_syndicated_2024.py
"""

import json
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.calendars import calendar_for  # noqa: E402
from projections.report import explain  # noqa: E402
from projections.syndication import distribution  # noqa: E402
from tests.streams import stream  # noqa: E402

CODE = "HARBOR-TL-2024"
SOURCE = "fictional example (examples/build_syndicated_2024.py)"
LENDERS = [("Atlantic National Bank", "75000000"), ("Bay Street Capital", "60000000"),
           ("Cedar Point Credit Fund", "50000000"), ("Delmar Savings Bank", "45000000"),
           ("Eastgate Insurance Co.", "40000000"), ("Foxhall CLO 2023-1", "30000000")]
CAL = calendar_for("US-FED")


def rec(event_type: str, **fields) -> dict:
    return {"facility": CODE, "type": event_type, **fields, "source": SOURCE}


def schedule() -> list[dict]:
    quarters = [date(2024 + (3 * k + 3) // 12, (3 * k + 3) % 12 + 1, 1) for k in range(19)]  # 2024-04-01 ..
    return [{"due_date": d.isoformat(), "amount": "3000000.00"} for d in quarters]


def opening() -> list[dict]:
    return [
        rec("FacilityOpened", code=CODE, borrower="Harbor View Holdings LLC (fictional)",
            lender="the lenders party to the Credit Agreement", agent="Pier Agency Services (fictional)",
            agreement_date="2024-01-12", calendar="US-FED"),
        rec("NoteIssued", note="TL", kind="term", face_amount="300000000.00", issue_date="2024-01-12",
            maturity_date="2029-01-12", interest={"rate": "7.25"}, day_count="ACT/360", interest_day=1,
            amortization=schedule()),
        *[rec("LenderPositionSet", note="TL", lender=name, commitment=amount, effective_date="2024-01-12")
          for name, amount in LENDERS],
        rec("AdvanceMade", note="TL", amount="300000000.00", effective_date="2024-01-16", reference="FUND-2024-01-16"),
    ]


ASSIGNMENTS = {
    "2024-04-18": rec("AssignmentSettled", note="TL", assignor="Atlantic National Bank",
                      assignee="Granite Peak Partners", amount="25000000.00", trade_date="2024-04-08",
                      settlement_date="2024-04-18", accrued="to_seller", reference="TRADE-0408"),
    "2024-09-12": rec("AssignmentSettled", note="TL", assignor="Bay Street Capital",
                      assignee="Foxhall CLO 2023-1", amount="20000000.00", trade_date="2024-09-03",
                      settlement_date="2024-09-12", accrued="to_buyer", reference="TRADE-0903"),
}


def due(records: list[dict], day: date) -> Decimal:
    """What the engine says is due and unpaid on `day`, before that day's payments."""
    figures = explain(stream(*records), day)
    return sum((i.outstanding for i in figures.open_items if i.due_date <= day), Decimal(0))


def build() -> list[dict]:
    records = opening()
    months = [CAL.following(date(2024 + (1 + k) // 12, (1 + k) % 12 + 1, 1)) for k in range(12)]  # Feb 2024 ..
    for day in months:
        records += [r for d, r in ASSIGNMENTS.items() if d < day.isoformat() and r not in records]
        amount = due(records, day)
        records.append(rec("PaymentReceived", amount=f"{amount:.2f}", effective_date=day.isoformat(),
                           reference=f"WIRE-{day.isoformat()}"))
        wired = CAL.following(day + timedelta(days=1))
        owed = distribution(stream(*records), day).owed()
        records += [rec("DistributionPaid", lender=lender, amount=f"{part:.2f}", effective_date=wired.isoformat(),
                        reference=f"DIST-{day.isoformat()}-{n}")
                    for n, (lender, part) in enumerate(sorted(owed.items()), start=1) if part > 0]
    return records


def main() -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in build()]
    (ROOT / "examples" / "syndicated-term-loan-2024.jsonl").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} records")


if __name__ == "__main__":
    main()

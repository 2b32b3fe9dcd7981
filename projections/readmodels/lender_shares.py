"""The read model of who holds what: each lender's share of each note over effective dates
(table `rm_lender_shares`, docs/read-models.md), from the facility's facts as the syndication
rules read them (projections.syndication.Syndicate: LenderPositionSet and AssignmentSettled; a
note without positions is the facility lender's whole). No loan arithmetic: shares only.

One row per (note, lender, valid_from): the lender held `commitment` of the note at the end of
every day in [valid_from, valid_until); a share that drops to nothing ends its row; the last row
of a share still held ends on OPEN_END. `portfolio --by-lender --lender L` reads it to replay
only the facilities in which L ever held a share.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain import events as ev

from projections.selection import active
from projections.syndication import Syndicate

OPEN_END = date(9999, 12, 31)


@dataclass(frozen=True)
class LenderShare:
    note: str
    lender: str
    valid_from: date
    valid_until: date
    commitment: Decimal


def lender_shares(events: Sequence[ev.FacilityEvent]) -> tuple[LenderShare, ...]:
    """Every lender's share of every note, as the facts known (and not reversed) say."""
    facts = active(events)
    if not any(isinstance(e, ev.FacilityOpened) for e in facts):
        return ()
    syndicate = Syndicate.of(facts)
    issued = {e.note: e.issue_date for e in facts if isinstance(e, ev.NoteIssued)}
    rows: list[LenderShare] = []
    for note, face in syndicate.faces.items():
        days = syndicate.change_days(note)
        if not days:
            rows.append(LenderShare(note, syndicate.facility_lender, issued[note], OPEN_END, face))
            continue
        held_since: dict[str, tuple[date, Decimal]] = {}
        for day, until in zip(days, [*days[1:], OPEN_END]):
            held = syndicate.held(note, day)
            for lender in sorted(set(held) | set(held_since), key=syndicate.rank):
                amount = held.get(lender, Decimal(0))
                since = held_since.get(lender)
                if since is not None and since[1] != amount:
                    rows.append(LenderShare(note, lender, since[0], day, since[1]))
                    del held_since[lender]
                    since = None
                if since is None and amount > 0:
                    held_since[lender] = (day, amount)
        rows += [LenderShare(note, lender, since, OPEN_END, amount)
                 for lender, (since, amount) in sorted(held_since.items(), key=lambda item: syndicate.rank(item[0]))]
    return tuple(sorted(rows, key=lambda r: (r.note, syndicate.rank(r.lender), r.valid_from)))

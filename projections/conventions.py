"""SOFR-era conventions: how index fixings become a sub-interval's interest (the contract §10;
docs/arithmetic.md, "SOFR-era interest").

A note on `term`, `daily_simple` or `compounded_in_arrears` accrues through a `Convention`
calculator: the sweep hands it each maximal sub-interval [a, b) of constant principal (and
default margin) inside the interest period [S, E), and it answers the interest with its
derivation (`RateSubInterval`): every fixing used (the day it stands for, the business day it
was observed, the rate used, its weight in days), the term, averaged or compounded index rate,
the adjustments and bounds, and the exact interest (never rounded here; bills round).

Fixings are read on the `US-GOVT` calendar (`projections.business_days`). For a calendar day x,
`observed(x, p)` is the business day p business days before the business day on or before x
(the New York Fed's and QuantLib's reading of a lookback).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import ClassVar

from domain.events import StoredInterest
from domain.values import Convention, DayCount

from projections.business_days import calendar_for
from projections.compounding import DailyFactors
from projections.daycount import year_fraction
from projections.errors import MissingFixing
from projections.exact import Accrual, wide
from projections.rates import contractual_rate

FIXING_CALENDAR = "US-GOVT"
DEFAULT_LOOKBACK = {Convention.DAILY_SIMPLE: 5, Convention.COMPOUNDED_IN_ARREARS: 0}
DEFAULT_FIXING_LAG = 2
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_BASIS = Decimal(360)


@dataclass(frozen=True)
class Observation:
    """One fixing as used: from `day` for `days` calendar days, the fixing of `observed` at
    `rate` (% p.a., after any index floor)."""

    day: date
    observed: date
    rate: Decimal
    days: int


@dataclass(frozen=True)
class RateSubInterval:
    """[start, end) at constant principal: the convention's interest, with its derivation.

    `index_rate` is the term fixing, the day-weighted average of the daily fixings or the
    compounded rate (unrounded); `rate` the all-in rate (index + spread adjustment + margin
    within floor and cap, + default margin); `interest` = principal × rate/100 × days/360 (or the
    note's day count, term convention)."""

    start: date
    end: date
    principal: Decimal
    rate: Decimal
    dcf: Decimal
    interest: Decimal
    convention: str
    index: str
    index_rate: Decimal
    spread_adjustment: Decimal
    margin: Decimal
    default_margin: Decimal
    bounds: str
    observation_start: date
    observation_end: date
    fixings: tuple[Observation, ...]
    shown_fields: ClassVar = ("start", "end", "principal", "convention", "index", "observation_start",
                              "observation_end", "fixings", "index_rate", "spread_adjustment", "margin",
                              "bounds", "default_margin", "rate", "dcf", "interest")


# ---- the fixing calendar ------------------------------------------------------------------------


def _govt():  # noqa: ANN202 - the calendar object
    return calendar_for(FIXING_CALENDAR)


@lru_cache(maxsize=65536)
def on_or_before(day: date) -> date:
    """The US-GOVT business day on or before `day`."""
    return _govt().preceding(day)


@lru_cache(maxsize=65536)
def business_days_before(day: date, count: int) -> date:
    """`count` US-GOVT business days before the business day `day` (count 0: `day`)."""
    calendar = _govt()
    for _ in range(count):
        day -= timedelta(days=1)
        while not calendar.is_business_day(day):
            day -= timedelta(days=1)
    return day


def observed(day: date, lookback: int) -> date:
    """The business day whose fixing calendar day `day` uses with a lookback of `lookback`."""
    return business_days_before(on_or_before(day), lookback)


@lru_cache(maxsize=16384)
def business_days_in(start: date, end: date) -> tuple[date, ...]:
    """The US-GOVT business days d with start <= d < end."""
    calendar, found, day = _govt(), [], start
    while day < end:
        if calendar.is_business_day(day):
            found.append(day)
        day += timedelta(days=1)
    return tuple(found)


# ---- the calculator ------------------------------------------------------------------------------

FixingOf = Callable[[str, date], Decimal | None]


class ConventionCalculator:
    """The interest of one note's sub-intervals under its convention. `fixing(index, day)` reads
    the facility's rate source (its own IndexRateSet records, else the market's fixings);
    `strict`: a missing fixing refuses the report (False only for the domain's principal port,
    which needs no interest)."""

    def __init__(self, note: str, terms: StoredInterest, day_count: DayCount, fixing: FixingOf,
                 strict: bool = True, *, explain: bool = True, memo: dict | None = None) -> None:
        assert terms.index is not None and terms.convention not in (None, Convention.IN_FORCE)
        self.note, self.terms, self.day_count = note, terms, day_count
        self.index: str = terms.index
        self.convention: Convention = terms.convention
        self._fixing, self.strict = fixing, strict
        self.lookback = terms.lookback_days if terms.lookback_days is not None else DEFAULT_LOOKBACK.get(
            self.convention, 0)
        self.lockout = terms.lockout_days or 0
        self.lag = terms.fixing_lag_days if terms.fixing_lag_days is not None else DEFAULT_FIXING_LAG
        self.spread = terms.spread_adjustment or Decimal(0)
        self.explain = explain  # False: no `Observation`s (nothing will show them)
        self._memo = memo if memo is not None else {}  # where the daily factors are kept (projections.compounding)
        self._daily: DailyFactors | None = None

    @wide
    def interest(self, start: date, end: date, principal: Decimal, default_margin: Decimal,
                 period: tuple[date, date]) -> RateSubInterval:
        """The sub-interval [start, end) of the period [S, E) at `principal`."""
        if self.convention is Convention.TERM:
            return self._term(start, end, principal, default_margin, period[0])
        if self.convention is Convention.DAILY_SIMPLE:
            return self._daily_simple(start, end, principal, default_margin)
        return self._compounded(start, end, principal, default_margin, period)

    # ---- term ----------------------------------------------------------------------------------

    def _term(self, start: date, end: date, principal: Decimal, extra: Decimal, period_start: date) -> RateSubInterval:
        fixed_on = self.term_fixing_date(period_start)
        rate = self._rate_of(fixed_on, period_start)
        all_in = contractual_rate(self.terms, rate)
        parts = year_fraction(self.day_count, start, end)
        amount, dcf = Accrual(), Accrual()
        amount.add(principal, all_in + extra, parts)
        dcf.add(_HUNDRED, _ONE, parts)
        return self._piece(start, end, principal, all_in + extra, dcf.value(), amount.value(), rate, extra,
                           self._bounds(rate), period_start, end,
                           (Observation(period_start, fixed_on, rate, (end - start).days),))

    def term_fixing_date(self, period_start: date) -> date:
        """The business day `fixing_lag_days` US-GOVT business days before the period starts."""
        if self.lag == 0:
            return on_or_before(period_start)
        return business_days_before(on_or_before(period_start - timedelta(days=1)), self.lag - 1)

    # ---- daily simple --------------------------------------------------------------------------

    def _daily_simple(self, start: date, end: date, principal: Decimal, extra: Decimal) -> RateSubInterval:
        runs: list[Observation] = []
        total = Decimal(0)  # Σ all-in rate over the days
        index_sum = Decimal(0)
        day = start
        while day < end:
            seen = observed(day, self.lookback)
            rate = self._rate_of(seen, day)
            if runs and runs[-1].observed == seen:
                last = runs[-1]
                runs[-1] = Observation(last.day, seen, last.rate, last.days + 1)
            else:
                runs.append(Observation(day, seen, rate, 1))
            total += contractual_rate(self.terms, rate)
            index_sum += rate
            day += timedelta(days=1)
        days = (end - start).days
        total += extra * days
        interest = principal * total / (_HUNDRED * _BASIS)
        average = index_sum / days if days else Decimal(0)
        rate = total / days if days else Decimal(0)
        bounds = "; ".join(sorted({self._bounds(o.rate) for o in runs} - {""}))
        return self._piece(start, end, principal, rate, Decimal(days) / _BASIS, interest, average, extra,
                           bounds, observed(start, self.lookback), observed(end - timedelta(days=1), self.lookback),
                           tuple(runs))

    # ---- compounded in arrears -----------------------------------------------------------------

    def _compounded(self, start: date, end: date, principal: Decimal, extra: Decimal,
                    period: tuple[date, date]) -> RateSubInterval:
        p, shift = self.lookback, self.terms.observation_shift
        if shift:
            a, b = observed(start, p), observed(end, p)
            lock_from = self._lock_from(observed(period[0], p), observed(period[1], p))
        else:
            a, b = start, end
            lock_from = self._lock_from(period[0], period[1])
        first = min(a, lock_from[1]) if lock_from is not None else a
        table = self._table()
        if not table.cover(first, b):  # asked for a day before the shared table starts: a new one from it
            table = self._table(fresh=True)
            table.cover(first, b)
        free_end = b if lock_from is None else max(a, min(b, lock_from[0]))
        steps: list[tuple[date, date, int]] = []  # (step start, end, position of its rate): explain only
        product = _ONE
        if a < free_end:  # the steps before any lockout: the table's factors, in order
            k = table.at_or_before(a)
            days = table.days
            if days[k] < a:  # `a` is not a business day: its step runs to the next one
                head_end = min(days[k + 1], free_end)
                product *= self._factor(table, k, a, head_end, a)
                steps.append((a, head_end, k))
                k += 1
            last = table.at_or_before(free_end)
            if last > k:
                factors = table.factors[k:last]
                if None in factors:
                    factors = [f if f is not None else self._factor(table, k + i, days[k + i], days[k + i + 1],
                                                                     days[k + i])
                               for i, f in enumerate(factors)]
                for factor in factors:
                    product *= factor
                if self.explain:
                    steps.extend((days[i], days[i + 1], i) for i in range(k, last))
            if last >= k and days[last] < free_end:  # the last step ends inside: its own days
                product *= self._factor(table, last, days[last], free_end, days[last])
                steps.append((days[last], free_end, last))
        if free_end < b:  # locked: every step reuses the rate of the step before the lockout
            assert lock_from is not None
            locked = table.at_or_before(lock_from[1])
            for step_start, step_end in self._steps(free_end, b):
                product *= self._factor(table, locked, step_start, step_end, lock_from[1])
                if self.explain:
                    steps.append((step_start, step_end, locked))
        observed_days = (b - a).days
        if observed_days:
            compounded = (product - _ONE) * _HUNDRED * _BASIS / observed_days
        else:  # a sub-interval whose observation period is empty (a weekend seen through a shift)
            compounded = self._daily_rate(self._rate_of(observed(start, p), start))
        all_in = self._bounded(compounded + self.spread + self.terms.margin)
        days_in = (end - start).days
        rate = all_in + extra
        interest = principal * rate * days_in / (_HUNDRED * _BASIS)
        observations = tuple(Observation(s, table.observed[k], self._rate_at(table, k, s), (e - s).days)
                             for s, e, k in steps) if self.explain else ()
        return self._piece(start, end, principal, rate, Decimal(days_in) / _BASIS, interest, compounded, extra,
                           self._all_in_bounds(compounded + self.spread + self.terms.margin), a, b,
                           observations)

    def _table(self, fresh: bool = False) -> DailyFactors:
        """The daily factors of this note's reading of its index, shared through the rate
        source's memo (one per fixings snapshot) by every note and report reading it alike
        (`fresh`: replace it with a new, empty one)."""
        if self._daily is None or fresh:
            p, shift = self.lookback, bool(self.terms.observation_shift)
            key = ("compounded", self.index, p, shift, self.terms.index_floor, self.spread)
            table = None if fresh else self._memo.get(key)
            if table is None:
                index, fixing = self.index, self._fixing
                seen = (lambda d: d) if shift else (lambda d: business_days_before(d, p))
                table = self._memo[key] = DailyFactors(FIXING_CALENDAR, seen, lambda d: fixing(index, d),
                                                       self._daily_rate)
            self._daily = table
        return self._daily

    def _rate_at(self, table: DailyFactors, k: int, for_day: date) -> Decimal:
        """The daily rate of the table's step `k` (refused, or 0 if not strict, when missing)."""
        rate = table.rates[k]
        return rate if rate is not None else self._daily_rate(self._rate_of(table.observed[k], for_day))

    def _factor(self, table: DailyFactors, k: int, step_start: date, step_end: date, for_day: date) -> Decimal:
        """1 + r × n / 36000 for the step [step_start, step_end) at the rate of the table's step `k`."""
        days = (step_end - step_start).days
        if table.rates[k] is not None and k + 1 < len(table.days) and table.days[k] == step_start \
                and table.days[k + 1] == step_end:
            factor = table.factors[k]
            assert factor is not None
            return factor
        return _ONE + self._rate_at(table, k, for_day) * days / (_HUNDRED * _BASIS)

    @staticmethod
    def _steps(a: date, b: date) -> list[tuple[date, date]]:
        """[a, b) cut at each US-GOVT business day after a: the compounding steps."""
        cuts = [a, *(d for d in business_days_in(a + timedelta(days=1), b))]
        return [(cut, cuts[i + 1] if i + 1 < len(cuts) else b) for i, cut in enumerate(cuts) if cut < b]

    def _lock_from(self, start: date, end: date) -> tuple[date, date] | None:
        """(first locked step start, the step whose rate the locked steps reuse), or None."""
        if not self.lockout:
            return None
        steps = self._steps(start, end)
        if len(steps) <= self.lockout:
            return None
        return steps[-self.lockout][0], steps[-self.lockout - 1][0]

    # ---- pieces --------------------------------------------------------------------------------

    def _rate_of(self, seen: date, for_day: date) -> Decimal:
        rate = self._fixing(self.index, seen)
        if rate is None:
            if self.strict:
                raise MissingFixing(self.note, self.index, seen, for_day)
            return Decimal(0)
        return rate

    def _daily_rate(self, rate: Decimal) -> Decimal:
        """A daily fixing with the index floor applied (the contract §10: "index_floor applies to each
        daily rate"; the floor bounds the index plus its spread adjustment, as in force)."""
        floor = self.terms.index_floor
        if floor is not None and rate + self.spread < floor:
            return floor - self.spread
        return rate

    def _bounded(self, rate: Decimal) -> Decimal:
        if self.terms.floor is not None and rate < self.terms.floor:
            rate = self.terms.floor
        if self.terms.cap is not None and rate > self.terms.cap:
            rate = self.terms.cap
        return rate

    def _all_in_bounds(self, rate: Decimal) -> str:
        if self.terms.floor is not None and rate < self.terms.floor:
            return f"floor {self.terms.floor}"
        if self.terms.cap is not None and rate > self.terms.cap:
            return f"cap {self.terms.cap}"
        return ""

    def _bounds(self, index_rate: Decimal) -> str:
        """Which bound decided a rate built by `contractual_rate` from `index_rate`."""
        said = []
        if self.terms.index_floor is not None and index_rate + self.spread < self.terms.index_floor:
            said.append(f"index floor {self.terms.index_floor}")
        unbounded = max(index_rate + self.spread, self.terms.index_floor or index_rate + self.spread) + self.terms.margin
        bound = self._all_in_bounds(unbounded)
        return "; ".join(said + ([bound] if bound else []))

    def _piece(self, start: date, end: date, principal: Decimal, rate: Decimal, dcf: Decimal, interest: Decimal,
               index_rate: Decimal, extra: Decimal, bounds: str, obs_start: date, obs_end: date,
               fixings: tuple[Observation, ...]) -> RateSubInterval:
        return RateSubInterval(start, end, principal, rate, dcf, interest, self.convention.value, self.index,
                               index_rate, self.spread, self.terms.margin, extra, bounds, obs_start, obs_end,
                               fixings)

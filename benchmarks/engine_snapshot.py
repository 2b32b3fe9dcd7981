"""Every figure the engine gives for a fixed set of histories, saved and compared exactly.

For refactoring the engine without changing one figure: save before, compare after.

    python -m benchmarks.engine_snapshot save FILE      # histories and their figures
    python -m benchmarks.engine_snapshot compare FILE   # the same histories, figures recomputed

The histories (kept in FILE, so `compare` replays exactly the same events): the seed example,
150 generated facilities (benchmarks.generate, 10 years each) and 300 random histories drawn by
the engine tests' hypothesis strategy (defaults, acceleration, rescission, extensions,
reversals, late receipts), derandomized. The figures: explain (position, past due and every
derivation) at many as-of dates, from one pass and from a fresh sweep; a timeline; the read
models' steps (`facility_figures`, which drives `Sweep.advance`); the same with every day
processed; the principal with `need_rates=False`. A refusal is a figure too (its message).
"""

import pickle
import sys
from datetime import date, timedelta

from projections.engine import Sweep
from projections.errors import ReportRefused
from projections.explain import explanation
from projections.readmodels.facility_figures import facility_figures
from projections.report import timeline


def _seed():
    from tests.streams import seed_events
    return [("seed", seed_events(), date(2005, 9, 1), date(2008, 3, 31), "day")]


def _generated(count: int = 150):
    from benchmarks.generate import START, facility_records
    from tests.streams import stream
    out = []
    for n in range(count):
        code = f"SYN-{n:05d}"
        events = stream(*facility_records(code, 60 + (n * 37) % 300, seed=n), start=_utc(2009, 12, 1))
        out.append((code, events, START - timedelta(days=3), START + timedelta(days=3650 + 450), "month"))
    return out


def _utc(*ymd):
    from datetime import datetime, timezone
    return datetime(*ymd, tzinfo=timezone.utc)


def _random(count: int = 300):
    from hypothesis import HealthCheck, given, settings
    from tests.test_engine_properties import D0
    from tests.test_sweep_skips_quiet_days import rich_histories
    drawn = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(rich_histories())
    def collect(events):
        drawn.append(events)

    collect()
    return [(f"random-{n}", events, D0 - timedelta(days=5), D0 + timedelta(days=700), "day")
            for n, events in enumerate(drawn)]


def _as_of_dates(start: date, end: date, count: int = 40) -> list[date]:
    span = (end - start).days
    return sorted({start + timedelta(days=span * k // count) for k in range(count + 1)})


def _guarded(compute):
    try:
        return compute()
    except ReportRefused as refused:
        return ("refused", type(refused).__name__, str(refused))


def _one_pass(events, dates, **options):
    try:
        sweep = Sweep(events, **options)
    except ReportRefused as refused:
        return ("refused", str(refused))
    out = []
    for when in dates:
        try:
            sweep.run_to(when)
            out.append(repr(explanation(sweep)) if options.get("explain", True) else repr(sweep.notes))
        except ReportRefused as refused:
            out.append(("refused", str(refused), sweep.day))
            break
    return out


def _fresh(events, dates):
    def at(when):
        sweep = Sweep(events)
        sweep.run_to(when)
        return repr(explanation(sweep))
    return [_guarded(lambda: at(when)) for when in dates]


def _timeline(events, start, end, every):
    out = []
    try:
        for reading in timeline(events, start, end, every):
            out.append(repr(reading))
    except ReportRefused as refused:
        out.append(("refused", str(refused)))
    return out


def _principal_without_rates(events, dates):
    def at(when):
        sweep = Sweep(events, need_rates=False, explain=False)
        sweep.run_to(when)
        return {code: n.principal for code, n in sweep.notes.items()}
    return [_guarded(lambda: at(when)) for when in dates[::4]]


def figures(name, events, start, end, every) -> dict:
    dates = _as_of_dates(start, end)
    out = {
        "one pass": _one_pass(events, dates),
        "fresh": _fresh(events, dates[::3]),
        "timeline": _timeline(events, start, end, every),
        "read models": repr(facility_figures(events)),
        "principal": _principal_without_rates(events, dates),
    }
    if name.startswith("random") or name == "seed":
        out["every day"] = _one_pass(events, dates, step_every_day=True)
        out["every day, read models"] = repr(facility_figures(events, step_every_day=True))
    return out


def histories():
    return _seed() + _generated() + _random()


def main() -> None:
    action, path = sys.argv[1], sys.argv[2]
    if action == "save":
        cases = histories()
        saved = [(name, events, start, end, every, figures(name, events, start, end, every))
                 for name, events, start, end, every in cases]
        with open(path, "wb") as file:
            pickle.dump(saved, file)
        print(f"saved the figures of {len(saved)} histories")
        return
    with open(path, "rb") as file:
        saved = pickle.load(file)
    differ = 0
    for name, events, start, end, every, expected in saved:
        got = figures(name, events, start, end, every)
        for key in expected:
            if got[key] != expected[key]:
                differ += 1
                print(f"DIFFERENT: {name} {key}")
    print(f"compared {len(saved)} histories: {differ} differences")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

"""Charts as files (SVG or PNG) with matplotlib's Agg backend: a facility's timeline and the
portfolio's past due by bucket (docs/documents.md, "Charts").

The figures come in as plain series (dates and Decimals the engine computed); this module only
draws them. SVG is written without its creation date and with a fixed hash salt, so the same
series give the same bytes.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.errors import InvalidInput

BUCKETS = ("0-30", "31-60", "61-90", "91+")
BUCKET_COLOURS = {"current": "#e8f5e9", "0-30": "#fff59d", "31-60": "#ffb74d", "61-90": "#f4511e", "91+": "#8e0000"}
MARK_STYLES = {  # event kind -> (colour, line style, label)
    "advance": ("#2e7d32", ":", "advance"),
    "payment": ("#1565c0", ":", "payment"),
    "default": ("#c62828", "--", "event of default"),
    "waiver": ("#ef6c00", "--", "default waived"),
    "acceleration": ("#000000", "-", "acceleration"),
    "rescission": ("#6a1b9a", "-", "acceleration rescinded"),
    "notice": ("#ad1457", "-.", "notice of default"),
}


@dataclass(frozen=True)
class Point:
    day: date
    principal: Decimal
    interest: Decimal
    past_due: Decimal
    bucket: str


@dataclass(frozen=True)
class Mark:
    day: date
    kind: str  # a key of MARK_STYLES
    label: str


def chart_format(path: str, option: str = "--chart") -> str:
    """svg or png, from the file name; anything else is a usage error."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix not in ("svg", "png"):
        raise InvalidInput(f"{option}: {path!r} must end in .svg or .png", field=option.lstrip("-"))
    return suffix


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib  # start-up: matplotlib (~0.5 s) loads only when a chart is drawn

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "loanledger"
    import matplotlib.pyplot as plt  # start-up: idem

    return plt


def _save(fig, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(out, format=fmt, dpi=110, bbox_inches="tight", metadata=metadata)
    return out.getvalue()


def _millions(value: float, _: object = None) -> str:
    return f"{value / 1e6:,.1f}M" if abs(value) >= 1e6 else f"{value / 1e3:,.0f}k"


def timeline_chart(title: str, points: Sequence[Point], marks: Sequence[Mark], fmt: str) -> bytes:
    """Principal and past due (left axis), accrued interest (right axis), the bucket of each day
    as a band below, and the facility's events as vertical lines."""
    plt = _pyplot()
    from matplotlib.patches import Patch  # start-up: idem
    from matplotlib.ticker import FuncFormatter  # start-up: idem

    fig, (top, band) = plt.subplots(2, 1, figsize=(10, 5.6), sharex=True,
                                    gridspec_kw={"height_ratios": [12, 1], "hspace": 0.05})
    days = [p.day for p in points]
    top.plot(days, [float(p.principal) for p in points], color="#1f4e79", linewidth=1.8, label="principal")
    top.fill_between(days, [float(p.past_due) for p in points], color="#e53935", alpha=0.35, step="post",
                     label="past due")
    top.plot(days, [float(p.past_due) for p in points], color="#b71c1c", linewidth=1.0, drawstyle="steps-post")
    top.yaxis.set_major_formatter(FuncFormatter(_millions))
    top.set_ylim(bottom=0)
    right = top.twinx()
    right.plot(days, [float(p.interest) for p in points], color="#2e7d32", linewidth=1.0, alpha=0.9,
               label="accrued interest (right)")
    right.yaxis.set_major_formatter(FuncFormatter(_millions))
    right.set_ylim(bottom=0)
    seen: set[str] = set()
    for m in marks:
        colour, style, label = MARK_STYLES[m.kind]
        top.axvline(m.day, color=colour, linestyle=style, linewidth=0.9 if m.kind in ("advance", "payment") else 1.4,
                    alpha=0.45 if m.kind == "payment" else 0.9, label=None if label in seen else label)
        seen.add(label)
    handles, labels = top.get_legend_handles_labels()
    more, more_labels = right.get_legend_handles_labels()
    top.legend(handles + more, labels + more_labels, loc="upper left", fontsize=8, ncol=3, framealpha=0.9)
    top.set_title(title, fontsize=11)
    top.grid(True, alpha=0.25)
    start = 0  # one span per run of days in the same bucket
    for i, p in enumerate(points):
        if i + 1 == len(points) or points[i + 1].bucket != p.bucket:
            end = points[i + 1].day if i + 1 < len(points) else p.day
            band.axvspan(points[start].day, end, color=BUCKET_COLOURS.get(p.bucket, "#ffffff"), linewidth=0)
            start = i + 1
    band.set_yticks([])
    band.set_ylabel("bucket", rotation=0, ha="right", va="center", fontsize=8)
    used = [b for b in BUCKET_COLOURS if any(p.bucket == b for p in points)]
    band.legend([Patch(color=BUCKET_COLOURS[b]) for b in used], used, loc="center left",
                bbox_to_anchor=(1.0, 0.5), ncol=len(used) or 1, fontsize=7, frameon=False)
    fig.autofmt_xdate()
    data = _save(fig, fmt)
    plt.close(fig)
    return data


def portfolio_chart(title: str, days: Sequence[date], by_bucket: dict[str, Sequence[Decimal]], fmt: str) -> bytes:
    """Past due by bucket over time, stacked (0-30 at the bottom, 91+ on top); each month end's
    figure is drawn over the month it ends."""
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter  # start-up: idem

    fig, ax = plt.subplots(figsize=(10, 4.8))
    ax.stackplot(list(days), *[[float(v) for v in by_bucket[b]] for b in BUCKETS], labels=list(BUCKETS),
                 colors=[BUCKET_COLOURS[b] for b in BUCKETS], step="pre", alpha=0.9)
    ax.yaxis.set_major_formatter(FuncFormatter(_millions))
    ax.set_ylim(bottom=0)
    ax.set_title(title, fontsize=11)
    ax.set_ylabel("past due")
    ax.grid(True, alpha=0.25)
    ax.legend(loc="upper left", fontsize=8, title="bucket", title_fontsize=8)
    fig.autofmt_xdate()
    data = _save(fig, fmt)
    plt.close(fig)
    return data

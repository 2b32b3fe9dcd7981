"""Timing and memory helpers: medians of repeated runs (hyperfine-like) and peak RSS of a child."""

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
LOANLEDGER = str(BIN / "loanledger")


def median_seconds(fn: Callable[[], Any], runs: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run a command to completion: (wall seconds, peak RSS in KiB of that child alone)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env={**os.environ, **(env or {})},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    errors = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {errors.strip()[-2000:]}")
    return elapsed, usage.ru_maxrss


def together(commands: list[list[str]]) -> tuple[float, int]:
    """N commands at once: (wall seconds, the largest peak RSS in KiB among them). Exit 1 counts as
    a full run (verify exits 1 on a finding)."""
    start = time.perf_counter()
    children = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for c in commands]
    peak = 0
    for child in children:
        _, status, usage = os.wait4(child.pid, 0)
        peak = max(peak, usage.ru_maxrss)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise RuntimeError(f"{child.args} failed: {child.stderr.read().decode()[-2000:]}")
    return time.perf_counter() - start, peak


def median_run(argv: Sequence[str], runs: int, warmup: int = 1) -> float:
    return median_seconds(lambda: run(argv), runs, warmup)


def loanledger(db: str, *args: str) -> list[str]:
    return [LOANLEDGER, "--db", db, *args]

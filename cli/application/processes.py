"""A pool of worker processes for work that splits by facility (rebuild, verify, a large catch-up)."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

WORTH_IT_FROM_EVENTS = 20_000  # below this, starting the processes (≈ 0.5 s each) costs more than it saves


def wanted(processes: int, events: int) -> int:
    """`processes` if given (≥ 1), else one per CPU when there are enough events to be worth it."""
    if processes:
        return processes
    return os.cpu_count() or 1 if events > WORTH_IT_FROM_EVENTS else 1


@contextmanager
def pool(processes: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> Iterator[Any]:
    """A ProcessPoolExecutor of `processes`, or None (work here) when fewer than 2. Started with
    'spawn': a forked child would share this process's database connections. `initializer`
    runs once in each process (e.g. to open the ledger there)."""
    if processes < 2:
        yield None
        return

    executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=initializer, initargs=initargs)
    try:
        yield executor
    except BaseException:
        executor.shutdown(wait=True, cancel_futures=True)  # a failure or Ctrl-C: drop the work not begun
        raise
    executor.shutdown(wait=True)

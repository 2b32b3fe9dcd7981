"""`import` in N processes: the facilities of a file are independent, so N importers, one per
facility partition (cli.persistence.partitions), check and write them at once.

The contract is the one-process import's (cli.application.importing): every line is checked
before anything is written, every bad line is named, and a rerun skips what is stored. So the
import runs in two phases, each process in step:

1. **check**: each process reads the whole file and decides the records of its partition's
   facilities (lines that name no facility go to partition 1); it sends back its bad lines.
2. **write**, only when no process found a bad line: on PostgreSQL each process writes its
   facilities from its own connection, in its own batches; SQLite has one writer, so this
   process writes the file itself (its processes only checked it).

Each process reads the file on its own (a line costs microseconds to parse, a decision about a
hundred), and every facility is decided in exactly one process, in file order, as one process
would decide it. Progress is the slowest process's line.
"""

import ctypes
import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from domain.errors import LedgerError

from cli.application.importing import MAX_REPORTED, ImportInterrupted, ImportRefused, ImportResult, Importer, Progress
from cli.persistence.partitions import Partition

POLL_SECONDS = 0.25


PHASES = {1: "checking", 2: "validating", 3: "writing"}  # an Importer's passes, in order


class SharedProgress:
    """A worker's progress in two shared numbers the parent reads: its pass (1, 2, 3: PHASES)
    and its line in that pass. Only the worker writes them."""

    def __init__(self, phase: Any, line: Any) -> None:
        self.phase, self.line = phase, line

    def start(self, phase: str) -> None:
        self.line.value = 0
        self.phase.value += 1

    def advance(self, lines: int) -> None:
        self.line.value += lines


def import_in_processes(ledger: Any, path: Path, actor: str, processes: int, batch_size: int,
                        progress: Progress | None,
                        read: Callable[[Path], Any]) -> ImportResult:
    """Import `path` (read by `read(path)`, e.g. cli.formats.records.read_file) with `processes`
    processes; `ledger` is this process's (its tables exist)."""
    context = multiprocessing.get_context("spawn")  # a forked child would share this process's connections
    postgres = ledger.db.is_postgres
    workers = []
    try:
        for k in range(1, processes + 1):
            ours, theirs = context.Pipe()
            phase, line = context.Value("i", 0, lock=False), context.Value("q", 0, lock=False)
            child = context.Process(target=_work, args=(theirs, ledger.db, str(path), actor, batch_size,
                                                        Partition(k, processes), postgres, read, phase, line),
                                    daemon=True)
            child.start()
            theirs.close()
            workers.append((child, ours, phase, line))
        shown = Shown(progress)
        checked = _collect(workers, shown)
        failed = [found for found in checked if found[0] != "checked"]
        if failed:
            _stop(workers)
            raise _refused(failed[0], nothing_written=True)
        count = sum(found[2] for found in checked)
        if count:
            _stop(workers)
            bad = sorted((line for found in checked for line in found[1]), key=lambda b: b.line)[:MAX_REPORTED]
            raise ImportRefused(bad, count - len(bad))
        if not postgres:  # one writer: this process
            _stop(workers)
            importer = Importer(ledger, lambda: read(path), actor, progress, batch_size)
            importer.full_history = importer._scan()
            return importer.write()
        for _, conn, _, _ in workers:
            conn.send("write")
        written = _collect(workers, shown)
        failed = [found for found in written if found[0] != "written"]
        if failed:
            elsewhere = sum(found[1].recorded for found in written if found[0] == "written")
            raise _refused(failed[0], nothing_written=False, elsewhere=elsewhere)
        results: list[ImportResult] = [found[1] for found in written]
        return ImportResult(sum(r.recorded for r in results), sum(r.duplicates for r in results),
                            sorted(code for r in results for code in r.facilities))
    finally:
        for child, conn, _, _ in workers:
            conn.close()
            child.join(timeout=5)
            if child.is_alive():
                child.terminate()
                child.join()


class Shown:
    """The parent's progress bar: the slowest worker's pass and line."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.phase, self.line = progress, 0, 0

    def update(self, workers: list[Any]) -> None:
        if self.progress is None:
            return
        phase, line = min((p.value, n.value) for _, _, p, n in workers)
        if phase != self.phase and phase in PHASES:
            self.progress.start(PHASES[phase])
            self.phase, self.line = phase, 0
        if phase == self.phase and line > self.line:
            self.progress.advance(line - self.line)
            self.line = line


def _collect(workers: list[Any], shown: Shown) -> list[Any]:
    """Each worker's next message, in worker order, showing progress while they work."""
    found: dict[int, Any] = {}
    by_conn = {conn: index for index, (_, conn, _, _) in enumerate(workers)}
    while len(found) < len(workers):
        for conn in wait([c for c, i in by_conn.items() if i not in found], timeout=POLL_SECONDS):
            index = by_conn[conn]
            try:
                found[index] = conn.recv()
            except EOFError:
                found[index] = ("crashed", "an import process stopped without a word (killed?)")
        shown.update(workers)
    return [found[i] for i in range(len(workers))]


def _stop(workers: list[Any]) -> None:
    for child, conn, _, _ in workers:
        if child.is_alive():
            try:
                conn.send("stop")
            except (BrokenPipeError, OSError):
                pass


def _refused(found: Any, *, nothing_written: bool, elsewhere: int = 0) -> LedgerError:
    """The first failure, said once; in the write phase with what the other processes wrote."""
    kind, message = found[0], found[1]
    others = f" ({elsewhere:,} more event(s) were written by the other import processes)" if elsewhere else ""
    if kind == "error":
        return ImportInterrupted(message + others)
    suffix = "nothing was imported" if nothing_written else \
        "what is written is kept: run the import again, it skips what is stored"
    return ImportInterrupted(f"an import process failed ({message}); {suffix}{others}")


# ---- in a worker process ----------------------------------------------------------------------

def _work(conn: Connection, db: Any, path: str, actor: str, batch_size: int, partition: Partition,
          postgres: bool, read: Callable[[Path], Any], phase: Any, line: Any) -> None:
    from cli.application.ledger import Ledger  # start-up: in the worker
    from projections.commitment import principal_provider  # start-up: in the worker (the revolver rule asks the engine)

    _end_with_parent()
    ledger = None
    try:
        ledger = Ledger(db, principal_provider=principal_provider)
        file = Path(path)
        importer = Importer(ledger, lambda: read(file), actor, SharedProgress(phase, line), batch_size, partition)
        bad, count = importer.check()
        _say(conn, ("checked", bad, count))
        if not postgres or count or conn.recv() != "write":
            return
        _say(conn, ("written", importer.write()))
    except LedgerError as error:
        _say(conn, ("error", str(error)))
    except EOFError:
        pass  # the parent stopped (Ctrl-C, or it failed): nothing more to do
    except BaseException as error:  # noqa: BLE001 - said to the parent, which names it
        first = str(error).strip().splitlines()
        _say(conn, ("crashed", f"{type(error).__name__}: {first[0]}" if first else type(error).__name__))
    finally:
        if ledger is not None:
            ledger.close()
        conn.close()


def _end_with_parent() -> None:
    """Linux: this process is ended (SIGTERM) when its parent dies, even by SIGKILL, so an
    import killed half way stops writing everywhere (a rerun resumes it); elsewhere the parent's
    end is noticed at the next message."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _say(conn: Connection, message: Any) -> None:
    try:
        conn.send(message)
    except (BrokenPipeError, OSError):
        pass  # the parent is gone

"""Writing an export to a file without surprises: `-` is standard output; an existing file is
replaced only when asked (`--force`); a symbolic link, a directory, a device or a missing folder
is refused; the file appears whole or not at all (written beside it, then renamed)."""

import os
import sys
import tempfile
from pathlib import Path

from domain.errors import LedgerError

STDOUT = "-"


class UnsafeOutput(LedgerError):
    pass


def write_output(target: str, text: str, *, force: bool, option: str = "--output") -> bool:
    """Write `text` to `target`; False when it went to standard output."""
    if target == STDOUT:
        sys.stdout.write(text)
        return False
    return write_file(target, text.encode("utf-8"), force=force, option=option)


def write_file(target: str, data: bytes, *, force: bool, option: str, mode: int | None = None) -> bool:
    """`data` to the file `target` (not `-`), by the rules above; `mode`: its permissions, else
    those of a private temporary file (0600)."""
    path = Path(target)
    _check(path, force, option)
    try:
        handle = tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.", delete=False)
    except OSError as error:
        raise UnsafeOutput(f"{option}: cannot write in {path.parent}: {error.strerror}") from None
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(handle.name, mode)
        os.replace(handle.name, path)
    except OSError as error:
        Path(handle.name).unlink(missing_ok=True)
        raise UnsafeOutput(f"{option}: cannot write {path}: {error.strerror}") from None
    return True


def _check(path: Path, force: bool, option: str) -> None:
    if not str(path) or str(path) == ".":
        raise UnsafeOutput(f"{option}: give a file name (or - for standard output)")
    if path.is_symlink():
        raise UnsafeOutput(f"{option}: {path} is a symbolic link; give the file it should be, not a link")
    if path.is_dir():
        raise UnsafeOutput(f"{option}: {path} is a directory; give a file name inside it")
    if not path.parent.is_dir():
        raise UnsafeOutput(f"{option}: the folder {path.parent} does not exist")
    if path.exists():
        if not path.is_file():
            raise UnsafeOutput(f"{option}: {path} is not a regular file (a device or a pipe)")
        if not force:
            raise UnsafeOutput(f"{option}: {path} exists; pass --force to replace it")

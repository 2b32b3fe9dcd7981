"""A rendered document or chart to a file, with the same rules as an export (cli.formats.output_file):
`-` is standard output, an existing file is replaced only with `--force`, a link, a directory, a
device or a missing folder is refused, and the file appears whole or not at all."""

import os
import sys
import tempfile
from pathlib import Path

from cli.formats.output_file import STDOUT, UnsafeOutput, _check


def write_bytes(target: str, data: bytes, *, force: bool, option: str = "--output") -> bool:
    """Write `data` to `target`; False when it went to standard output."""
    if target == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return False
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
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except OSError as error:
        Path(handle.name).unlink(missing_ok=True)
        raise UnsafeOutput(f"{option}: cannot write {path}: {error.strerror}") from None
    return True

"""A rendered document or chart to a file, with the same rules as an export (cli.formats.output_file):
`-` is standard output, an existing file is replaced only with `--force`, a link, a directory, a
device or a missing folder is refused, and the file appears whole or not at all."""

import sys

from cli.formats.output_file import STDOUT, write_file


def write_bytes(target: str, data: bytes, *, force: bool, option: str = "--output") -> bool:
    """Write `data` to `target`; False when it went to standard output."""
    if target == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return False
    return write_file(target, data, force=force, option=option, mode=0o644)

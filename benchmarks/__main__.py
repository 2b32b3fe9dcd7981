"""`make bench` / `python -m benchmarks`: every goal of issue #7 as a ratio measured in one run.

Quick sizes by default (a few minutes). Full sizes (100,000-event import, 1,000,000-event verify):
`python -m benchmarks --full` or `LOANLEDGER_BENCH_FULL=1 make bench`. PostgreSQL is used when
reachable at LOANLEDGER_BENCH_PG (default postgresql://postgres@127.0.0.1:5432).
"""

import argparse
import os
import platform
import tempfile
from pathlib import Path

from benchmarks import as_of, bulk_import, cli_record, partitions, sofr, verify
from benchmarks.results import HEADER

QUICK = {"import": 20_000, "import_small": 5_000, "facility": 10_000, "verify": 50_000, "verify_small": 10_000,
         "partitions": 20_000}
FULL = {"import": 100_000, "import_small": 20_000, "facility": 10_000, "verify": 1_000_000, "verify_small": 100_000,
        "partitions": 100_000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", default=os.environ.get("LOANLEDGER_BENCH_FULL") == "1")
    parser.add_argument("--only", choices=("record", "import", "as-of", "verify", "partitions", "sofr"), action="append")
    args = parser.parse_args()
    sizes = FULL if args.full else QUICK
    chosen = set(args.only or ("record", "import", "as-of", "verify", "partitions", "sofr"))
    print(f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPUs; sizes: {'full' if args.full else 'quick'}\n")
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="loanledger-bench-") as name:
        tmp = Path(name)
        steps = [
            ("record", lambda: cli_record.bench(tmp)),
            ("import", lambda: bulk_import.bench(tmp, sizes["import"], sizes["import_small"])),
            ("as-of", lambda: as_of.bench(tmp, sizes["facility"])),
            ("verify", lambda: verify.bench(tmp, sizes["verify"], sizes["verify_small"])),
            ("partitions", lambda: partitions.bench(tmp, sizes["partitions"])),
            ("sofr", lambda: sofr.bench(tmp)),
        ]
        for key, step in steps:
            if key in chosen:
                for result in step():
                    print(result.row(), flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Check the hash chain of a loanledger export offline, with nothing but Python 3.9+'s standard library.

    python3 docs/verify_export.py atg.jsonl [--expect HASH]

The file is an unfiltered JSON Lines export (`loanledger export CODE -o atg.jsonl`). For each
facility in it, the script rebuilds each event's stored content from its record, recomputes

    chain_hash = SHA-256( previous chain_hash (or the facility id, for version 1) + "\\n"
                          + sorted-key compact JSON of the stored fields without chain_hash, plus "type" )

and checks that versions run 1, 2, 3, ... and that every recomputed hash equals the exported one.
With --expect HASH (kept earlier from `loanledger audit head CODE`), that hash must be in the
chain. Prints one line per problem, naming facility and version; exit status 0 if all is well,
1 otherwise.
"""

import hashlib
import json
import sys
import uuid

# How loanledger derives a facility's stream id from its code, and the aggregate topic its
# opening event stores: fixed for good (changing either would orphan every stored stream).
FACILITY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://loanledger.invalid/facility")
AGGREGATE_TOPIC = "domain.facility:Facility"
# Fields an export adds to the stored content, or renames from it.
EXPORT_ONLY = ("facility", "type", "version", "recorded_at", "chain_hash", "reversed_by")


def stored_content(record):
    """The event's stored fields (as loanledger hashed them), rebuilt from an export record."""
    content = {k: v for k, v in record.items() if k not in EXPORT_ONLY}
    content.setdefault("source", None)
    content.setdefault("reference", None)
    content["originator_id"] = str(uuid.uuid5(FACILITY_NAMESPACE, record["facility"]))
    content["originator_version"] = record["version"]
    content["timestamp"] = record["recorded_at"]
    if record["type"] == "FacilityOpened":
        content["originator_topic"] = AGGREGATE_TOPIC
    return content


def chain_hash(previous, event_type, content):
    canonical = json.dumps({**content, "type": event_type}, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256((previous + "\n" + canonical).encode("utf-8")).hexdigest()


def check(lines, expect=None):
    """Problems found in the export's lines, each naming facility and version."""
    problems, heads, seen = [], {}, set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            code, version = record["facility"], record["version"]
        except (ValueError, KeyError, TypeError) as error:
            problems.append(f"line {number}: not an export record ({error})")
            continue
        previous, last = heads.get(code, (str(uuid.uuid5(FACILITY_NAMESPACE, code)), 0))
        if version != last + 1:
            problems.append(f"{code} v{version}: expected version {last + 1}; found version {version}")
        expected = chain_hash(previous, record["type"], stored_content(record))
        if record.get("chain_hash") != expected:
            problems.append(f"{code} v{version}: chain_break: expected chain_hash {expected}; "
                            f"found chain_hash {record.get('chain_hash')}")
        heads[code] = (record.get("chain_hash") or expected, version)
        seen.add(record.get("chain_hash"))
    if expect is not None and expect not in seen:
        problems.append(f"expected an event with chain_hash {expect}; it is not in the export "
                        f"(heads: {', '.join(f'{c} v{v}' for c, (_, v) in sorted(heads.items()))})")
    return problems, heads


def main(argv):
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--expect"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        problems, heads = check(handle, argv[2] if len(argv) == 3 else None)
    for problem in problems:
        print(problem)
    for code, (head, version) in sorted(heads.items()):
        print(f"{code}: versions 1..{version}, head chain_hash {head}")
    print("OK" if not problems else f"FAILED: {len(problems)} problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`verify` walks the market-data streams' hash chains too (docs/market-data.md, "Integrity";
docs/auditor-guide.md): a fixing edited, deleted or forged directly in `market_events` is caught
and located (index stream and version), on SQLite and on PostgreSQL. `verify CODE` checks the
index streams that facility's notes read."""

import json

from domain.chain import next_chain_hash
from tests.helpers import facility_with_two_notes, run, run_json
from tests.tampering import StoredEvents
from tests.test_market_data import FACILITY
from tests.test_tampering_is_caught import findings

FIXINGS = [("2026-01-02", "3.87"), ("2026-01-05", "3.65"), ("2026-01-06", "3.64"), ("2026-01-07", "3.64"),
           ("2026-01-08", "3.63")]


class MarketRows(StoredEvents):
    """The rows of `market_events` (the tests hold one index stream, SOFR)."""

    def __init__(self, db_url):
        super().__init__(db_url)
        self.table = "market_events"


def a_ledger_with_fixings(db_url, tmp_path):
    file = tmp_path / "facility.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in FACILITY))
    run(db_url, "import", str(file))
    fixings = tmp_path / "fixings.jsonl"
    fixings.write_text("".join(json.dumps({"index": "SOFR", "type": "IndexFixingPublished", "date": d, "rate": r})
                               + "\n" for d, r in FIXINGS))
    run(db_url, "index", "import", str(fixings))
    run(db_url, "index", "set", "SOFR", "--date", "2026-01-06", "--rate", "3.66", "--correct", "--reason", "revised")


def test_an_intact_ledger_verifies_its_index_streams(db_url, tmp_path):
    a_ledger_with_fixings(db_url, tmp_path)

    verified = run_json(db_url, "verify")

    assert verified["ok"] is True
    assert verified["index_streams"] == [{"stream": "index:SOFR", "events": 6}]  # 5 published, 1 correction
    assert "1 index stream(s), 6 fixing event(s): OK" in run(db_url, "verify").output


def test_a_rate_edited_inside_a_stored_fixing_is_caught(db_url, tmp_path):
    a_ledger_with_fixings(db_url, tmp_path)

    MarketRows(db_url).edit(3, rate="1.00")

    assert findings(db_url) == [("index:SOFR", 3, "chain_break")]
    assert findings(db_url, "SOFR-T") == [("index:SOFR", 3, "chain_break")]


def test_a_fixing_deleted_from_the_middle_is_caught(db_url, tmp_path):
    a_ledger_with_fixings(db_url, tmp_path)

    MarketRows(db_url).delete(2)  # SOFR for 2026-01-05, which the note's first day needs

    assert findings(db_url) == [("SOFR-T", 3, "replay_refused"),
                                ("index:SOFR", 3, "version_gap"), ("index:SOFR", 3, "chain_break")]


def test_a_forged_correction_with_a_recomputed_hash_for_another_index_is_caught(db_url, tmp_path):
    """A row appended with a hash that continues the chain, but naming another index: the stream
    is not that index's, so it is located all the same."""
    a_ledger_with_fixings(db_url, tmp_path)
    rows = MarketRows(db_url)
    head = rows.state(6)
    forged = {**head, "originator_version": 7, "index": "EFFR", "rate": "9.99", "reason": "forged"}
    forged["chain_hash"] = next_chain_hash(head["chain_hash"], "IndexFixingCorrected", forged)
    rows.append(7, "domain.market:IndexFixingCorrected", forged)

    assert findings(db_url) == [("index:SOFR", 7, "stream_mismatch")]


def test_verify_of_a_facility_that_reads_no_index_leaves_the_index_streams_out(db_url, tmp_path):
    a_ledger_with_fixings(db_url, tmp_path)
    facility_with_two_notes(db_url)  # ACME-1, on a fixed rate and PRIME it sets itself
    MarketRows(db_url).edit(3, rate="1.00")

    verified = run_json(db_url, "verify", "ACME-1")

    assert verified["ok"] is True and verified["index_streams"] == []

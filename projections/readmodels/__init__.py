"""Materialised read models: facility summaries, a flat event journal and portfolio steps.

Rows hold the engine's outputs (projections.engine / projections.figures); nothing here does loan
arithmetic. Tracking uses eventsourcing's tracking recorders (see docs/read-models.md).
"""

RULES_EDITION = 3
"""The edition of the rules the read models' rows are computed by. Raise it with any change to
the engine or to the rows that gives other rows for the same events: read models stored under
another edition are then not read (the portfolio asks the engine, `verify` says why it does not
compare them) and the next refresh rebuilds them (docs/read-models.md, "Rules edition").
Edition 1: every ledger before the second edition of the contract (docs/contract.md; rows kept no edition).
Edition 2: the contract §3 Revisions (status words, directed payments, acceleration scope, ...).
Edition 3: the lender-share rows (`rm_lender_shares`, syndication), which earlier editions lack."""

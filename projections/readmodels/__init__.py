"""Materialised read models: facility summaries, a flat event journal and portfolio steps.

Rows hold the engine's outputs (projections.engine / projections.figures); nothing here does loan
arithmetic. Tracking uses eventsourcing's tracking recorders (see docs/read-models.md).
"""

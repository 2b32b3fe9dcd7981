"""The hash chain over a facility's events (the contract §5).

chain_hash = SHA-256( previous chain_hash (or the facility id, for version 1) + "\n"
                      + canonical content ), where the canonical content is the sorted-key,
compact JSON of the event's stored fields without `chain_hash`, plus its `type`.
The same function serves the aggregate (when recording) and `verify` (from stored rows).
"""

import hashlib
import json
from typing import Any
from uuid import UUID


def canonical_content(event_type: str, stored_fields: dict[str, Any]) -> str:
    content = {k: v for k, v in stored_fields.items() if k != "chain_hash"}
    content["type"] = event_type
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def next_chain_hash(previous: str, event_type: str, stored_fields: dict[str, Any]) -> str:
    payload = previous + "\n" + canonical_content(event_type, stored_fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chained(draft: Any, previous: str) -> Any:
    """A copy of the event `draft` (a pydantic model) with its chain_hash after `previous`."""
    stored = draft.model_dump(mode="json")
    return draft.model_copy(update={"chain_hash": next_chain_hash(previous, type(draft).__name__, stored)})


def chain_start(facility_id: UUID) -> str:
    return str(facility_id)


def content_digest(content: Any) -> bytes:
    """A short digest of JSON content (equal exactly when the canonical JSON is): what "identical
    content" means for a repeated reference, and for an imported record without one. Kept in
    memory or in an import's spill file, never stored with an event, so only its equality counts."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).digest()

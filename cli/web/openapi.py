"""The JSON API's OpenAPI description: every path is GET, and answers the CLI's --json shape."""

from typing import Any

MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "an amount with two decimals, as text"}
DAY = {"name": "as_of", "in": "query", "required": True, "schema": {"type": "string", "format": "date"},
       "description": "end of this effective date (YYYY-MM-DD)"}
KNOWN_AT = {"name": "known_at", "in": "query", "required": False, "schema": {"type": "string"},
            "description": "only facts recorded at or before this instant (with an offset), or a date (through its end, UTC)"}
CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}, "description": "the facility code"}
FIGURES = {"type": "object", "properties": {k: MONEY for k in ("principal", "interest", "fees", "total")}}
BALANCE = {"type": "object", "description": "balance --json", "properties": {
    "facility": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
    "known_at": {"type": ["string", "null"]}, **{k: MONEY for k in ("principal", "interest", "fees",
                                                                    "unapplied_credit", "total")},
    "notes": {"type": "object", "additionalProperties": FIGURES}}}
PAST_DUE = {"type": "object", "description": "past-due --json (docs/contract.md §7)", "properties": {
    "facility": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
    "known_at": {"type": ["string", "null"]}, **{k: MONEY for k in ("principal", "interest", "fees", "total")},
    "days_past_due": {"type": "integer"}, "bucket": {"type": "string", "enum": ["current", "0-30", "31-60", "61-90", "91+"]},
    "notes": {"type": "object", "additionalProperties": FIGURES}}}
ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "field": {"type": ["string", "null"]}}}


def _get(summary: str, schema: dict[str, Any], *parameters: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": list(parameters), "responses": {
        "200": {"description": "the CLI's --json answer", "content": {"application/json": {"schema": schema}}},
        "400": {"description": "a value that does not read as its type (the CLI's exit 2)",
                "content": {"application/json": {"schema": ERROR}}},
        "404": {"description": "no such facility", "content": {"application/json": {"schema": ERROR}}},
        "422": {"description": "refused (the CLI's exit 1), e.g. the engine cannot compute the report",
                "content": {"application/json": {"schema": ERROR}}}}}}


def _query(name: str, description: str, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": {"type": "string", **schema},
            "description": description}


def openapi() -> dict[str, Any]:
    event_filters = (_query("type", "only these event types (repeat)"), _query("from", "effective on or after", format="date"),
                     _query("to", "effective on or before", format="date"),
                     _query("recorded_from", "recorded at or after"), _query("recorded_to", "recorded at or before"))
    return {
        "openapi": "3.1.0",
        "info": {"title": "loanledger (read-only)", "version": "1",
                 "description": "The answers of the loanledger CLI's --json, over HTTP. Every path is GET; "
                                "nothing can be recorded through this API (docs/web.md)."},
        "paths": {
            "/api/facilities": _get("facility list --json", {"type": "array", "items": {"type": "object"}}),
            "/api/portfolio": _get("portfolio --json", {"type": "object", "properties": {
                "as_of": {"type": "string"}, "known_at": {"type": ["string", "null"]},
                "facilities": {"type": "array", "items": {"type": "object"}},
                "totals": {"type": "array", "items": {"type": "object"}}}},
                DAY, KNOWN_AT, _query("status", "accelerated, in_default, past_due, current or refused"),
                _query("bucket", "current, 0-30, 31-60, 61-90 or 91+")),
            "/api/verify": _get("verify --json (every facility)", {"type": "object"}),
            "/api/facilities/{code}/balance": _get("balance CODE --json", BALANCE, CODE, DAY, KNOWN_AT),
            "/api/facilities/{code}/past-due": _get("past-due CODE --json", PAST_DUE, CODE, DAY, KNOWN_AT),
            "/api/facilities/{code}/explain": _get("explain CODE --json", {"type": "object"}, CODE, DAY, KNOWN_AT),
            "/api/facilities/{code}/timeline": _get(
                "timeline CODE --json", {"type": "array", "items": {"type": "object", "properties": {
                    "balance": BALANCE, "past_due": PAST_DUE}}},
                CODE, _query("from", "first date", True, format="date"), _query("to", "last date", True, format="date"),
                _query("every", "day or month (default month)"), KNOWN_AT),
            "/api/facilities/{code}/events": _get("events CODE --json", {"type": "array", "items": {"type": "object"}},
                                                  CODE, *event_filters),
            "/api/facilities/{code}/verify": _get("verify CODE --json", {"type": "object", "properties": {
                "ok": {"type": "boolean"}, "facilities": {"type": "array"}, "events": {"type": "integer"},
                "findings": {"type": "array"}}}, CODE, _query("expect", "a chain hash kept from audit head")),
        },
    }

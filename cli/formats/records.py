"""The import/export record format (the contract §6): one JSON object per event.

`{"facility": CODE, "type": EVENT_TYPE, ...fact fields, "source"?, "reference"?}`; an export adds
`version`, `recorded_at`, `recorded_by` and `chain_hash`, which an import ignores (the importing
ledger records its own).
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from domain import parsing
from domain.events import EVENT_TYPES, FACT_OF, FacilityEvent
from domain.facts import Fact
from domain.values import Code
from pydantic import TypeAdapter

EXPORT_ONLY = ("version", "recorded_at", "recorded_by", "on_behalf_of", "chain_hash", "reversed_by")
META = ("source", "reference")


@dataclass(frozen=True)
class Record:
    line: int
    facility: str
    type: str
    fact: Fact
    source: str | None
    reference: str | None


@dataclass(frozen=True)
class BadLine:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def describe(error: ValidationError) -> str:
    """One sentence per problem, naming the field: 'amount: must be greater than zero'."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "record"
        message = item["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if item["type"] == "missing":
            message = "is required"
        elif item["type"] == "extra_forbidden":
            message = "is not a field of this event"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def parse_record(line: int, raw: Any) -> Record | BadLine:
    if not isinstance(raw, dict):
        return BadLine(line, "a record must be an object with 'facility' and 'type'")
    data = {k: v for k, v in raw.items() if k not in EXPORT_ONLY}
    facility, kind = data.pop("facility", None), data.pop("type", None)
    if facility is None:
        return BadLine(line, "facility: is required")
    if kind is None:
        return BadLine(line, "type: is required")
    if kind not in EVENT_TYPES:
        return BadLine(line, f"type: {kind!r} is not an event type (one of {', '.join(EVENT_TYPES)})")
    meta = {k: data.pop(k, None) for k in META}
    try:
        Code_ = _code(facility)
        fact = FACT_OF[kind].model_validate(data)
        source = _optional_text("source", meta["source"], parsing.LONG_TEXT)
        reference = _optional_text("reference", meta["reference"], parsing.SHORT_TEXT)
    except ValidationError as error:
        return BadLine(line, describe(error))
    except ValueError as error:
        return BadLine(line, str(error))
    if kind == "FacilityOpened" and fact.code != Code_:  # type: ignore[attr-defined]
        return BadLine(line, f"code {fact.code!r} differs from facility {Code_!r}")  # type: ignore[attr-defined]
    return Record(line, Code_, kind, fact, source, reference)


@lru_cache(maxsize=1)
def _code_adapter() -> Any:
    return TypeAdapter(Code)  # built once: building one costs ~250 µs, more than the validation


def _code(value: Any) -> str:
    try:
        return _code_adapter().validate_python(value)
    except ValidationError as error:
        raise ValueError("facility: " + describe(error).split(": ", 1)[1]) from None


def _optional_text(name: str, value: Any, max_length: int) -> str | None:
    if value is None:
        return None
    try:
        return parsing.text(value, max_length=max_length)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


MAX_LINE = 1_000_000  # characters: a record is a few hundred; a long amortization a few dozen thousand
MAX_YAML_BYTES = 10_000_000  # YAML is parsed whole; larger files belong in JSON Lines


def read_file(path: Path) -> Iterator[tuple[int, Any] | BadLine]:
    """Raw records with their line numbers, from JSON Lines or YAML (a list under `events:`).

    JSON Lines is streamed a line at a time, and no line is read whole if it is longer than
    MAX_LINE characters (it is reported instead), so memory stays bounded whatever the file.
    """
    if path.suffix.lower() in (".yaml", ".yml"):
        yield from _read_yaml(path)
        return
    with path.open(encoding="utf-8", errors="strict", newline="\n") as handle:
        number = 0
        while text := handle.readline(MAX_LINE + 1):
            number += 1
            if len(text) > MAX_LINE and not text.endswith("\n"):
                _skip_rest_of_line(handle)
                yield BadLine(number, f"line longer than {MAX_LINE:,} characters; not read")
                continue
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            yield _parse_json_line(number, text)


def _skip_rest_of_line(handle: Any) -> None:
    while (chunk := handle.readline(MAX_LINE)) and not chunk.endswith("\n"):
        pass


def _parse_json_line(number: int, text: str) -> tuple[int, Any] | BadLine:
    try:
        return number, json.loads(text, parse_float=_no_float, parse_constant=_no_constant,
                                  object_pairs_hook=_no_repeated_keys)
    except RepeatedKey as repeated:
        return BadLine(number, f"repeated key {repeated.key!r} (a key may appear once per record)")
    except _FloatGiven:
        return BadLine(number, "amounts and rates must be strings such as \"75000.00\", not JSON numbers with a fraction")
    except _ConstantGiven as given:
        return BadLine(number, f"{given} is not a value an import file may hold")
    except json.JSONDecodeError as error:
        return BadLine(number, f"not valid JSON ({error.msg} at column {error.colno})")
    except RecursionError:
        return BadLine(number, "JSON nested too deeply")
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        return BadLine(number, f"not a valid value ({str(error).splitlines()[0]})")


class _ConstantGiven(Exception):
    pass


class RepeatedKey(ValueError):
    def __init__(self, key: str, line: int = 0) -> None:
        super().__init__(f"repeated key {key!r}")
        self.key, self.line = key, line


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects whose keys are unique: json.loads would otherwise keep the last silently."""
    record: dict[str, Any] = {}
    for key, value in pairs:
        if key in record:
            raise RepeatedKey(key)
        record[key] = value
    return record


def _no_constant(text: str) -> Any:
    raise _ConstantGiven(text)


class _FloatGiven(Exception):
    pass


def _no_float(text: str) -> Any:
    raise _FloatGiven(text)


def _read_yaml(path: Path) -> Iterator[tuple[int, Any] | BadLine]:
    if path.stat().st_size > MAX_YAML_BYTES:
        yield BadLine(0, f"a YAML import file may be at most {MAX_YAML_BYTES:,} bytes; use JSON Lines for larger files")
        return
    import yaml  # start-up: deferred (docs/architecture.md, "Start-up")

    _NoAliasLoader = _no_alias_loader()
    with path.open(encoding="utf-8") as handle:
        try:
            node = yaml.compose(handle, Loader=_NoAliasLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            yield BadLine(mark.line + 1 if mark else 0, f"not valid YAML ({getattr(error, 'problem', error)})")
            return
        except RecursionError:
            yield BadLine(0, "YAML nested too deeply")
            return
    if node is None or not isinstance(node, yaml.MappingNode):
        yield BadLine(1, "a YAML import file is a mapping with a list under 'events:'")
        return
    repeated = _first_repeated_key(node)
    if repeated is not None:
        yield BadLine(repeated.start_mark.line + 1, f"repeated key {repeated.value!r} (a key may appear once per mapping)")
        return
    events = next((v for k, v in node.value if k.value == "events"), None)
    if not isinstance(events, yaml.SequenceNode):
        yield BadLine(1, "a YAML import file needs a list under 'events:'")
        return
    loader = _NoAliasLoader("")
    for item in events.value:
        try:
            yield item.start_mark.line + 1, loader.construct_document(item)
        except RepeatedKey as repeated:
            yield BadLine(repeated.line, f"repeated key {repeated.key!r} (a key may appear once per record)")
        except RecursionError:
            yield BadLine(item.start_mark.line + 1, "YAML nested too deeply")
        except (yaml.YAMLError, ValueError) as error:
            yield BadLine(item.start_mark.line + 1, f"not valid YAML ({str(error).splitlines()[0]})")


def _first_repeated_key(node: Any) -> Any:
    seen: set[Any] = set()
    for key, _ in node.value:
        if key.value in seen:
            return key
        seen.add(key.value)
    return None


@lru_cache(maxsize=1)
def _no_alias_loader() -> Any:
    """YAML without aliases (no 'billion laughs') or repeated keys, every scalar but null as text.

    YAML 1.1 would read `010` as 8, `0x10` as 16, `1:30` as 90, `yes` as true and 1.5 as a
    binary float; here each stays the text it is, and the fact's strict types (domain.parsing)
    accept or refuse it. Built on first use, so commands that read no YAML never import it."""
    import yaml  # start-up: deferred (docs/architecture.md, "Start-up")

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, "aliases are not allowed in import files", event.start_mark)
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
            repeated = _first_repeated_key(node) if isinstance(node, yaml.MappingNode) else None
            if repeated is not None:
                raise RepeatedKey(repeated.value, repeated.start_mark.line + 1)
            return super().construct_mapping(node, deep=deep)

    NoAliasLoader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return NoAliasLoader


def to_record(code: str, event: FacilityEvent, *, with_audit: bool = True) -> dict[str, Any]:
    record: dict[str, Any] = {"facility": code, "type": type(event).__name__}
    record.update(event.fact_fields())
    for key in META:
        value = getattr(event, key)
        if value is not None:
            record[key] = value
    if with_audit:
        record["version"] = event.version
        record["recorded_at"] = event.model_dump(mode="json", include={"timestamp"})["timestamp"]  # as stored
        record["recorded_by"] = event.recorded_by
        if event.on_behalf_of is not None:  # stored only when given (PostgreSQL's --actor)
            record["on_behalf_of"] = event.on_behalf_of
        record["chain_hash"] = event.chain_hash
    return record


def dumps(record: dict[str, Any]) -> str:
    return json_safe(json.dumps(record, ensure_ascii=False, separators=(", ", ": ")))


# JSON escapes the C0 controls itself; these it would write raw (DEL, C1, line separators,
# bidirectional controls, lone surrogates). Outside strings JSON is ASCII, so each is inside a
# string, where \uXXXX reads back as the same character: the output is the same data.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def json_safe(text: str) -> str:
    """JSON text that shows no terminal control or bidirectional character raw."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def parse_all(items: Iterable[tuple[int, Any] | BadLine]) -> tuple[list[Record], list[BadLine]]:
    records: list[Record] = []
    bad: list[BadLine] = []
    for item in items:
        parsed = item if isinstance(item, BadLine) else parse_record(*item)
        (bad if isinstance(parsed, BadLine) else records).append(parsed)  # type: ignore[arg-type]
    return records, bad

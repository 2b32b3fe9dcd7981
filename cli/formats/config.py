"""The user's configuration file: defaults for --db, --actor, --format and --color.

`LOANLEDGER_CONFIG` names the file; otherwise `$XDG_CONFIG_HOME/loanledger/config.toml`
(`~/.config/loanledger/config.toml`). A missing file is no configuration; a file that is not
TOML, holds an unknown key or a value of the wrong kind is refused, naming the file and the key
(docs/cli.md, "Configuration file").
"""

import os
from pathlib import Path

from domain.errors import InvalidInput

KEYS = {"db": str, "actor": str, "format": str, "color": str}
CHOICES = {"format": ("table", "json", "csv"), "color": ("auto", "always", "never")}


def config_path() -> Path:
    named = os.environ.get("LOANLEDGER_CONFIG")
    if named:
        return Path(named).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path("~/.config").expanduser())
    return Path(base) / "loanledger" / "config.toml"


def read_config(path: Path | None = None) -> dict[str, str]:
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if os.environ.get("LOANLEDGER_CONFIG"):  # named explicitly: it must exist
            raise InvalidInput(f"LOANLEDGER_CONFIG: {path} does not exist", field="config") from None
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot be read ({error})", field="config") from None
    import tomllib  # start-up: only when there is a configuration file to read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{path}: not TOML ({error})", field="config") from None
    for key, value in data.items():
        if key not in KEYS:
            raise InvalidInput(f"{path}: unknown key {key!r} (known: {', '.join(KEYS)})", field="config")
        if not isinstance(value, KEYS[key]) or not value:
            raise InvalidInput(f"{path}: {key} must be a non-empty string", field="config")
        if key in CHOICES and value not in CHOICES[key]:
            raise InvalidInput(f"{path}: {key} {value!r} is not one of {', '.join(CHOICES[key])}", field="config")
    return data

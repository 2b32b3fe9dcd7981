"""Text safe to show on a terminal: the one escaping of what a terminal would act on, shared by
the report formats (cli.formats.report) and the commands' plain lines (cli.commands.tables)."""

from domain import parsing


def printable(text: str) -> str:
    """Text safe to show on a terminal: each character no text field may hold becomes a visible
    escape such as \\x1b or \\u202e (domain.parsing.refused_character)."""
    if not any(parsing.refused_character(c) for c in text):
        return text
    return "".join((f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
                   if parsing.refused_character(c) else c for c in text)

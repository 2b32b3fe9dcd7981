"""Documents as files: a document's values (projections.documents) through a Jinja2 template to
HTML or Markdown, and HTML to PDF (docs/documents.md).

Templates are Jinja2 files: the built-in ones live in `cli/formats/templates/` (`KIND.html.j2`,
`KIND.md.j2`, with `base.*.j2` and `_macros.*.j2`); `loanledger notice template KIND` prints one
to copy, and `--template FILE` renders with the copy. A user's template runs in Jinja2's sandbox
(it can read the values and format them, not call into Python) and may extend the built-in base.
The same values, template and bytes always give the same output: HTML and Markdown are plain
text, and the PDF is written with reportlab's invariant mode (no creation time, a fixed id), so a
document recorded with `--record` can be rendered again and its SHA-256 compared.
"""

import hashlib
import io
import json
import logging
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from domain.errors import LedgerError

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("html", "pdf", "md", "json")
SUFFIX = {"html": "html", "pdf": "html", "md": "md"}


class TemplateRefused(LedgerError):
    pass


def amount(value: Any) -> str:
    """`13580810.10` -> `13,580,810.10` (a template filter; text that is not an amount is kept)."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def template_text(kind: str, fmt: str) -> str:
    """A built-in template's text, for `notice template` (copy it, change it, pass --template)."""
    return (TEMPLATES / f"{kind}.{SUFFIX.get(fmt, fmt)}.j2").read_text(encoding="utf-8")


def _environment(extra: Path | None, html: bool) -> SandboxedEnvironment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(TEMPLATES))]
    if extra is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(extra)))
    env = SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=html,
                               undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                               trim_blocks=False, lstrip_blocks=False)
    env.filters["amount"] = amount
    return env


def render_text(values: dict[str, Any], kind: str, fmt: str, template: Path | None = None) -> tuple[str, str | None]:
    """The document as HTML or Markdown text, and the SHA-256 of the user's template (if one)."""
    suffix = SUFFIX[fmt]
    digest = None
    try:
        if template is None:
            env = _environment(None, suffix == "html")
            chosen = env.get_template(f"{kind}.{suffix}.j2")
        else:
            if not template.is_file():
                raise TemplateRefused(f"--template: {template}: no such file")
            source = template.read_bytes()
            digest = hashlib.sha256(source).hexdigest()
            env = _environment(template.resolve().parent, suffix == "html")
            chosen = env.from_string(source.decode("utf-8"))
        return chosen.render(**values), digest
    except UnicodeDecodeError:
        raise TemplateRefused(f"--template: {template} is not UTF-8 text") from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateRefused(f"--template: {error.filename or template}:{error.lineno}: {error.message}") from None
    except jinja2.TemplateError as error:
        raise TemplateRefused(f"--template: {template or kind}: {error}") from None


def html_to_pdf(html: str) -> bytes:
    """The HTML as PDF (xhtml2pdf over reportlab, pure Python), byte for byte repeatable."""
    from reportlab import rl_config  # start-up: reportlab and xhtml2pdf (~0.4 s) load only for a PDF
    from xhtml2pdf import pisa  # start-up: idem

    logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)  # not its notes on CSS it skips (border-collapse)
    rl_config.invariant = 1  # no creation date, a fixed document id: the same input gives the same bytes
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if status.err:
        raise LedgerError(f"the PDF could not be made from the HTML ({status.err} error(s))")
    return out.getvalue()


def render(values: dict[str, Any], kind: str, fmt: str, template: Path | None = None) -> tuple[bytes, str | None]:
    """The document's bytes in `fmt` (html, md, pdf, or json: the values themselves)."""
    if fmt not in FORMATS:
        raise LedgerError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "json":
        return (json.dumps(values, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), None
    text, digest = render_text(values, kind, fmt, template)
    if fmt == "pdf":
        return html_to_pdf(text), digest
    return text.encode("utf-8"), digest


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

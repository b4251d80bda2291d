"""``vnstats show``: the figures of articles in their text, on the terminal
(``show``) or as one HTML page (``html_view``)."""
from __future__ import annotations

import os
import shutil
import sys

import click

from .api import extract_document
from .document import Document
from .extractor import Extractor
from .html_view import render_page
from .inputs import STDIN
from .progress import printable
from .reading import DEFAULT_MAX_BYTES, Decoded, InputError, decode_bytes, read_decoded, read_limited
from .rules import RuleError
from .show import legend, render, visible, wrap
from .writers import AtomicFile

SHOW_EXAMPLES = """
\b
Examples:
  vnstats show article.txt
  vnstats show --rules article.txt | less -R
  vnstats show --html figures.html news/*.txt
\b
Exit status: 0 every file was read, 1 some could not be (each named on
standard error as "vnstats: PATH: problem"), 2 usage error.
"""


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """A file, or standard input for ``-``, decoded as ``vnstats extract`` reads
    it (repairs in its ``warnings``); ``InputError`` otherwise."""
    if path == STDIN:
        try:
            return decode_bytes(read_limited(sys.stdin.buffer, max_bytes))
        except OSError as e:
            raise InputError("unreadable", (e.strerror or str(e)).lower()) from None
    return read_decoded(path, max_bytes)


def load(path: str, extractor: Extractor, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document, str | None]:
    """A file's ``Document`` and its text (None when it could not be read)."""
    try:
        decoded = read_text(path, max_bytes)
    except InputError as e:
        return Document(path, error=e.to_dict()), None
    doc = extract_document(decoded.text, path, decoded.encoding, extractor, decoded.warnings)
    return doc, decoded.text


def _colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


@click.command(epilog=SHOW_EXAMPLES)
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--rules", "show_rules", is_flag=True, help="Show the id of the rule that found each figure.")
@click.option("--html", "html", type=click.Path(dir_okay=False, allow_dash=True), metavar="OUT.html",
              help="Write one self-contained HTML page with every file instead (- for standard output).")
@click.option("--color", "--colour", "colour", type=click.Choice(["auto", "always", "never"]),
              default="auto", show_default=True,
              help="Colours on a terminal; plain [[text | kind value]] marks elsewhere.")
@click.option("--patterns", "patterns", multiple=True, type=click.Path(exists=True), metavar="FILE_OR_DIR",
              help="Extra rule file or folder (repeatable), as for extract.")
@click.option("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, show_default=True, metavar="BYTES",
              help="Refuse larger files (0: no limit).")
def show(files, show_rules, html, colour, patterns, max_bytes):
    """Show the figures of FILES in their text.

    On a terminal each figure is coloured by kind (count, percent, fraction,
    money, quantity, multiplier) with its value and unit beside it; elsewhere
    it is marked [[text | kind value unit]]. With --html, one page holds every
    file: figures highlighted by kind, their fields on hover and in a table
    beside the article, and a summary by kind. The page loads nothing from the
    network.
    """
    if list(files).count(STDIN) > 1:
        raise click.UsageError("standard input can be read only once")
    try:
        extractor = Extractor(patterns=patterns)
    except RuleError as e:
        raise click.UsageError(str(e)) from None
    failed = 0
    documents = []
    use_colour = _colour(colour)
    for path in files:
        doc, text = load(path, extractor, max_bytes)
        if doc.error is not None:
            failed += 1
            click.echo(f"vnstats: {printable(path)}: {doc.error['message']}", err=True)
        for warning in doc.warnings or ():
            click.echo(f"vnstats: {printable(path)}: warning: {warning['message']}", err=True)
        if html is not None:
            documents.append((doc, text))
        elif text is not None:
            _print(doc, text, use_colour, show_rules, several=len(files) > 1)
    if html is not None:
        _write_page(html, render_page(documents))
    sys.exit(1 if failed else 0)


def _print(doc: Document, text: str, colour: bool, show_rules: bool, several: bool) -> None:
    head = legend(doc.figures, colour)
    if several:
        head = f"==> {visible(doc.source)} <==  {head}"
    body = render(text, doc.figures, colour, show_rules).rstrip("\n")
    if sys.stdout.isatty():                  # break lines between words, not inside them
        body = wrap(body, shutil.get_terminal_size().columns)
    click.echo(head + "\n", color=colour)
    click.echo(body + "\n", color=colour)


def _write_page(path: str, page: str) -> None:
    data = page.encode("utf-8")
    if path == STDIN:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        with AtomicFile(path) as stream:
            stream.write(data)
    except OSError as e:
        raise click.BadParameter(f"cannot write {path}: {e.strerror or e}", param_hint="'--html'")


if __name__ == "__main__":
    show()

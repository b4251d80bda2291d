"""The ``vnstats`` command line: a thin layer over the Python API."""
from __future__ import annotations

import json
import sys

import click

from . import __version__
from .api import extract_document, extract_file
from .document import Document
from .extractor import Extractor
from .reading import InputError, decode
from .rules import RuleError

EXTRACT_EXAMPLES = """
\b
Examples:
  vnstats extract article.txt
  vnstats extract --pretty article.txt
  cat article.txt | vnstats extract -
  vnstats extract -o figures.jsonl news/*.txt
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vnstats")
def main():
    """Pull structured statistics (counts, percentages, fractions, money,
    quantities, multipliers) out of Vietnamese news text, as JSON."""


@main.command(epilog=EXTRACT_EXAMPLES)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--pretty", is_flag=True, help="Indent the JSON (one document per block).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              default="-", help="Write to this file instead of standard output.")
@click.option("--patterns", "patterns", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or folder (repeatable); overrides built-in rules by id.")
def extract(files, pretty, output, patterns):
    """Extract figures from FILES (use - for standard input).

    Writes one JSON object per document (JSON Lines). Exit status: 0 when every
    document was read, 1 when some could not be, 2 for a usage error.
    """
    try:
        extractor = Extractor(patterns=patterns)
    except RuleError as e:
        raise click.UsageError(str(e))
    failed = 0
    with click.open_file(output, "w", encoding="utf-8") as out:
        for path in files:
            doc = _stdin_document(extractor) if path == "-" else extract_file(path, extractor)
            if not doc.ok:
                failed += 1
                click.echo(f"vnstats: {doc.source}: {doc.error['message']}", err=True)
            out.write(_render(doc, pretty))
            out.flush()
    sys.exit(1 if failed else 0)


def _stdin_document(extractor: Extractor) -> Document:
    try:
        text, encoding = decode(sys.stdin.buffer.read())
    except InputError as e:
        return Document("-", error={"type": e.type, "message": e.message})
    return extract_document(text, "-", encoding, extractor)


def _render(doc: Document, pretty: bool) -> str:
    if pretty:
        return json.dumps(doc.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return json.dumps(doc.to_dict(), ensure_ascii=False) + "\n"


# `vnstats rules` and `vnstats schema` live in their own modules.
from .rules_cli import register  # noqa: E402

register(main)

"""The ``vnstats`` command line: a thin layer over the Python API.

``extract`` finds its inputs (``inputs``), runs them in input order on worker
processes (``batch``) and writes each document as it comes (``writers``), with
a progress line and one-line error messages on standard error (``progress``).
"""
from __future__ import annotations

import json
import os
import re
import signal
import stat
import sys
from contextlib import contextmanager
from typing import BinaryIO, Iterator

import click

from . import __version__
from .batch import DEFAULT_TIMEOUT, Batch, default_jobs
from .document import Document
from .extractor import Extractor
from .inputs import STDIN, InputFinder
from .progress import Progress, printable
from .reading import DEFAULT_MAX_BYTES
from .rules import KINDS, RuleError
from .writers import FORMATS, AtomicFile, Writer, chosen_fields

EXIT_FAILED, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 1, 130, 141

EXTRACT_EXAMPLES = """
\b
Examples:
  vnstats extract article.txt
  vnstats extract --pretty article.txt
  cat article.txt | vnstats extract -
  vnstats extract -r news/ -o figures.jsonl --resume
  find news -name '*.txt' -print0 | vnstats extract --files-from - --null
  vnstats extract -r news/ --format csv --excel -o figures.csv
  vnstats extract -r news/ --kind money,percent --fields kind,value,unit,noun
  vnstats extract -r -j 4 --timeout 10 news/ | head

\b
Exit status:
  0    every document was read
  1    some could not be: each still has its line, with an "error" object,
       and a message "vnstats: PATH: problem" on standard error; or the
       output could not be written (a message says why)
  2    usage error
  130  interrupted (Ctrl-C); an -o file is left as it was
  141  the output was closed early (as by head)
  129  hung up (the terminal was closed); an -o file is left as it was
  143  terminated (kill); an -o file is left as it was
"""


class ByteSize(click.ParamType):
    """A number of bytes: 20000000, 20MB, 500k (powers of 1000); 0 for no limit."""
    name = "BYTES"
    _SCALE = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        m = re.fullmatch(r"\s*(\d+)\s*([kmg]?)b?\s*", str(value), re.IGNORECASE)
        if not m:
            self.fail(f"{value!r} is not a size in bytes (such as 20000000, 20MB or 500k)", param, ctx)
        return int(m[1]) * self._SCALE[m[2].lower()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vnstats")
def main():
    """Pull structured statistics (counts, percentages, fractions, money,
    quantities, multipliers) out of Vietnamese news text, as JSON."""


@main.command(epilog=EXTRACT_EXAMPLES)
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-r", "--recursive", is_flag=True,
              help="Read the text files (*.txt, and *.txt.gz) inside folders, and inside their folders.")
@click.option("--glob", "globs", multiple=True, metavar="PATTERN",
              help="With -r: read the files whose name matches too, such as '*.md' (repeatable).")
@click.option("--hidden", is_flag=True, help="With -r: read hidden files and folders too.")
@click.option("--files-from", type=click.Path(exists=True, dir_okay=False, allow_dash=True), metavar="LIST",
              help="Read the paths of the files from LIST, one per line (- for standard input).")
@click.option("-0", "--null", is_flag=True,
              help="Paths in LIST end with a NUL byte, as find -print0 writes them.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=default_jobs, show_default="CPUs",
              metavar="N",
              help="Worker processes. Results are written in input order whatever the number.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="jsonl (default): one JSON object per document. "
                   "csv: one row per figure, errors on standard error only.")
@click.option("--pretty", is_flag=True, help="Indent the JSON (one document per block).")
@click.option("--excel", is_flag=True,
              help="CSV for a spreadsheet: UTF-8 with a byte order mark, and text that a "
                   "spreadsheet would run as a formula (=, +, -, @ first) behind an apostrophe "
                   "(implies --format csv).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write to this file, whole or not at all (through a temporary file).")
@click.option("-q", "--quiet", is_flag=True, help="No progress line on a terminal.")
@click.option("--max-bytes", type=ByteSize(), default=DEFAULT_MAX_BYTES, show_default="20MB",
              help="Refuse larger files with an error of type too_large (0: no limit).")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT,
              show_default=f"{DEFAULT_TIMEOUT:g}", metavar="SECONDS",
              help="Give up a document that takes longer, with an error of type timeout, "
                   "and go on (0: no limit).")
@click.option("--kind", "kinds", metavar="KINDS", callback=lambda c, p, v: _names(v, KINDS, "kind"),
              help="Write only figures of these kinds, such as money,percent.")
@click.option("--fields", metavar="FIELDS", callback=lambda c, p, v: _names(v),
              help="Write only these fields of each figure, in this order, such as "
                   "kind,value,unit,noun (JSON Lines and CSV).")
@click.option("--no-sentence", is_flag=True,
              help="Leave out each figure's sentence (about half of the output).")
@click.option("--resume", is_flag=True,
              help="With -o: keep the documents the file holds, skip their inputs and add "
                   "the rest; if interrupted, keep what was done (run again to finish).")
@click.option("--patterns", "patterns", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or folder (repeatable); overrides built-in rules by id.")
def extract(files, recursive, globs, hidden, files_from, null, jobs, fmt, pretty, excel,
            output, quiet, max_bytes, timeout, kinds, fields, no_sentence, resume, patterns):
    """Extract figures from FILES: files, folders with -r, - for standard input.

    Writes one JSON object per document (JSON Lines), in the order of the inputs,
    with "source" the path as given or found. A file that cannot be read (missing,
    a directory, binary, undecodable, larger than --max-bytes) still gets its line,
    with an "error" object, and a one-line message on standard error; the batch
    goes on. Text may be UTF-8 (with or without BOM), UTF-16 with BOM or a legacy
    code page such as Windows-1258; "encoding" says which was read. A few
    undecodable bytes are replaced, and the document's "warnings" say so.

    A progress line shows on standard error when it is a terminal and there is
    more than one file, and the batch ends there with a summary line.
    """
    fmt = _check_usage(files, recursive, globs, hidden, files_from, null, fmt, pretty, excel)
    try:
        chosen = chosen_fields(fmt, fields, sentence=not no_sentence)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--fields'")
    _check_output(output, resume, fmt, pretty)
    kept = _kept_documents(output) if resume else []
    done = frozenset(source for source, _ in kept)
    progress = Progress(sys.stderr, shown=False)
    try:
        with _signals_as_exit():
            try:
                extractor = Extractor(patterns=patterns)
            except RuleError as e:
                raise click.UsageError(str(e))
            finder = InputFinder(files, recursive=recursive, globs=globs, hidden=hidden,
                                 files_from=files_from, null=null, max_bytes=max_bytes)
            progress = _progress(finder, quiet, done)
            with _open_output(output, keep_partial=resume) as stream:
                for _, line in kept:
                    stream.write(line)
                writer = Writer(stream, fmt, pretty=pretty, excel=excel, flush=output == STDIN,
                                kinds=kinds, fields=chosen)
                batch = Batch(extractor, jobs, max_bytes, patterns, render=writer.options,
                              timeout=timeout)
                with batch:
                    todo = (item for item in finder if item.source not in done) if done else finder
                    failed = _write_all(batch.run(todo), writer, progress,
                                        hide_progress=output == STDIN and sys.stdout.isatty())
            progress.summary()
    except KeyboardInterrupt:
        progress.clear()
        _say_kept(resume, output, len(kept) + progress.done)
        sys.exit(EXIT_INTERRUPTED)
    except SystemExit as e:
        if e.code in (128 + signal.SIGTERM, 128 + getattr(signal, "SIGHUP", 1)):
            progress.clear()
            _say_kept(resume, output, len(kept) + progress.done)
        raise
    except BrokenPipeError:
        # The reader went away (… | head): quietly, as the Python docs recommend.
        _drop_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except OSError as e:          # the output cannot be written: a full disk, an I/O error
        progress.clear()
        _drop_stdout()
        where = "standard output" if output == STDIN else output
        sys.stderr.write(f"vnstats: cannot write {printable(where)}: {(e.strerror or str(e)).lower()}\n")
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_FAILED if failed else 0)


def _names(value: str | None, known: tuple | None = None, what: str = "") -> tuple | None:
    """A comma-separated list of names, each one of ``known`` if given."""
    if value is None:
        return None
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names:
        raise click.BadParameter("give at least one name")
    for name in names:
        if known is not None and name not in known:
            raise click.BadParameter(f"no {what} {name!r}; choose from {', '.join(known)}")
    return names


def _kept_documents(output: str) -> list[tuple[str, bytes]]:
    """``(source, line)`` of each whole document an earlier run wrote to ``output``
    (a line cut short at its end is left out, and its document done again)."""
    try:
        f = open(output, "rb")
    except FileNotFoundError:
        return []
    except OSError as e:
        raise click.BadParameter(f"cannot read {output}: {e.strerror or e}", param_hint="'-o'")
    kept = []
    with f:
        for number, line in enumerate(f, 1):
            try:
                source = json.loads(line)["source"] if line.endswith(b"\n") else None
            except (ValueError, TypeError, KeyError):
                source = None
            if not isinstance(source, str):
                if line.strip() and line.endswith(b"\n"):
                    raise click.BadParameter(f"{output}:{number} is not a line vnstats wrote: "
                                             "cannot resume it", param_hint="'--resume'")
                break
            kept.append((source, line))
    return kept


def _say_kept(resume: bool, output: str, documents: int) -> None:
    if resume:
        sys.stderr.write(f"vnstats: interrupted: {documents:,} documents kept in {printable(output)}; "
                         "run again with --resume to finish\n")


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so that what is left in its buffer
    at exit goes nowhere instead of failing again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _write_all(documents: Iterator[Document], writer: Writer, progress: Progress,
               hide_progress: bool) -> int:
    """Write every document as it comes; the number that failed."""
    failed = 0
    for doc in documents:
        if hide_progress:                 # output and progress share the terminal
            progress.clear()
        doc = writer.write(doc)           # the document of its failure, if it failed to write
        for warning in doc.warnings or ():
            progress.message(doc.source, "warning: " + warning["message"])
        if not doc.ok:
            failed += 1
            progress.message(doc.source, doc.error["message"])
        progress.advance(doc.figure_count, doc.kind_counts, not doc.ok)
    return failed


@contextmanager
def _signals_as_exit() -> Iterator[None]:
    """``kill`` and a closed terminal (SIGHUP) end the command as Ctrl-C does:
    workers stopped, no -o file left."""
    def terminated(signum, frame):
        raise SystemExit(128 + signum)
    handled = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {s: signal.signal(s, terminated) for s in handled}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _check_output(output: str, resume: bool = False, fmt: str = "jsonl", pretty: bool = False) -> None:
    """-o writes a regular file (or standard output): a device, a FIFO or a
    socket is never replaced by one. --resume reads it back: JSON Lines only."""
    if resume and output == STDIN:
        raise click.UsageError("--resume adds to the file of -o: give one")
    if resume and (fmt != "jsonl" or pretty):
        raise click.UsageError("--resume reads back JSON Lines: not with --format csv or --pretty")
    if output == STDIN:
        return
    try:
        mode = os.stat(output).st_mode
    except OSError:
        return                            # a new file, or AtomicFile says why not
    if not stat.S_ISREG(mode):
        raise click.BadParameter(f"{output} is not a regular file (-o writes one; "
                                 "use a shell redirection to write elsewhere)", param_hint="'-o'")


def _check_usage(files, recursive, globs, hidden, files_from, null, fmt, pretty, excel) -> str:
    """The output format, once the options are known to fit together."""
    if not files and files_from is None:
        raise click.UsageError("no input: give FILES, - for standard input, or --files-from LIST")
    if list(files).count(STDIN) + (files_from == STDIN) > 1:
        raise click.UsageError("standard input can be read only once")
    if null and files_from is None:
        raise click.UsageError("--null describes the list of --files-from")
    if (globs or hidden) and not recursive:
        raise click.UsageError("--glob and --hidden choose files inside folders: use them with -r")
    if excel:
        if fmt not in (None, "csv"):
            raise click.UsageError("--excel writes CSV")
        fmt = "csv"
    fmt = fmt or "jsonl"
    if pretty and fmt != "jsonl":
        raise click.UsageError("--pretty indents JSON, not CSV")
    return fmt


def _progress(finder: InputFinder, quiet: bool, skipped: frozenset = frozenset()) -> Progress:
    if quiet or not sys.stderr.isatty():
        return Progress(sys.stderr, shown=False)
    total = finder.count(skipped)
    return Progress(sys.stderr, shown=total is None or total > 1, total=total)


@contextmanager
def _open_output(output: str, keep_partial: bool = False) -> Iterator[BinaryIO]:
    if output == STDIN:
        yield sys.stdout.buffer
        return
    try:
        target = AtomicFile(output, keep_partial=keep_partial)
    except OSError as e:
        raise click.BadParameter(f"cannot write {output}: {e.strerror or e}", param_hint="'-o'")
    with target as stream:
        yield stream


# `vnstats rules` and `vnstats schema` live in their own modules.
from .rules_cli import register  # noqa: E402

register(main)

# `vnstats show` and `vnstats cache` live in their own modules.
from .show_cli import show  # noqa: E402
from .cache_cli import cache  # noqa: E402

main.add_command(show)
main.add_command(cache)

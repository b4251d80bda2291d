"""Writing documents: JSON Lines (the default), indented JSON, or CSV, to standard
output or to a file that appears whole or not at all.

JSON Lines and ``--pretty`` print ``Document.to_dict()``: one object per document.
CSV has one row per figure (``COLUMNS``); a document without figures has no
row, and a document with an error has none either: errors go to standard error
and the exit status, as for every format. For a spreadsheet (``excel``) a text
cell that a spreadsheet would take for a formula (``- Theo báo cáo …``,
``=…``, ``+84…``) starts with an apostrophe.

Numbers are always written as JSON numbers, however large: a value past what
``json`` writes (more digits than Python turns into text, a ``Decimal``) is
written digit by digit. A document that cannot be written for any reason is
written as that document's ``error`` line (``safely_rendered``), never at the
cost of the others.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from collections import Counter
from dataclasses import fields, replace
from decimal import Decimal
from typing import BinaryIO, Iterable

from .document import Document
from .figure import Figure

CSV_COLUMNS = ("source", "kind", "value", "upper", "numerator", "denominator", "unit", "noun",
               "qualifier", "text", "start", "end", "sentence", "rule",
               "change", "compared_to", "period", "period_from", "period_to", "subject")
FORMATS = ("jsonl", "csv")
FIGURE_FIELDS = tuple(f.name for f in fields(Figure))


def chosen_fields(format: str, names: Iterable[str] | None, sentence: bool = True) -> tuple | None:
    """The figure fields to write (None: all), in the order given, or
    ``ValueError`` naming one that the format does not have."""
    known = CSV_COLUMNS[1:] if format == "csv" else FIGURE_FIELDS
    if names is None:
        if sentence:
            return None
        names = known
    out = []
    for name in names:
        if name not in known:
            raise ValueError(f"no field {name!r}; choose from {', '.join(known)}")
        if name not in out and (sentence or name != "sentence"):
            out.append(name)
    if not out:
        raise ValueError("no field left to write")
    return tuple(out)


class Writer:
    """Renders each document and writes it to a binary stream as UTF-8 (a file
    name that is not valid UTF-8 is written with ``\\udcXX`` escapes, which in
    JSON read back as the same name)."""

    def __init__(self, stream: BinaryIO, format: str = "jsonl", pretty: bool = False,
                 excel: bool = False, flush: bool = False, kinds: Iterable[str] | None = None,
                 fields: tuple | None = None, header: bool = True):
        """``kinds``: write only figures of these kinds; ``fields``: only these
        fields of each figure (``chosen_fields``), in that order; ``header``:
        begin CSV with its header (and BOM)."""
        self.stream, self.format, self.pretty, self.flush = stream, format, pretty, flush
        self.excel = excel
        self.kinds = frozenset(kinds) if kinds else None
        self.fields = fields
        head = ("\ufeff" if excel else "") + (_csv_rows([_columns(fields)]) if format == "csv" else "")
        if head and header:
            self._write(head)

    @property
    def options(self) -> tuple:
        """What ``render`` needs to know: worker processes render with it."""
        return (self.format, self.pretty, self.excel, self.kinds, self.fields)

    def write(self, doc: Document) -> Document:
        """Write ``doc``; what was written (an error document if ``doc``
        itself could not be)."""
        if doc.rendered is None or doc.rendered[0] != self.options:
            doc = safely_rendered(doc, self.options)
        if doc.rendered[1]:
            self._write(doc.rendered[1])
        return doc

    def _write(self, text: str) -> None:
        self.stream.write(text.encode("utf-8", "backslashreplace"))
        if self.flush:
            self.stream.flush()


def render(doc: Document, options: tuple) -> str:
    """The text ``Writer.write`` writes for ``doc``, by ``Writer.options``."""
    format, pretty, excel, kinds, chosen = _options(options)
    figures = [f.to_dict() for f in _written(doc, kinds)]
    if chosen is not None and format != "csv":
        figures = [{name: f[name] for name in chosen} for f in figures]
    if format == "csv":
        columns = _columns(chosen)
        return _csv_rows([_row(doc.source, f, excel, columns) for f in figures])
    out = doc.to_dict()
    out["figures"] = figures
    return to_json(out, indent=2 if pretty else None) + "\n"


def _options(options: tuple) -> tuple:
    return tuple(options) + (None,) * (5 - len(options))


def _written(doc: Document, kinds) -> list:
    return doc.figures if kinds is None else [f for f in doc.figures if f.kind in kinds]


def _columns(chosen: tuple | None) -> tuple:
    return CSV_COLUMNS if chosen is None else ("source",) + chosen


def safely_rendered(doc: Document, options: tuple) -> Document:
    """``doc`` written out (``Document.rendered``, its figures then left out);
    if that fails, whatever the reason, the document of that failure."""
    try:
        text = render(doc, options)
    except Exception as e:               # one document's failure costs that document only
        doc = Document(doc.source, encoding=doc.encoding, error={
            "type": "internal", "message": f"cannot write its figures: {type(e).__name__}: {_first_line(e)}"})
        text = render(doc, options)
        return replace(doc, rendered=(options, text, {}))
    kinds = Counter(f.kind for f in _written(doc, _options(options)[3]))
    return replace(doc, figures=[], rendered=(options, text, dict(kinds)))


def _first_line(e: Exception) -> str:
    lines = str(e).strip().splitlines()
    return lines[0][:200] if lines else "no message"


def to_json(obj, indent: int | None = None) -> str:
    """``obj`` as JSON (UTF-8 text as is), with every number written as a JSON
    number: ``json`` itself for the usual ones, digit by digit for the rest."""
    try:
        return json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False)
    except (ValueError, TypeError):
        pass
    numbers: list[str] = []
    marked = _mark_numbers(obj, numbers)
    text = json.dumps(marked, ensure_ascii=False, indent=indent, allow_nan=False)
    return _MARKER.sub(lambda m: numbers[int(m[1])], text)


# A marker is a string "\0N\0", written "\u0000N\u0000" by json: found only
# where a whole string is one, and such strings of the input are marked too.
_MARKER = re.compile(r'"\\u0000(\d+)\\u0000"')
_LOOKS_MARKED = re.compile("\0\\d+\0")


def _mark_numbers(obj, numbers: list[str]):
    """``obj`` with each number (and each string that looks like a marker)
    replaced by a marker, its JSON text appended to ``numbers``."""
    if isinstance(obj, dict):
        return {k: _mark_numbers(v, numbers) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_mark_numbers(v, numbers) for v in obj]
    if isinstance(obj, str):
        if not _LOOKS_MARKED.fullmatch(obj):
            return obj
        numbers.append(json.dumps(obj, ensure_ascii=False))
    elif isinstance(obj, (int, float, Decimal)) and not isinstance(obj, bool):
        numbers.append(json_number(obj))
    else:
        return obj
    return f"\0{len(numbers) - 1}\0"


def json_number(value) -> str:
    """The JSON text of a number, exactly, however many digits it has
    (``ValueError`` for infinities and NaN, which JSON cannot hold)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a JSON number")
        return repr(value)
    if isinstance(value, int):
        value = Decimal(value) if value.bit_length() > 10_000 else value
        if isinstance(value, int):
            return str(value)
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    whole = value.to_integral_value()
    if value == whole:
        return format(whole, "f")        # all its digits, as an int is written
    return str(value)                    # 0.1, 1.5E+400: both JSON numbers


def _row(source: str, figure: dict, excel: bool = False, columns: tuple = CSV_COLUMNS) -> list:
    figure = _flat(figure)
    row = [source] + ["" if figure[c] is None else figure[c] for c in columns[1:]]
    return [_cell(_inert(cell) if excel else cell) for cell in row]


def _flat(figure: dict) -> dict:
    """A figure with its spans as their text, and the period's dates as columns of their own."""
    flat = dict(figure)
    period = figure.get("period") or {}
    flat["period_from"], flat["period_to"] = period.get("from"), period.get("to")
    for key in ("compared_to", "period", "subject"):
        flat[key] = (figure.get(key) or {}).get("text")
    return flat


def _cell(value):
    """A number as JSON writes it (all its digits), anything else as it is."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return json_number(value)
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell):
    """A text cell a spreadsheet would run as a formula, made plain text."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell


def _csv_rows(rows: list) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)      # quotes what needs it; rows end in \r\n (RFC 4180)
    return buf.getvalue()


class AtomicFile:
    """A file written under a temporary name beside ``path`` and renamed over it
    on ``commit``: an interrupted run leaves the old file (or none), never half
    of a new one. As a context manager it commits on success, discards on error."""

    def __init__(self, path: str, keep_partial: bool = False):
        """``keep_partial``: an interruption (Ctrl-C, a signal's exit) commits
        what was written, rather than discarding it."""
        self.keep_partial = keep_partial
        self.path = os.path.realpath(path)          # through a symbolic link to its file
        folder, name = os.path.split(self.path)
        mode = _mode_for(self.path)
        fd, self.temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
        os.fchmod(fd, mode)
        self.file = os.fdopen(fd, "wb")

    def __enter__(self) -> BinaryIO:
        return self.file

    def __exit__(self, exc_type, exc, tb):
        interrupted = exc_type is not None and issubclass(exc_type, (KeyboardInterrupt, SystemExit))
        if exc_type is None or (self.keep_partial and interrupted):
            self.commit()
        else:
            self.discard()

    def commit(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        self.file.close()
        try:
            os.unlink(self.temporary)
        except FileNotFoundError:
            pass


def _mode_for(path: str) -> int:
    """Permissions of the file being replaced, or the usual ones for a new file."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

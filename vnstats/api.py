"""The Python API: ``extract(text)`` and ``extract_file(path)``."""
from __future__ import annotations

from pathlib import Path

from .document import Document
from .extractor import Extractor
from .figure import Figure
from .reading import DEFAULT_MAX_BYTES, InputError, decode_bytes, read_decoded

_default: Extractor | None = None


def default_extractor() -> Extractor:
    """The process-wide extractor with the built-in rules, built on first use."""
    global _default
    if _default is None:
        _default = Extractor()
    return _default


def extract(text: str, extractor: Extractor | None = None) -> list[Figure]:
    """Every figure in ``text``; offsets index ``text`` itself."""
    return (extractor or default_extractor()).extract(text)


def extract_file(path: str | Path, extractor: Extractor | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> Document:
    """Read, decode and extract one file. Never raises for bad input: a file that
    cannot be read gives a ``Document`` with ``error`` set and no figures."""
    source = str(path) if source is None else source
    try:
        decoded = read_decoded(str(path), max_bytes)
    except InputError as e:
        return Document(source, error=e.to_dict())
    return extract_document(decoded.text, source, decoded.encoding, extractor, decoded.warnings)


def extract_bytes(data: bytes, source: str, extractor: Extractor | None = None) -> Document:
    """Decode bytes of unknown encoding (as a file's are) and extract them; bytes
    that are not text give a ``Document`` with ``error`` set; a few bad bytes
    are replaced, and its ``warnings`` say so."""
    try:
        decoded = decode_bytes(data)
    except InputError as e:
        return Document(source, error=e.to_dict())
    return extract_document(decoded.text, source, decoded.encoding, extractor, decoded.warnings)


def extract_document(text: str, source: str, encoding: str | None = None,
                     extractor: Extractor | None = None, warnings=()) -> Document:
    """The ``Document`` of a text already decoded (``warnings``: the repairs
    made in decoding it)."""
    ex = extractor or default_extractor()
    figures = ex.extract(text)
    doc = Document(source, figures, encoding, warnings=list(warnings) or None)
    if ex.problems:
        doc.error = {"type": "rule_timeout",
                     "message": "; ".join(str(p) for p in ex.problems)}
    return doc

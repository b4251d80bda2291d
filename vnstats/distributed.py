"""Running vnstats on a cluster: partition functions for Dask (or any engine).

vnstats is a pure function of a text, so an engine that maps a Python function
over partitions of a collection can run it on many machines. What matters is
that each worker builds its ``Extractor`` (rules compiled, segmenter loaded: a
few seconds) once and reuses it for every document it is given. The functions
here do that through a per-process, per-thread cache keyed by the rule files,
so they can be shipped to workers as they are::

    import dask.bag as db
    from vnstats.distributed import extract_paths

    paths = sorted(map(str, Path("news").glob("*.txt")))
    docs = db.from_sequence(paths, npartitions=64).map_partitions(extract_paths)
    docs.map(json.dumps, ensure_ascii=False).to_textfiles("out/part-*.jsonl")

Each output document is exactly what ``vnstats extract`` prints for the same
input (``Document.to_dict()``). See docs/distributed.md for the recipes: a
folder as a Dask bag, a text column of a Parquet table as a Dask dataframe.

Dask is not a dependency of vnstats: this module imports it only in
``folder_bag``, and the partition functions need nothing but vnstats.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Iterable

from .api import extract_bytes, extract_document, extract_file
from .document import Document
from .extractor import Extractor
from .reading import DEFAULT_MAX_BYTES

_local = threading.local()
_lock = threading.Lock()
_builds = 0


def worker_extractor(patterns: Iterable[str | Path] = ()) -> Extractor:
    """This process's (and thread's) extractor for these extra rule files,
    built on first use and reused after. An Extractor keeps per-call state,
    so each thread of a worker gets its own."""
    global _builds
    key = tuple(str(p) for p in patterns)
    cache = getattr(_local, "extractors", None)
    if cache is None:
        cache = _local.extractors = {}
    if key not in cache:
        cache[key] = Extractor(patterns=key)
        with _lock:
            _builds += 1
    return cache[key]


def extractor_builds() -> int:
    """How many extractors this process has built (for checking reuse)."""
    return _builds


def extract_paths(paths: Iterable[str | Path], patterns: Iterable[str | Path] = (),
                  max_bytes: int = DEFAULT_MAX_BYTES) -> list[dict]:
    """One partition of file paths → their output documents, as dicts.

    The paths must be readable where this runs (a shared or network file
    system on a cluster); ``source`` is each path as given."""
    extractor = worker_extractor(patterns)
    return [extract_file(p, extractor, max_bytes).to_dict() for p in paths]


def extract_texts(records: Iterable[tuple[str, str | bytes | None]],
                  patterns: Iterable[str | Path] = ()) -> list[dict]:
    """One partition of ``(source, text)`` pairs → their output documents.

    ``text`` may be ``str`` (used as is; ``encoding`` is null), ``bytes``
    (decoded as the CLI decodes files) or ``None`` (a missing value: an error
    document)."""
    extractor = worker_extractor(patterns)
    out = []
    for source, text in records:
        source = str(source)
        if text is None:
            out.append(Document(source, error={"type": "missing", "message": "no text"}).to_dict())
            continue
        if isinstance(text, (bytes, bytearray)):
            out.append(extract_bytes(bytes(text), source, extractor).to_dict())
        else:
            out.append(extract_document(text, source, None, extractor).to_dict())
    return out


def extract_frame(frame, text_column: str = "text", source_column: str | None = None,
                  patterns: Iterable[str | Path] = ()):
    """One partition of a pandas DataFrame → a Series of output lines (JSON
    strings, one document per row, same index), for ``ddf.map_partitions``.

    ``source`` is the row's ``source_column`` value, else its index label."""
    import pandas as pd

    sources = frame[source_column] if source_column else frame.index
    docs = extract_texts(zip(sources, frame[text_column]), patterns)
    return pd.Series([json.dumps(d, ensure_ascii=False) for d in docs], index=frame.index,
                     name="document")


def folder_bag(folder: str | Path, glob: str = "*.txt", patterns: Iterable[str | Path] = (),
               npartitions: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
    """A Dask bag of the output documents (dicts) of every file of ``folder``
    matching ``glob``, in path order. Nothing runs until it is computed.

    Rule files are passed to the workers as absolute paths: they, like the
    articles, must be readable there."""
    import dask.bag as db

    paths = sorted(str(p) for p in Path(folder).glob(glob) if p.is_file())
    patterns = tuple(str(Path(p).resolve()) for p in patterns)
    npartitions = npartitions or min(len(paths), 100) or 1
    bag = db.from_sequence(paths, npartitions=npartitions)
    return bag.map_partitions(extract_paths, patterns=patterns, max_bytes=max_bytes)

"""A disk cache of what an ``Extractor`` builds from its rule files (and of
other things slow to build, by ``cached_by``).

Reading the YAML files and compiling some sixty large regexes takes seconds;
unpickling their result takes milliseconds (a pickled ``regex`` pattern keeps
its compiled code). The cache is keyed by the bytes of every rule file, the
source of the modules whose objects are stored, and the Python and ``regex``
versions, so any change to any of them builds afresh. Only successful loads are
stored: a bad rule file raises its ``RuleError`` every time.

The cache lives in ``$VNSTATS_CACHE_DIR``, else ``$XDG_CACHE_HOME/vnstats``,
else ``~/.cache/vnstats``; ``VNSTATS_CACHE_DIR=off`` turns it off. It is best
effort: a cache that cannot be read or written is ignored. Like ``__pycache__``,
it trusts whoever can write to that folder.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable, TypeVar

import regex

from .rules import _expand

FORMAT = 1
KEEP = 8                  # newest cache files kept; older ones are removed
_MODULES = ("rules.py", "normalize.py", "numbers.py", "candidates.py", "starts.py",
            "context.py", "segment.py", "sentences.py", "tries.py", "rulecache.py")

T = TypeVar("T")


def cache_dir() -> Path | None:
    where = os.environ.get("VNSTATS_CACHE_DIR")
    if where is not None:
        return None if where.strip().lower() in ("", "0", "off", "no", "false") else Path(where)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vnstats"


def _versions():
    """A hash begun with the format and the Python and ``regex`` versions, which
    every key holds."""
    return hashlib.sha256(repr((FORMAT, sys.version, regex.__version__)).encode())


def _code_key() -> bytes:
    """The code whose objects are stored, read when this module is imported
    (with the others), not when it runs: a process keeps the code it started with."""
    h = _versions()
    here = Path(__file__).resolve().parent
    try:
        for name in _MODULES:
            h.update(name.encode() + b"\0" + (here / name).read_bytes())
    except OSError:
        return b""
    return h.digest()


_CODE = _code_key()


def _key(paths: Iterable[str | Path]) -> str | None:
    if not _CODE:
        return None
    h = hashlib.sha256(_CODE)
    for path in _expand(paths):
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def cached(paths: list[str | Path], build: Callable[[], T]) -> T:
    """``build()``, or what it returned before for these very rule files."""
    if cache_dir() is None:
        return build()
    try:
        key = _key(paths)
    except Exception:                     # a missing file: build() reports it
        key = None
    return cached_by("rules", key, build)


def cached_by(kind: str, key: str | None, build: Callable[[], T]) -> T:
    """``build()``, or what it returned before under ``key`` (which must change
    whenever what ``build`` returns would: None builds without the cache).
    Each ``kind`` keeps its ``KEEP`` newest entries."""
    folder = cache_dir()
    if folder is None or key is None:
        return build()
    path = folder / f"{kind}-{key}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:
        pass
    value = build()
    _store(folder, path, value, kind)
    return value


def code_key(*parts: bytes) -> str:
    """A key for ``cached_by`` from ``parts`` and the Python and ``regex`` versions."""
    h = _versions()
    for part in parts:
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()[:32]


def _store(folder: Path, path: Path, value, kind: str) -> None:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        old = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEEP:]:
            stale.unlink()
    except Exception:
        pass

"""A disk cache of what an ``Extractor`` builds from its rule files (and of
other things slow to build, by ``cached_by``).

Reading the YAML files and compiling some sixty large regexes takes seconds;
unpickling their result takes milliseconds (a pickled ``regex`` pattern keeps
its compiled code). The cache is keyed by the bytes of every rule file, the
source of the modules whose objects are stored, and the Python and ``regex``
versions, so any change to any of them builds afresh. Only successful loads are
stored: a bad rule file raises its ``RuleError`` every time.

The cache lives in ``$VNSTATS_CACHE_DIR``, else ``$XDG_CACHE_HOME/vnstats``,
else ``~/.cache/vnstats`` (``vnstats cache path`` prints it, ``vnstats cache
clear`` empties it); ``VNSTATS_CACHE_DIR=off`` turns it off. It stays small:
an entry read is marked as used, and each new entry evicts those of its kind
beyond the ``KEEP`` most recently used, any unused for ``MAX_AGE`` seconds, and
the least recently used while the whole is over ``MAX_BYTES``. It is best
effort: a cache that cannot be read or written is ignored. Like ``__pycache__``,
it trusts whoever can write to that folder.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, TypeVar

import regex

from .rules import _expand

FORMAT = 1
KEEP = 4                  # most recently used entries kept of each kind (rules, crf)
MAX_AGE = 30 * 86400      # entries unused for this long are removed
MAX_BYTES = 24_000_000    # the least recently used go while the whole is larger
_ENTRY = re.compile(r"[a-z]+-[0-9a-f]{32}\.pickle|\.[a-z]+-\w+\.tmp")   # what clear() may remove
_MODULES = ("rules.py", "normalize.py", "numbers.py", "candidates.py", "reader.py", "anchors.py",
            "about.py", "context.py", "segment.py", "sentences.py", "tries.py", "rulecache.py",
            "literals.py", "places.py", "scans.py", "follow.py", "openings.py")

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


CODE = _code_key()


def _key(paths: Iterable[str | Path]) -> str | None:
    if not CODE:
        return None
    h = hashlib.sha256(CODE)
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
    return cached_by("rules", key, build, note="compiling the rules once into the cache at {folder}")


def cached_by(kind: str, key: str | None, build: Callable[[], T], note: str | None = None) -> T:
    """``build()``, or what it returned before under ``key`` (which must change
    whenever what ``build`` returns would: None builds without the cache).
    ``note`` (``{folder}`` is the cache's) is shown on a terminal's standard
    error while a slow ``build`` runs, so that a first run does not seem stuck."""
    folder = cache_dir()
    if folder is None or key is None:
        return build()
    path = folder / f"{kind}-{key}.pickle"
    try:
        with open(path, "rb") as f:
            value = pickle.load(f)
    except Exception:
        pass
    else:
        _touch(path)
        return value
    shown = note is not None and _note(f"vnstats: {note.format(folder=folder)} (a few seconds)…")
    try:
        value = build()
    finally:
        if shown:
            _note(None)
    _store(folder, path, value, kind)
    return value


def _note(text: str | None) -> bool:
    """Writes ``text`` on standard error if it is a terminal (None clears it);
    whether it did."""
    try:
        if not sys.stderr.isatty():
            return False
        sys.stderr.write("\r\x1b[K" if text is None else text)
        sys.stderr.flush()
        return True
    except (OSError, ValueError, AttributeError):
        return False


def _touch(path: Path) -> None:
    """Marks an entry as used (its time is what eviction goes by)."""
    try:
        os.utime(path)
    except OSError:
        pass


def entries(folder: Path | None = None) -> list[Path]:
    """The files of the cache (entries and unfinished writes), nothing else that
    the folder may hold."""
    folder = cache_dir() if folder is None else folder
    if folder is None:
        return []
    try:
        return sorted(p for p in folder.iterdir() if _ENTRY.fullmatch(p.name) and p.is_file())
    except OSError:
        return []


def clear(folder: Path | None = None) -> tuple[int, int]:
    """Removes every file of the cache; how many and their bytes."""
    count = size = 0
    for path in entries(folder):
        try:
            n = path.stat().st_size
            path.unlink()
        except OSError:
            continue
        count, size = count + 1, size + n
    return count, size


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
        _evict(folder, kind, path)
    except Exception:
        pass


def _evict(folder: Path, kind: str, kept: Path) -> None:
    """Removes what ``KEEP``, ``MAX_AGE`` and ``MAX_BYTES`` leave out (never ``kept``,
    just written), least recently used first."""
    now = time.time()
    found = []
    for path in entries(folder):
        try:
            st = path.stat()
        except OSError:
            continue
        if path.suffix == ".pickle":
            found.append((st.st_mtime, st.st_size, path))
        elif now - st.st_mtime > 3600:                   # a write that died an hour ago
            _remove(path)
    found.sort(key=lambda e: e[0], reverse=True)         # most recently used first
    same_kind = 0
    total = 0
    for mtime, size, path in found:
        if path == kept:
            total += size
            continue
        same_kind += path.name.startswith(kind + "-")
        if (path.name.startswith(kind + "-") and same_kind >= KEEP) or now - mtime > MAX_AGE \
                or total + size > MAX_BYTES:
            _remove(path)
        else:
            total += size


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass

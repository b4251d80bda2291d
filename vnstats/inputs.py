"""Finding the documents of a batch: files, folders, standard input and lists of paths.

Inputs are found lazily, in a stable order (arguments first, then the list of
``--files-from``; inside a folder, names in sorted order), so a batch of any size
starts at once and holds only the paths in flight. ``source`` is the path as
found: relative paths stay relative, a folder's files are ``FOLDER/NAME``.

Inside folders (``recursive``): hidden files and folders are skipped unless
``hidden``; text files are read (``*.txt``, and the names ``globs`` add; each
also compressed, ``.gz``), so results or notes kept beside the articles are
not taken for articles; symbolic links are followed, and a
folder already walked (a link back up the tree) is not walked again. A file
that cannot be found or read is not skipped: it becomes an ``Input`` with an
``error``, so it gets its line in the output.
"""
from __future__ import annotations

import fnmatch
import os
import stat
import sys
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

from .reading import DEFAULT_MAX_BYTES, InputError, os_error, read_limited

STDIN = "-"
TEXT_FILES = ("*.txt",)        # what -r reads, with what --glob adds


@dataclass(frozen=True)
class Input:
    """One document to extract: a file to read, standard input's bytes, or the
    error met while looking for it."""
    source: str
    path: str | None = None
    data: bytes | None = None
    error: dict | None = None


class InputFinder:
    def __init__(self, paths: Iterable[str] = (), *, recursive: bool = False,
                 globs: Iterable[str] = (), hidden: bool = False,
                 files_from: str | None = None, null: bool = False,
                 stdin: BinaryIO | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
        self.paths = list(paths)
        self.recursive, self.globs, self.hidden = recursive, list(globs), hidden
        self.files_from, self.null = files_from, null
        self.stdin = stdin if stdin is not None else sys.stdin.buffer
        self.max_bytes = max_bytes

    def __iter__(self) -> Iterator[Input]:
        for item in self._find():
            if item.source == STDIN and item.path is None and item.error is None:
                item = self._read_stdin()
            yield item

    def count(self, skipped: frozenset = frozenset()) -> int | None:
        """How many inputs there are, but those whose source is ``skipped``,
        found without reading any (None when the list of paths comes from
        standard input and can be read only once)."""
        if self.files_from == STDIN:
            return None
        return sum(1 for item in self._find() if item.source not in skipped)

    def _find(self) -> Iterator[Input]:
        for path in self.paths:
            yield from self._argument(path, named=True)
        if self.files_from is not None:
            for path in self._listed():
                yield from self._argument(path, named=False)

    def _argument(self, path: str, named: bool) -> Iterator[Input]:
        if named and path == STDIN:
            yield Input(STDIN)
        elif os.path.isdir(path):
            if self.recursive:
                yield from self._walk(path)
            else:
                yield Input(path, error={"type": "unreadable",
                                         "message": "is a directory (use -r to read the files in it)"})
        else:
            yield Input(path, path=path)

    def _listed(self) -> Iterator[str]:
        """The paths of the ``files_from`` list, one per line or NUL-terminated."""
        sep = b"\0" if self.null else b"\n"
        stream = self.stdin if self.files_from == STDIN else open(self.files_from, "rb")
        try:
            rest = b""
            while block := stream.read(1 << 16):
                *names, rest = (rest + block).split(sep)
                yield from (os.fsdecode(n) for n in names if n)
            if rest:
                yield os.fsdecode(rest)
        finally:
            if stream is not self.stdin:
                stream.close()

    def _walk(self, top: str) -> Iterator[Input]:
        walked = {_identity(top)}
        folders = [iter(self._entries(top))]
        while folders:
            entry = next(folders[-1], None)
            if entry is None:
                folders.pop()
            elif isinstance(entry, Input):
                yield entry
            elif not self.hidden and entry.name.startswith("."):
                continue
            elif _is_dir(entry):
                key = _identity(entry.path)
                if key not in walked:
                    walked.add(key)
                    folders.append(iter(self._entries(entry.path)))
            elif self._chosen(entry.name):
                yield _file(entry.path)

    def _entries(self, folder: str) -> list:
        try:
            with os.scandir(folder) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError as e:
            return [Input(folder, error=os_error(e, folder).to_dict())]

    def _chosen(self, name: str) -> bool:
        plain = name[:-3] if name.endswith(".gz") else name
        return any(fnmatch.fnmatch(plain, g) for g in TEXT_FILES + tuple(self.globs))

    def _read_stdin(self) -> Input:
        try:
            return Input(STDIN, data=read_limited(self.stdin, self.max_bytes))
        except InputError as e:
            return Input(STDIN, error=e.to_dict())
        except OSError as e:
            return Input(STDIN, error=os_error(e, STDIN).to_dict())


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:            # a symbolic link loop: reported as the file it claims to be
        return False


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _file(path: str) -> Input:
    """A file found in a folder: read it if it is one, say why not otherwise
    (a FIFO or device found in a folder is never opened: it could block forever)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        return Input(path, error=os_error(e, path).to_dict())
    if not stat.S_ISREG(mode):
        return Input(path, error={"type": "unreadable", "message": "not a regular file"})
    return Input(path, path=path)

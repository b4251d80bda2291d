"""Reading a document's bytes and decoding them, with errors a batch can report.

UTF-8 (with or without BOM) and UTF-16/32 with BOM are read directly; anything
else is handed to charset-normalizer, which knows legacy Vietnamese code pages
such as Windows-1258. Binary files are refused rather than decoded into noise,
and so are files over the size limit, before a byte of them is read, and
anything that is not a regular file (a FIFO, a device), without blocking.

A text with a few bytes that its encoding cannot decode (a damaged download, a
truncated character) is read with each bad sequence replaced by U+FFFD and a
warning saying how many there were: its figures are worth keeping. Only text
that is mostly undecodable is an error.

A file whose name ends in ``.gz`` is decompressed as it is read (the size
limit holds for what it holds, so a small file cannot fill the memory).
"""
from __future__ import annotations

import codecs
import errno
import gzip
import os
import zlib
import stat
from dataclasses import dataclass
from typing import BinaryIO

DEFAULT_MAX_BYTES = 20 * 1000 * 1000

# Control bytes that plain text may hold: backspace, tab, newlines, form feed, ESC, DOS EOF.
_TEXT_CONTROLS = b"\b\t\n\v\f\r\x1a\x1b"
_CONTROLS = bytes(b for b in range(32) if b not in _TEXT_CONTROLS)
# A repaired text has at least this many characters that decoded (beyond ASCII,
# for UTF-8 without a BOM, which must be told from a legacy code page) for
# each sequence that did not.
GOOD_PER_BAD = 3
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)      # opening a FIFO then returns at once
_NOT_REGULAR = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class InputError(Exception):
    """A document that cannot be read; ``type`` goes into the output's error object:
    ``unreadable``, ``too_large``, ``binary`` or ``decode``."""

    def __init__(self, type: str, message: str):
        self.type, self.message = type, message
        super().__init__(message)

    def to_dict(self) -> dict:
        return {"type": self.type, "message": self.message}


@dataclass(frozen=True)
class Decoded:
    """A document's text, the encoding it was read with, and the repairs made
    (``{"type": "decode", "message": …}`` each)."""
    text: str
    encoding: str
    warnings: tuple = ()


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """``(text, encoding)`` of the file at ``path``, or ``InputError``."""
    decoded = read_decoded(path, max_bytes)
    return decoded.text, decoded.encoding


def read_decoded(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """The file at ``path`` decoded, or ``InputError``. ``max_bytes`` of 0 means
    no limit. Only a regular file is read: it is opened without waiting (a FIFO
    with no writer would block forever) and refused if it is anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb") as f:
            mode = os.fstat(fd)
            if stat.S_ISDIR(mode.st_mode):
                raise InputError("unreadable", "is a directory")
            for test, what in _NOT_REGULAR:
                if test(mode.st_mode):
                    raise InputError("unreadable", f"not a regular file ({what})")
            check_size(mode.st_size, max_bytes)
            if _NONBLOCK:
                os.set_blocking(fd, True)
            data = _gunzipped(f, max_bytes) if path.endswith(".gz") else read_limited(f, max_bytes)
    except OSError as e:
        raise os_error(e, path) from None
    return decode_bytes(data)


def _gunzipped(stream: BinaryIO, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=stream) as gz:
            return read_limited(gz, max_bytes)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise InputError("decode", f"not a whole gzip file: {str(e).lower() or 'it ends too soon'}") from None


def read_limited(stream: BinaryIO, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """All of ``stream``, or ``InputError`` as soon as it holds more than ``max_bytes``."""
    data = stream.read(max_bytes + 1 if max_bytes else -1)
    if max_bytes and len(data) > max_bytes:
        raise InputError("too_large", f"over the limit of {max_bytes} bytes")
    return data


def check_size(size: int, max_bytes: int) -> None:
    if max_bytes and size > max_bytes:
        raise InputError("too_large", f"{size} bytes, over the limit of {max_bytes}")


def os_error(e: OSError, path: str) -> InputError:
    """The ``InputError`` for an ``OSError`` met while opening or reading ``path``."""
    if e.errno == errno.ENOENT and os.path.islink(path):
        return InputError("unreadable", "dangling symbolic link")
    if e.errno == errno.ELOOP:
        return InputError("unreadable", "symbolic link loop")
    if e.errno == errno.ENOENT:
        return InputError("unreadable", "no such file")
    if e.errno == errno.EISDIR:
        return InputError("unreadable", "is a directory")
    if e.errno == errno.ENXIO:          # a socket, or a device that is not there
        return InputError("unreadable", "not a regular file")
    return InputError("unreadable", (e.strerror or str(e)).lower())


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding into text, naming the encoding used
    (``decode_bytes`` says what was repaired too)."""
    decoded = decode_bytes(data)
    return decoded.text, decoded.encoding


def decode_bytes(data: bytes) -> Decoded:
    """Decode bytes of unknown encoding into text, naming the encoding used and
    the repairs made, or ``InputError``."""
    if data.startswith(codecs.BOM_UTF8):
        return _with_bom(data[3:], "utf-8", "utf-8-sig", 3)
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                      (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _with_bom(data[len(bom):], name, name.rsplit("-", 1)[0], len(bom))
    if _looks_binary(data):
        raise InputError("binary", "binary data, not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    repaired = _replacing(data, "utf-8", _non_ascii)
    if repaired is not None:
        return repaired
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    if best is None:
        raise InputError("decode", "not text in any known encoding")
    return Decoded(str(best), best.encoding)


def _with_bom(data: bytes, codec: str, name: str, bom: int) -> Decoded:
    """Text whose byte order mark names its encoding: decoded, repaired, or
    ``InputError`` when it is mostly undecodable."""
    try:
        return Decoded(data.decode(codec), name)
    except UnicodeDecodeError as e:
        first = e.start + bom
    repaired = _replacing(data, codec, len, bom)
    if repaired is None:
        raise InputError("decode", f"invalid {codec} from byte {first} on: mostly undecodable")
    return Decoded(repaired.text, name, repaired.warnings)


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _replacing(data: bytes, codec: str, good_of, skipped: int = 0) -> Decoded | None:
    """``data`` decoded with each undecodable sequence replaced by U+FFFD, if
    there are ``GOOD_PER_BAD`` good characters (as ``good_of`` counts them)
    for each bad sequence; else None. ``skipped``: bytes before ``data`` (a BOM)."""
    view, pieces, bad, pos, first = memoryview(data), [], 0, 0, None
    limit = len(data) // GOOD_PER_BAD + 1       # past this many, no text can make up for them
    decoder = codecs.getdecoder(codec)
    while True:
        try:
            pieces.append(decoder(view[pos:])[0])
            break
        except UnicodeDecodeError as e:
            pieces.append(decoder(view[pos:pos + e.start])[0])
            pieces.append("\ufffd")
            first = skipped + pos + e.start if first is None else first
            bad += 1
            pos += max(e.end, e.start + 1)
            if bad > limit:
                return None
    text = "".join(pieces)
    if good_of(text) - bad < GOOD_PER_BAD * bad:
        return None
    what = "sequence" if bad == 1 else "sequences"
    return Decoded(text, codec, ({"type": "decode", "message":
                   f"{bad} invalid {codec} {what} replaced with U+FFFD (the first at byte {first})"},))


def _looks_binary(data: bytes) -> bool:
    """NULs in more than 1% of the first 8 KiB, or control bytes that text never
    holds in more than 5% (compressed and image data have about 10%)."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.count(0) > max(1, len(sample) // 100):
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    return controls > max(1, len(sample) // 20)

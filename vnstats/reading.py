"""Reading a document's bytes and decoding them, with errors a batch can report.

UTF-8 (with or without BOM) and UTF-16/32 with BOM are read directly; anything
else is handed to charset-normalizer, which knows legacy Vietnamese code pages
such as Windows-1258. Binary files are refused rather than decoded into noise,
and so are files over the size limit, before a byte of them is read.
"""
from __future__ import annotations

import codecs
import errno
import os
from typing import BinaryIO

DEFAULT_MAX_BYTES = 20 * 1000 * 1000

# Control bytes that plain text may hold: backspace, tab, newlines, form feed, ESC, DOS EOF.
_TEXT_CONTROLS = b"\b\t\n\v\f\r\x1a\x1b"
_CONTROLS = bytes(b for b in range(32) if b not in _TEXT_CONTROLS)


class InputError(Exception):
    """A document that cannot be read; ``type`` goes into the output's error object:
    ``unreadable``, ``too_large``, ``binary`` or ``decode``."""

    def __init__(self, type: str, message: str):
        self.type, self.message = type, message
        super().__init__(message)

    def to_dict(self) -> dict:
        return {"type": self.type, "message": self.message}


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """``(text, encoding)`` of the file at ``path``, or ``InputError``.

    ``max_bytes`` of 0 means no limit. A FIFO (``<(command)``) is read like a file.
    """
    try:
        if os.path.isdir(path):
            raise InputError("unreadable", "is a directory")
        size = os.path.getsize(path)
        check_size(size, max_bytes)
        with open(path, "rb") as f:
            data = read_limited(f, max_bytes)
    except OSError as e:
        raise os_error(e, path) from None
    return decode(data)


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
    return InputError("unreadable", (e.strerror or str(e)).lower())


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding into text, naming the encoding used."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                      (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[len(bom):], name), name.rsplit("-", 1)[0]
    if _looks_binary(data):
        raise InputError("binary", "binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    if best is None:
        raise InputError("decode", "not text in any known encoding")
    return str(best), best.encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError("decode", f"invalid {encoding} at byte {e.start}") from None


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

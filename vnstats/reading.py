"""Reading a document's bytes and decoding them, with errors a batch can report.

UTF-8 (with or without BOM) and UTF-16 with BOM are read directly; anything
else is handed to charset-normalizer, which knows legacy Vietnamese code pages
such as Windows-1258. Binary files are refused rather than decoded into noise.
"""
from __future__ import annotations

import codecs
import os

DEFAULT_MAX_BYTES = 20 * 1000 * 1000


class InputError(Exception):
    """A document that cannot be read; ``type`` goes into the output's error object."""

    def __init__(self, type: str, message: str):
        self.type, self.message = type, message
        super().__init__(message)


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """``(text, encoding)`` of the file at ``path``, or ``InputError``."""
    try:
        if os.path.isdir(path):
            raise InputError("unreadable", "is a directory")
        size = os.path.getsize(path)
        if max_bytes and size > max_bytes:
            raise InputError("too_large", f"{size} bytes, over the limit of {max_bytes}")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1 if max_bytes else -1)
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError("unreadable", "no such file") from None
    except OSError as e:
        raise InputError("unreadable", e.strerror or str(e)) from None
    if max_bytes and len(data) > max_bytes:
        raise InputError("too_large", f"over the limit of {max_bytes} bytes")
    return decode(data)


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
    sample = data[:8192]
    return bool(sample) and sample.count(0) > max(1, len(sample) // 100)

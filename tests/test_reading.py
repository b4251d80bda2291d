"""Reading and decoding one document: encodings, binary data, sizes, and the
error each unreadable path gives."""
from __future__ import annotations

import codecs
import io
import os
import unicodedata

import pytest

from vnstats.reading import InputError, decode, decode_bytes, read_document, read_limited

TEXT = "Năm 2017, thị xã tổ chức 148 buổi đối thoại với hơn 3.000 lượt người dân tham gia."
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """``text`` as Windows-1258 writes Vietnamese: letters with their vowel marks
    precomposed, tone marks as combining characters after them."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
])
def test_unicode_encodings_decode_to_the_same_text(data, encoding):
    assert decode(data) == (TEXT, encoding)


def test_windows_1258_is_detected():
    text, encoding = decode(cp1258(TEXT * 3))
    assert encoding == "cp1258"
    assert unicodedata.normalize("NFC", text) == TEXT * 3


def test_empty_file_is_text_without_figures():
    assert decode(b"") == ("", "utf-8")


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02\x03" * 1000,                                  # NUL-heavy
    TEXT.encode("utf-16-le"),                                     # UTF-16 without its BOM
    bytes(range(256)) * 20,                                       # every byte: compressed, images
])
def test_binary_data_is_refused(data):
    with pytest.raises(InputError) as e:
        decode(data)
    assert e.value.type == "binary"


def test_a_few_bad_bytes_are_replaced_and_reported():
    broken = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")[:-1] + b"\x00\xd8"
    decoded = decode_bytes(broken)
    assert decoded.text == TEXT + "\ufffd" and decoded.encoding == "utf-16"   # a lone byte at the end
    assert [w["type"] for w in decoded.warnings] == ["decode"]
    assert "1 invalid utf-16-le sequence" in decoded.warnings[0]["message"]
    data = (TEXT * 3).encode("utf-8")
    a, b = data.index(b" ", 40), data.index(b" ", 80)          # between characters
    damaged = data[:a] + b"\xff" + data[a:b] + b"\xc3" + data[b:]
    decoded = decode_bytes(damaged)
    assert decoded.encoding == "utf-8"
    assert decoded.text == data[:a].decode() + "\ufffd" + data[a:b].decode() + "\ufffd" + data[b:].decode()
    assert f"2 invalid utf-8 sequences replaced with U+FFFD (the first at byte {a})" in decoded.warnings[0]["message"]
    assert decode_bytes(data).warnings == ()


def test_mostly_undecodable_text_is_a_decode_error():
    with pytest.raises(InputError) as e:
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8" * 40 + "ok".encode("utf-16-le"))
    assert e.value.type == "decode"
    assert "mostly undecodable" in e.value.message


def test_a_fifo_or_device_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)                       # no writer: opening it to wait would block forever
    for path, what in ((fifo, "a FIFO"), ("/dev/null", "a character device")):
        with pytest.raises(InputError) as e:
            read_document(str(path))
        assert (e.value.type, e.value.message) == ("unreadable", f"not a regular file ({what})")


def test_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    with pytest.raises(InputError) as e:
        read_document(str(big), max_bytes=100)
    assert (e.value.type, e.value.message) == ("too_large", "101 bytes, over the limit of 100")
    assert read_document(str(big), max_bytes=0) == ("x" * 101, "utf-8")     # 0: no limit


def test_size_limit_of_a_stream():
    assert read_limited(io.BytesIO(b"x" * 100), 100) == b"x" * 100
    with pytest.raises(InputError) as e:
        read_limited(io.BytesIO(b"x" * 101), 100)
    assert e.value.type == "too_large"


def test_each_unreadable_path_says_why(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    os.symlink("missing.txt", tmp_path / "dangling.txt")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    expected = {
        "missing.txt": "no such file",
        "dangling.txt": "dangling symbolic link",
        "loop.txt": "symbolic link loop",
        ".": "is a directory",
        "good.txt/inside.txt": "not a directory",     # a parent that is a file: even root cannot
    }
    for name, message in expected.items():
        with pytest.raises(InputError) as e:
            read_document(str(tmp_path / name))
        assert (e.value.type, e.value.message) == ("unreadable", message), name
    assert read_document(str(good)) == (TEXT, "utf-8")

"""Odd text never breaks the extractor: no exception, exact spans that keep
characters whole, the same figures in NFC and NFD, values written as JSON numbers.

Hypothesis samples a few hundred inputs here; ``bench/fuzz.py`` runs the same
checks over 100,000 and more.
"""
from __future__ import annotations

import json
import unicodedata
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from vnstats.document import Document
from vnstats.writers import to_json

PIECES = ["Có ", "148", " buổi đối thoại", "3.500", " tỷ đồng", "12,5", "%", " phần trăm", "11/19",
          " xã, phường", "gấp ", "3 lần", "-", "–", " đến ", "ngày 3/3/2017", "2020-2025", " năm ",
          "hai mươi lăm", " người", "nghìn tỷ ", "1.1.1.1", "9" * 50, ". ", "\n", "\u00a0",
          "\u0300", "\u0301", "\u031b", "\u0323", "\u1112\u1161\u11ab", "ha", "km", "\x00", "\ufffd",
          "hoà", "thuỷ", "Chủ tịch", "USD", "/kg", "(", ")", ";"]
CHARS = st.characters(blacklist_categories=("Cs",))
TEXTS = st.lists(st.one_of(st.sampled_from(PIECES), st.text(CHARS, max_size=3)), max_size=40).map("".join)


def _is_mark(ch: str) -> bool:
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch)[0] == "M"


def _checked(extractor, text: str) -> list:
    figures = extractor.extract(text)
    for f in figures:
        assert text[f.start:f.end] == f.text
        assert not (f.end < len(text) and _is_mark(text[f.end])), (text, f)
        assert not (0 < f.start < len(text) and _is_mark(text[f.start])), (text, f)
    doc = json.loads(to_json(Document("x", figures, "utf-8").to_dict()), parse_int=Decimal,
                     parse_float=Decimal)
    assert all(isinstance(f["value"], Decimal) for f in doc["figures"])
    return figures


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(text=TEXTS)
def test_odd_text_keeps_every_promise(extractor, text):
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    _checked(extractor, text)
    a, b = _checked(extractor, nfc), _checked(extractor, nfd)
    assert [(f.kind, f.value, f.upper, f.unit, f.noun, f.rule) for f in a] == \
           [(g.kind, g.value, g.upper, g.unit, g.noun, g.rule) for g in b]
    for f, g in zip(a, b):
        assert unicodedata.normalize("NFC", nfd[:g.start]) == nfc[:f.start]
        assert unicodedata.normalize("NFC", nfd[:g.end]) == nfc[:f.end]

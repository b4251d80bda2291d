"""Offsets are sacred: input[start:end] == text for every figure of real articles."""
from __future__ import annotations

import unicodedata


def test_spans_exact_on_dev_articles(extractor, dev_articles):
    total = 0
    for path in dev_articles:
        text = path.read_text(encoding="utf-8")
        for fig in extractor.extract(text):
            assert text[fig.start:fig.end] == fig.text, (path.name, fig)
            assert fig.sentence and fig.sentence in text
            total += 1
    assert total > 1000


def test_nfd_input_keeps_offsets_into_the_input(extractor):
    nfc = "Thị xã Thuỷ Nguyên đã tổ chức 148 buổi đối thoại, đạt 100% kế hoạch."
    nfd = unicodedata.normalize("NFD", nfc)
    a, b = extractor.extract(nfc), extractor.extract(nfd)
    assert [(f.kind, f.value) for f in a] == [(f.kind, f.value) for f in b] == [
        ("count", 148), ("percent", 100)]
    for fig in b:
        assert nfd[fig.start:fig.end] == fig.text
        assert unicodedata.normalize("NFC", fig.text) in nfc

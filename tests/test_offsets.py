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


def test_the_quick_look_for_old_tone_placement_misses_none(extractor):
    """Texts without an old tone placement skip the respelling after a quick
    look with re; that look finds every one the respelling finds, whatever
    follows it: a space, a digit, ², ½, a combining mark, a Greek letter."""
    normalizer = extractor.rules.normalizer
    after = ["", " ", ",", "5", "²", "½", "\u0301", "α", "n", "Ň", "_"]
    respelt = 0
    for old in normalizer._pairs:
        for before in ("h", "q", "Q", "", " "):
            for tail in after:
                text = f"Xã {before}{old}{tail} có"
                full = normalizer._respell.sub(lambda m: normalizer._pairs[m.group()], text)
                assert normalizer._swap_tones(text) == full, text
                respelt += full != text
    assert respelt > 100
    assert normalizer._swap_tones("Thuỷ lợi hoà bình") == "Thủy lợi hòa bình"

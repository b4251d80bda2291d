"""underthesea's word segmenter and sentence splitter, loaded without the rest
of underthesea (vnstats.underthesea_parts), give what underthesea gives."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vnstats.underthesea_parts import WordSegmenter, load_sentence_splitter

underthesea = pytest.importorskip("underthesea")

TRICKY = ["ð Ð abc", "H&M 3x4 e-mail v.v. -> ==>", "a\u0301b cd", "Tp. Hồ Chí Minh", "N’Thôn Hạ",
          ":)) =)) <3 ♥‿♥", "43H-0530 NĐ-CP 02/05/2014 10:20:50", "https://vnexpress.net/a-b",
          "buổi đối thoại với doanh nghiệp", "người dân tộc thiểu số", "  hộ nghèo  "]


def _stretches(articles):
    out = list(TRICKY)
    for article in articles:
        text = article.read_text(encoding="utf-8")
        out += [text[i:i + 60] for i in range(0, len(text), 97)]
    return [s for s in out if s.strip()]


def test_words_are_underthesea_word_tokenize(dev_articles):
    stretches = _stretches(dev_articles)
    expected = [underthesea.word_tokenize(s, use_token_normalize=False) for s in stretches]
    assert WordSegmenter().words(stretches) == expected


def test_sentences_are_underthesea_sent_tokenize(dev_articles):
    split = load_sentence_splitter()
    for article in dev_articles:
        for paragraph in article.read_text(encoding="utf-8").split("\n"):
            assert split(paragraph) == underthesea.sent_tokenize(paragraph)


_PIECES = list("ab A.?!…1 \t\n\r") + ["Tp", "v.v", "TS", "3.5", "...", "e.g"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
@settings(max_examples=400, deadline=None)
def test_sentences_match_underthesea_on_any_punctuation(text):
    assert load_sentence_splitter()(text) == underthesea.sent_tokenize(text)

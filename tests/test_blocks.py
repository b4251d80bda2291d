"""Blocks written for speed match as their plain forms do.

Dictionaries compile to tries and ``{number}`` reads its first part once before
trying scale words; both must find what the plain forms (a longest-first
alternation; the scaled parts tried before a bare number) find, in a rule too,
where a failing rest makes the engine go back into them.
"""
from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from vnstats.rules import _dictionary_regex, single_line


def _alternation(words: list[str]) -> str:
    """The plain form of a dictionary: its words longest first, any run of spaces between parts."""
    return "(?i:" + "|".join(r"\s+".join(regex.escape(p) for p in w.split())
                             for w in sorted(words, key=len, reverse=True)) + ")"

FLAGS = regex.IGNORECASE | regex.MULTILINE

WORDS = ["đô la", "đô la Mỹ", "đôla", "đô-la", "USD", "usd", "US$", "đ", "đồng", "đồng Việt Nam",
         "VNĐ", "yên", "yên Nhật", "ha", "hải lý", "m", "m2", "m3", "km", "km2", "kg", "tấn"]
CONTEXTS = [r"\d+\s*(?P<w>{d})(?![^\W\d_])", r"(?P<w>{d})\s*/", r"(?<![^\W\d_])(?P<w>{d})\s+\d",
            r"(?P<w>{d})(?:\s+(?P<x>{d}))?"]

# The long form of {number} that its comment in numbers.yaml gives.
LONG_NUMBER = (r"(?:{sign})?(?:{scaled_part}"
               r"(?:(?<=tr|k)\d(?![\d.,])|{scale_digit})?"
               r"(?:\s+{scaled_part})*(?:\s+(?:linh\s+|lẻ\s+)?(?:{word_hundreds}|{word_tens})"
               r"|\s+(?:linh|lẻ)\s+{word_digit}(?![^\W\d_]))?(?:{word_decimals})?"
               r"|{digit_decimal}|{word_small})")
AFTER_NUMBER = [r"", r"\s*%", r"\s*[-–]\s*\d+", r"\s*,\s*(?P<n2>{number})\s*%", r"\s+(?:người|hộ)",
                r"\s+lần", r"(?:\s*triệu)?\s*đồng"]

_texts = st.lists(st.sampled_from(WORDS + ["", " ", "  ", "5", "12", "/", ",", "a", "Mỹ", "la"]),
                  max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_texts, st.sampled_from(CONTEXTS))
def test_a_dictionary_trie_matches_as_its_longest_first_alternation(text, context):
    trie = regex.compile(context.format(d=_dictionary_regex(WORDS)), FLAGS)
    plain = regex.compile(context.format(d=_alternation(WORDS)), FLAGS)
    assert [(m.span(), m.groupdict()) for m in trie.finditer(text)] == \
        [(m.span(), m.groupdict()) for m in plain.finditer(text)]


def test_the_trie_is_a_trie_and_ignores_case():
    pattern = regex.compile(_dictionary_regex(["đô la", "đô la Mỹ", "đôla"]), FLAGS)
    assert pattern.pattern == r"(?i:đô(?:\s+la(?:\s+mỹ)?|la))"
    assert [m.group() for m in pattern.finditer("ĐÔ LA Mỹ, đôla, đô  la")] == ["ĐÔ LA Mỹ", "đôla", "đô  la"]
    assert _dictionary_regex([]) == "(?!)"


def test_number_reads_as_its_long_form(extractor, dev_articles):
    rules = extractor.rules
    texts = [rules.normalizer.normalize(a.read_text(encoding="utf-8"))[0] for a in dev_articles]
    texts += [e.text for e in rules.all_examples()]
    texts.append("2 tỷ 500 triệu, hai nghìn không trăm mười, 1 triệu rưỡi, nửa triệu, âm 3,5 tỷ, "
                 "một trăm linh năm, 10-15 triệu đồng, 30,5 và 70%, ba mươi lăm người, tỷ lệ 2 tỷ lệ")
    for after in AFTER_NUMBER:
        short = regex.compile(rules.expand("(?P<n>{number})" + after), FLAGS)
        long = regex.compile(rules.expand("(?P<n>" + LONG_NUMBER + ")" + after), FLAGS)
        for text in texts:
            assert [(m.span(), m.groupdict()) for m in short.finditer(text)] == \
                [(m.span(), m.groupdict()) for m in long.finditer(text)], (after, text[:60])


def test_a_space_in_a_rule_is_no_line_break():
    """``\\s`` reads no line break, in a class that takes it or leaves it out:
    a figure never spans two lines."""
    pattern = regex.compile(single_line(r"điểm\s+[^\s,.]+\s+là\s+\d+"), FLAGS)
    assert pattern.fullmatch("điểm giữa-kỳ  là 8")
    assert not pattern.fullmatch("điểm\ngiữa-kỳ là 8")
    assert not pattern.fullmatch("điểm giữa\nkỳ là 8")        # not through [^\s,.] either
    assert regex.compile(single_line(r"[\s,]+"), FLAGS).fullmatch(" ,\t") and \
        not regex.compile(single_line(r"[\s,]+"), FLAGS).fullmatch(" \n")

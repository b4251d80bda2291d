"""The required strings of a rule: what lets the engine skip it where it cannot match."""
from pathlib import Path

import pytest

from vnstats.extractor import Extractor
from vnstats.literals import (EDGE, LiteralIndex, Scanner, first_chars, first_key, required,
                              required_before, required_on_line, starters, starts_at_word)

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


def test_required_reads_words_and_edges():
    assert required(r"\d+\s*(?:%|phần\s+trăm(?![^\W\d_]))") == {"%", "trăm" + EDGE}
    assert required(r"(?<![^\W\d_])gấp\s+\d+") == {EDGE + "gấp"}
    # an alternation requires what each side does; a side without a word, nothing
    assert required(r"\d+\s+(?:lần|lượt)") == {"lần", "lượt"}
    assert required(r"\d+(?:\s+lần)?") is None
    # a lookahead's words are not in the match, but after its start on its line
    assert required(r"\d+(?=\s+tỷ)") == {"tỷ"}
    assert required(r"(?<=tỷ\s)\d+") is None
    # ... but what a lookbehind reads stands before it, on its line if it reads no break
    assert required_before(r"(?<=(?:từ|đến)[ ]+)\d+") == {"từ", "đến"}
    assert required_before(r"(?<=điểm[^.\n]{0,9})\d+") == {"điểm"}
    assert required_before(r"(?<=điểm[^.]{0,9})\d+") is None
    # a Unicode property may be any character, a line break too
    assert required_before(r"(?<=gấp[^\p{L}]{0,3})\d+") is None
    assert required(r"\d+\s*(?-i:\p{Ll})lần") == {"lần"}
    # a letter alone is in every line: not worth looking for
    assert required(r"\d+\s*(?:m|g)") is None
    # one way with the word before its number, one with it after: on the line either way
    band = r"(?<=(?:IELTS|GPA)[ ]*)\d+|\d+(?=[ ]*IELTS)"
    assert required(band) is None and required_before(band) is None
    assert required_on_line(band) == {"ielts", "gpa"}
    assert required_on_line(r"(?<=IELTS\s*)\d+|\d+(?=[ ]*IELTS)") is None     # \s: a line break too


def test_first_chars():
    assert first_chars(r"(?<![\w.,])\d+\s*[x×]") == {"\\d"}
    assert first_chars(r"(?:từ\s+)?\d+") == {"t", "\\d"}
    assert first_chars(r"(?<=gấp\s)(?:\ue000|\ue001)\ue00f*") == {"\ue000", "\ue001"}
    assert first_chars(r"Ba|[0-9]") == {"b", "\\d"}
    assert first_chars(r"\w+") is None and first_chars(r"a?") is None
    assert first_chars(r"(?-i:\p{Ll})\d") is None and first_chars(r"[\p{Ll}0-9]") is None
    assert first_key("٣") == first_key("3") == "\\d"


def test_where_a_not_a_figure_rule_may_start():
    assert starts_at_word(r"(?<![^\W\d_])(?:ngày|tháng)\s+\d")
    assert starts_at_word(r"(?=x)(?:(?<![^\W\d_])a|(?<!(?-i:[^\W\d_]))b)")
    assert not starts_at_word(r"(?:abc)(?<![^\W\d_])x")
    assert not starts_at_word(r"(?:(?<![^\W\d_])a|b)")
    text = "Ngày 5, ngày 6 và tháng 7; bầu cử ngày 8"
    at = [m.start() for m in starters(frozenset("nt"), True).finditer(text.lower())]
    assert at == [0, 8, 18, 34]              # words that start with n or t, none inside one
    assert starters(frozenset("nt"), False) is None
    assert [m.start() for m in starters(frozenset({"\\d"}), False).finditer(text)] == [5, 13, 24, 39]


def test_index_finds_words_at_their_edges_only():
    scanner = Scanner(["tr" + EDGE, "triệu" + EDGE, "%"])
    text = "Trong năm, 2tr5 một tháng; 3 Triệu người; 40%"
    index = LiteralIndex(scanner, text)
    assert index.offsets(frozenset({"tr" + EDGE})) == [text.index("tr5")]
    assert index.offsets(frozenset({"triệu" + EDGE})) == [text.index("Triệu")]
    assert index.offsets(frozenset({"tr" + EDGE, "%"})) == [text.index("tr5"), text.index("%")]


def test_index_finds_strings_that_start_inside_others():
    scanner = Scanner(["nghìn", "ngh", "hìn", "ìn"])
    text = "2 nghìn người"
    index = LiteralIndex(scanner, text)
    assert index.offsets(frozenset({"ngh"})) == [2]
    assert index.offsets(frozenset({"nghìn"})) == [2]
    assert index.offsets(frozenset({"hìn"})) == [4]
    assert index.offsets(frozenset({"ìn"})) == [5]
    # no strings at all: nothing found, and the scan ends
    assert LiteralIndex(Scanner([]), text).offsets(frozenset({"ngh"})) == []


def test_every_match_holds_a_required_string(extractor, sample_reads):
    """On the rule files' examples and real articles, each match of each rule
    with required strings holds one of them: skipping a rule elsewhere loses nothing."""
    rules = [r for r in extractor.rules.rules + extractor.rules.exclusions if r.needs]
    assert len(rules) > 40
    scanner = Scanner(s for r in rules for s in r.needs)
    checked = 0
    for read in sample_reads:
        normalized = read.text
        index = LiteralIndex(scanner, normalized)
        for rule in rules:
            subject = read.marked if rule.marked else read.text
            offsets = index.offsets(rule.needs)
            for m in rule.compiled.finditer(subject):
                # where the engine looks: from the number (or its line's start,
                # for a lead's words) to the end of the line
                start, end = m.span()
                line_end = normalized.find("\n", start)
                stop = len(normalized) if line_end < 0 else line_end
                assert any(start <= o < stop for o in offsets), \
                    f"{rule.id} matched {normalized[start:end]!r} without any of {sorted(rule.needs)}"
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("what", ["before", "around"])
def test_every_match_has_what_it_requires_on_its_line(extractor, sample_reads, what):
    """A rule is tried only at numbers with one of its ``before`` strings
    before them on their line (the words its lead reads), or one of its
    ``around`` strings anywhere on it (a rule of two ways: IELTS 6.5, 6.5
    IELTS): each of its matches, on the examples and real articles, has one."""
    rules = [r for r in extractor.rules.rules if getattr(r, what)]
    assert len(rules) > 10 if what == "before" else \
        {r.id for r in rules} >= {"quantity.band", "quantity.score_parts"}
    scanner = Scanner(s for r in rules for s in getattr(r, what))
    checked = 0
    for read in sample_reads:
        normalized = read.text
        index = LiteralIndex(scanner, normalized)
        for rule in rules:
            subject = read.marked if rule.marked else read.text
            offsets = index.offsets(getattr(rule, what))
            for m in rule.compiled.finditer(subject):
                line_start = normalized.rfind("\n", 0, m.start()) + 1
                line_end = normalized.find("\n", m.start())
                stop = m.start() if what == "before" else len(normalized) if line_end < 0 else line_end
                assert any(line_start <= o < stop for o in offsets), (rule.id, m.group())
                checked += 1
    assert checked > (50 if what == "before" else 5)


def test_every_match_starts_with_a_first_character(extractor, sample_reads):
    """Each match of a rule tried at numbers starts with one of its first characters."""
    rules = [r for r in extractor.rules.rules if r.first]
    assert len(rules) > 40
    checked = 0
    for read in sample_reads:
        for rule in rules:
            subject = read.marked if rule.marked else read.text
            for m in rule.compiled.finditer(subject):
                assert first_key(subject[m.start()]) in rule.first, (rule.id, m.group())
                checked += 1
    assert checked > 1000


def test_the_prefilter_changes_no_figure(monkeypatch, extractor, sample_texts):
    """The figures of real articles and of every rule example are the same
    with the prefilter as when every rule is tried at every number."""
    import vnstats.rules as rules_module
    monkeypatch.setenv("VNSTATS_CACHE_DIR", "off")
    for name in ("required", "required_before", "required_on_line", "first_chars"):
        monkeypatch.setattr(rules_module, name, lambda pattern, *rest: None)
    monkeypatch.setattr(rules_module, "follow", lambda pattern, marked: None)
    monkeypatch.setattr(rules_module, "openers", lambda pattern, first, at_word: None)
    plain = Extractor()
    assert not plain.finder.starters and extractor.finder.starters
    assert not any(r.needs or r.first or r.before or r.around or r.follow for r in plain.rules.rules)
    assert sum(1 for r in extractor.rules.rules if r.follow) > 40
    texts = list(sample_texts)
    if DEV.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.txt"))[20:40]]
    compared = 0
    for text in texts:
        expected = [f.to_dict() for f in plain.extract(text)]
        assert [f.to_dict() for f in extractor.extract(text)] == expected
        compared += len(expected)
    assert compared > 500

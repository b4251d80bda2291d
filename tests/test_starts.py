"""Rules are tried only where one of their matches can start (vnstats.starts):
the leads read off a pattern, and the same matches as scanning the whole text."""
from __future__ import annotations

import regex
import pytest

from vnstats.candidates import CandidateFinder
from vnstats.rules import single_line
from vnstats.starts import FLAGS, StartIndex, finditer_at, gates, leads


def _sources(pattern):
    found = leads(pattern)
    return None if found is None else sorted(lead.source for lead in found)


@pytest.mark.parametrize("pattern, expected", [
    (r"(?<![\w.,/])\d+(?:[.,]\d+)*", [r"\d"]),
    (r"(?:từ\s+)?(?P<num>\d+)", [r"\d", "từ"]),
    (r"gấp\s+(?:hơn\s+)?\d+\s*lần", ["gấp"]),
    (r"(?:một|hai|ba)\s+người", ["ba", "hai", "một"]),
    (r"(?-i:[A-Z]+)\d", ["(?-i:[A-Z])"]),
    (r"(?-i:QL)\s*\d+|quốc lộ \d+", ["(?-i:QL)", r"quốc\ lộ\ "]),
    (r"a{1,3}b", ["a"]),                       # not "ab": a may repeat
    (r"(?=\d)(?:\d+|x)", [r"\d", "x"]),       # lookarounds are skipped
])
def test_leads(pattern, expected):
    assert _sources(pattern) == expected


@pytest.mark.parametrize("pattern", [
    r"\d*",                  # can match the empty string
    r"(a)\1",                # a back-reference
    r"\Gabc",                # \G differs between a search and a match at a place
    r"(?x) a b",             # a flag that changes how the pattern reads
    r"(?(1)a|b)",            # a conditional
])
def test_unreadable_patterns_have_no_leads(pattern):
    assert leads(pattern) is None


def test_optional_characters_before_a_lead_are_walked_back():
    pattern = regex.compile(r"(?<=[(,])\s*(?:19|20)\d\d", FLAGS)
    assert sorted(lead.text for lead in leads(pattern.pattern)) == ["19", "20"]
    assert all(lead.behind for lead in leads(pattern.pattern))   # or on spaces before them
    text = "năm (  2017), 1990 và (2018)"
    places = StartIndex([pattern]).starts(text)[0]
    assert [m.span() for m in finditer_at(pattern, text, places, 1.0)] == \
        [m.span() for m in pattern.finditer(text)]


def _every_rule_and_text(extractor, dev_articles):
    """All rules, an index of them, and the normalised dev articles and rule examples."""
    rules = extractor.rules.exclusions + extractor.rules.rules
    texts = [a.read_text(encoding="utf-8") for a in dev_articles]
    texts += [ex.text for rule in rules for ex in rule.examples]
    return (rules, StartIndex([rule.compiled for rule in rules]),
            [extractor.rules.normalizer.normalize(text)[0] for text in texts])


def test_same_matches_as_a_whole_scan(extractor, dev_articles):
    rules, index, texts = _every_rule_and_text(extractor, dev_articles)
    for text in texts:
        places = index.starts(text)
        for i, rule in enumerate(rules):
            whole = [(m.span(), m.groupdict()) for m in rule.compiled.finditer(text)]
            if index.leads[i] is not None:
                found = [(m.span(), m.groupdict()) for m in finditer_at(rule.compiled, text, places[i], 5.0)]
                assert found == whole, (rule.id, text[:80])


def test_extraction_is_the_same_either_way(extractor, dev_articles):
    whole = CandidateFinder(extractor.rules, extractor.numbers, whole=True)
    for article in dev_articles:
        text = extractor.rules.normalizer.normalize(article.read_text(encoding="utf-8"))[0]
        a, b = [], []
        excluded_a = extractor.finder.exclusions(text, a)
        excluded_b = whole.exclusions(text, b)
        assert excluded_a == excluded_b
        cores = [c.core for c in whole.candidates(text, b)]
        assert extractor.finder.exclusions(text, a, cores) == [
            (s, e) for s, e in excluded_b if any(x < e and s < y for x, y in cores)]
        assert [(c.rule.id, c.start, c.end, c.value) for c in extractor.finder.candidates(text, a)] == \
            [(c.rule.id, c.start, c.end, c.value) for c in whole.candidates(text, b)]


def test_every_pattern_of_an_index_gets_its_own_matches_and_time_limit():
    patterns = [regex.compile(p, FLAGS) for p in (r"(?P<num>\d+)\s*\S", r"(\d+)\s+(?P<noun>[^\W\d_]+)",
                                                  r"\d+(?:,\d+)?\s*[^\W\d_]")]
    text = "Có 12 người, 3,5 tỷ đồng và 40 % số 7 người."
    assert [[(m.span(), m.groupdict()) for m in found] for found in StartIndex(patterns).finditer_all(text, 1.0)] \
        == [[(m.span(), m.groupdict()) for m in p.finditer(text)] for p in patterns]
    slow, fine = regex.compile(r"(?:a+)+$", FLAGS), regex.compile(r"a\d", FLAGS)
    found = StartIndex([slow, fine]).finditer_all("a1 " + "a" * 5000 + "b", 0.2)
    assert isinstance(found[0], TimeoutError)
    assert [m.group() for m in found[1]] == ["a1"]


def test_lookarounds_before_a_lead_guard_it():
    (lead,) = leads(r"(?<![\w.,/])\d+")
    assert lead.guards == (r"(?<![\w.,/])",)
    pattern = regex.compile(r"(?<![\w.,/])\d+\s*%", FLAGS)
    text = "tăng 2017% và 12,5 %, x3 %"
    index = StartIndex([pattern])
    assert index.starts(text)[0] == [5, 14]          # not inside 2017, 12,5 or x3
    found = {lead.source: lead.guards for lead in leads(r"(?:(?<!x)a)?\d")}
    assert found == {"a": ("(?<!x)",), r"\d": ()}      # the guard of a part that may be skipped


def test_the_fast_scanner_finds_what_regex_finds():
    """The scanner may run on the standard library's re, which knows fewer digits
    than regex (a Garay digit here): it must still find every place."""
    pattern = regex.compile(r"\d+\s*%", FLAGS)
    text = "tăng \U00010D41\U00010D42 % và 5%"
    index = StartIndex([pattern])
    assert [m.span() for m in index.finditer_all(text, 1.0)[0]] == [m.span() for m in pattern.finditer(text)]
    assert len(index.finditer_all(text, 1.0)[0]) == 2


def test_a_rule_is_not_tried_where_a_text_it_needs_is_missing():
    percent = regex.compile(single_line(r"(?<![\w.,/])\d+(?:,\d+)?\s*(?:%|phần\s+trăm)"), FLAGS)
    clauses, barriers = gates(percent.pattern)
    assert clauses == (frozenset({("%", True), ("phần", True)}),)
    assert "\n" in barriers
    text = "Có 12 người.\nTăng 5 %, giảm 3 phần trăm và 7 người.\n40 xã"
    index = StartIndex([percent])
    assert [m.group() for m in index.finditer_all(text, 1.0)[0]] == ["5 %", "3 phần trăm"]
    # a pattern that may run over a line break looks for its text to the end
    across = regex.compile(r"\d+\W+%", FLAGS)
    assert "\n" not in gates(across.pattern)[1]
    assert [m.group() for m in StartIndex([across]).finditer_all("5\n%", 1.0)[0]] == ["5\n%"]


def test_a_rule_is_tried_only_before_what_it_cannot_run_over(monkeypatch):
    """A match of "5 %" cannot hold a semicolon, a bracket or a full stop before
    a space, so a "%" after one of those does not make "12" worth trying; a
    full stop between digits (3.500) bounds nothing."""
    percent = regex.compile(r"(?<![\w.,/])\d+(?:[.,]\d+)*\s*%", FLAGS)
    _, barriers = gates(percent.pattern)
    assert {";", "(", "“", "."} <= set(barriers)
    tried = []

    def spy(pattern, text, places, timeout):
        tried.extend(places)
        return finditer_at(pattern, text, places, timeout)

    monkeypatch.setattr("vnstats.starts.finditer_at", spy)
    text = "Có 12 người. Tăng 3.500 %; 40 xã (tăng 7 %) và 9 hộ: 2%"
    found = StartIndex([percent]).finditer_all(text, 1.0)[0]
    assert [m.group() for m in found] == ["3.500 %", "7 %", "2%"]
    assert [text[p:p + 2] for p in tried] == ["3.", "7 ", "2%"]


@pytest.mark.parametrize("pattern, text", [
    (r"\d+[^%]*%", "Có 12 người. Tăng; 7%"),          # [^%] takes anything
    (r"\d+\.\s*%", "Có 12. %"),                        # a full stop, then maybe spaces
    (r"\d+\.\s%", "Có 12. %"),                         # a full stop, then a space
    (r"\d+(?:\.|,)?\s+(?:tăng\s+)?\d+\s*%", "Có 12. tăng 7%"),
    (r"\d+(?:[(:]\s*)?\d+\s*%", "Tỷ lệ 12 (7 %) và 3: 4%"),
])
def test_a_rule_that_may_run_over_a_barrier_finds_what_a_whole_scan_finds(pattern, text):
    compiled = regex.compile(pattern, FLAGS)
    found = StartIndex([compiled]).finditer_all(text, 1.0)[0]
    assert [m.span() for m in found] == [m.span() for m in compiled.finditer(text)]
    assert found


def test_gated_rules_find_what_a_whole_scan_finds(extractor, dev_articles):
    rules, index, texts = _every_rule_and_text(extractor, dev_articles)
    for text in texts:
        for rule, found in zip(rules, index.finditer_all(text, 5.0)):
            if found is not None:
                assert [m.span() for m in found] == [m.span() for m in rule.compiled.finditer(text)], \
                    (rule.id, text[:80])


def test_matches_near_spans_are_those_of_the_whole_scan_that_overlap_them(extractor, dev_articles):
    """Not-a-figure rules are tried only where a candidate's number stands:
    what they find there is what a whole scan finds overlapping those numbers."""
    rules, index, texts = _every_rule_and_text(extractor, dev_articles)
    for text in texts:
        cores = tuple(sorted({c.core for c in extractor.finder.candidates(text, [])}))
        scan = index.scan(text)
        for i, rule in enumerate(rules):
            found = scan.matches(i, 5.0, cores)
            if found is not None:
                whole = [m.span() for m in rule.compiled.finditer(text)
                         if any(a < m.end() and m.start() < b for a, b in cores)]
                assert [m.span() for m in found] == whole, (rule.id, text[:80])


def test_a_match_near_a_span_depends_on_those_before_it_up_to_a_barrier():
    """finditer takes 1-2, so 2-3 is never a match, though it touches the 3;
    after a semicolon (which the pattern cannot run over) the scan starts anew."""
    pattern = regex.compile(r"\d-\d", FLAGS)
    text = "x 1-2-3 y; 2-3"
    scan = StartIndex([pattern]).scan(text)
    three, last_three = text.index("3"), text.rindex("3")
    assert [m.group() for m in scan.matches(0, 1.0, ((three, three + 1),))] == []
    assert [m.group() for m in scan.matches(0, 1.0, ((2, 3),))] == ["1-2"]
    assert [m.group() for m in scan.matches(0, 1.0, ((last_three, last_three + 1),))] == ["2-3"]
    assert scan.matches(0, 1.0, ()) == []


def test_words_that_start_a_word_are_found_after_what_regex_takes_for_no_letter():
    """The scanner looks for a guarded word only where a word starts; re takes
    "²" for a letter and regex does not, so a word right after it still counts."""
    pattern = regex.compile(r"(?<![^\W\d_])từ\s+\d+", FLAGS)
    text = "Diện tích 5m²từ 3 lô, tăng từ 4 lên 5, không phải Ttừ 6 hay lừ 7."
    index = StartIndex([pattern])
    assert [m.span() for m in index.finditer_all(text, 1.0)[0]] == [m.span() for m in pattern.finditer(text)]
    assert [m.group() for m in index.finditer_all(text, 1.0)[0]] == ["từ 3", "từ 4"]


def test_gates_are_found_in_lowercase_as_regex_finds_them_ignoring_case():
    """A gate's literal is looked for in the lowercased text; regex takes "ſ"
    for "s" and "İ" for "i", which lowercase otherwise: they must still count."""
    pattern = regex.compile(r"\d+\s*sao\s+\w+", FLAGS)
    index = StartIndex([pattern])
    assert index.gates[0] is not None
    for text in ("Khách sạn 4 SAO cũ, 5 ſao mới", "Có 3 Sao vàng và 2 sao xİn"):
        assert [m.span() for m in index.finditer_all(text, 1.0)[0]] == [m.span() for m in pattern.finditer(text)]
        assert len(index.finditer_all(text, 1.0)[0]) == 2


def test_a_letter_that_starts_a_word_in_one_rule_and_anywhere_in_another_is_looked_for_everywhere():
    patterns = [regex.compile(r"(?<![^\W\d_])năm\s+\d+", FLAGS), regex.compile(r"ngày\s+\d+", FLAGS)]
    text = "Văn bản NĐ-CPngày 14, năm 2004 và xnăm 5, ngày 6."
    found = StartIndex(patterns).finditer_all(text, 1.0)
    assert [[m.span() for m in f] for f in found] == [[m.span() for m in p.finditer(text)] for p in patterns]
    assert [m.group() for m in found[1]] == ["ngày 14", "ngày 6"]


def test_a_word_that_may_follow_capitals_is_found_glued_to_them_but_not_inside_a_word():
    patterns = [regex.compile(r"(?<!(?-i:\p{Ll}))ngày\s+\d+", FLAGS),
                regex.compile(r"(?<![^\W\d_])năm\s+\d+", FLAGS)]
    text = "Nghị định 204/NĐ-CPngày 14, xngày 15, Ngày 16, 5ngày 17 và CPnăm 18, năm 19."
    index = StartIndex(patterns)
    assert index.scanner.__class__.__module__ == "re"
    found = index.finditer_all(text, 1.0)
    assert [[m.span() for m in f] for f in found] == [[m.span() for m in p.finditer(text)] for p in patterns]
    assert [m.group() for m in found[0]] == ["ngày 14", "Ngày 16", "ngày 17"]
    assert [m.group() for m in found[1]] == ["năm 19"]


def test_a_lead_inside_another_leads_word_is_found():
    """The literal scan reads the longest lead at a place and goes on from the
    next character, so a lead that starts inside it still counts."""
    patterns = [regex.compile(p, FLAGS) for p in
                (r"bao nhiêu\s+\d+", r"nhiêu\s+\d+", r"(?<![^\W\d_])ba\s+\d+", r"(?-i:Điều)\s+\d+",
                 r"điều\s+\d+")]
    text = "Hỏi bao nhiêu 5 và nhiêu 6, ba 7, BAO NHIÊU 8, Điều 9, điều 10, ĐIỀU 11."
    index = StartIndex(patterns)
    assert index._split is not None
    found = index.finditer_all(text, 1.0)
    assert [[m.span() for m in f] for f in found] == [[m.span() for m in p.finditer(text)] for p in patterns]
    assert [m.group() for m in found[1]] == ["nhiêu 5", "nhiêu 6", "NHIÊU 8"]
    assert [m.group() for m in found[3]] == ["Điều 9"]


def test_the_quick_scan_finds_the_places_of_the_one_pass_scan(extractor, dev_articles):
    """The scan in parts (literals on the lowercased text, classes, case-sensitive
    literals) finds the very places the single case-insensitive scanner finds."""
    index = extractor.finder._index
    assert index._split is not None
    texts = [a.read_text(encoding="utf-8") for a in dev_articles]
    texts += [ex.text for rule in extractor.rules.exclusions + extractor.rules.rules for ex in rule.examples]
    texts += ["ſố 5 KM, 3 km², \U00010D41 người, Điều 4 ĐIỀU 5, COVID-19 và Covid 20"]
    split = index._split
    try:
        for text in texts:
            text = extractor.rules.normalizer.normalize(text)[0]
            lower = index._lower(text)
            assert lower
            index._split = split
            quick = index._places(text, lower)
            index._split = None
            assert quick == index._places(text, lower), text[:80]
    finally:
        index._split = split

"""Where a not-a-figure rule's match may start (``vnstats.openings``)."""

from vnstats.follow import DIGIT, LETTER
from vnstats.openings import opener, openers, openings


def test_the_strings_a_match_opens_with():
    assert openings(r"(?<![^\W\d_])(?:ngày|mùng)\s+\d+") == {"ngày", "mùng"}
    assert openings(r"(?<![\d.,])\d{1,2}\s*(?:h|giờ)") == {DIGIT}
    assert openings(r"(?:Quý|tháng)\s+\d") == {"quý", "thán"}
    assert openings(r"[A-Z]{2,}\d") is None           # a class of many letters says nothing
    assert openings(r"\w+") is None                   # any word character
    assert openings(r"\s*\d") is None                  # a space may open it
    assert openings(r"(?:năm|\p{L}+)") is None
    assert openings(r"(?:một|\d|1)") == {"một", DIGIT}


def test_the_opener_keeps_the_lookbehind_and_refuses_no_start():
    found = opener(r"(?<![\d.,])\d{2}[A-Z]")
    text = "xe 30A, 1.25B, 425C"
    assert [m.start() for m in found.finditer(text.casefold())] == [3, 8, 15]   # no digit, . or , before
    words = opener(r"(?<![^\W\d_])ngày\s+\d")
    # a letter before is looked for as a Latin letter only: ² is none to regex
    assert [m.start() for m in words.finditer("ngày 5, ²ngày 6, angày".casefold())] == [0, 9]
    assert opener(r"[^\W\d_]+\d") is not None and opener(r"\w\d") is None
    assert LETTER not in (openings(r"(?<!x)abc") or set())


def places(pattern, text):
    return [m.start() for m in pattern.finditer(text.casefold())]


def test_the_opener_says_what_follows_an_opening_number_or_word():
    """Each side of a pattern opens with its own strings, each followed as
    that side's follow set says: a side that may end at its number (a year)
    leaves the other's filter be."""
    found = opener(r"(?<!\d)\d+\s*%|(?<!\d)20\d\d(?!\d)")
    assert places(found, "15 người, 15 %, năm 2020") == [10, 20]
    # digits written out (a day, a month) open a run that what follows it tells
    days = opener(r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])(?:\s*(?:và|,)\s*\d+)+\s+tháng")
    assert places(days, "5 người, ngày 5 và 6 tháng 7") == [14]
    # ... and so do words
    assert places(opener(r"(?<![^\W\d_])ngày\s+\d"), "ngày mai, ngày 5") == [10]


def test_an_opener_from_the_first_characters():
    """A pattern that opens with a class of many letters (an acronym) is found
    by its first characters, and checked there for what follows its first word."""
    pattern = r"(?<![^\W\d_])(?-i:[A-ZĐ]{2,6})\s+\d+"
    assert openings(pattern) is None
    scan, check = openers(pattern, frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ".lower()), True)
    import re
    text = "Theo VN 2020, nhà A là"
    assert places(re.compile(scan), text) == [0, 5, 14, 18, 20]      # every word
    assert [p for p in places(re.compile(scan), text) if re.compile(check).match(text.casefold(), p)] == [5]


def test_every_match_starts_where_its_opener_finds_a_place(extractor, sample_reads):
    """On the rule files' examples and real articles, each match of each
    not-a-figure rule starts at a place its opener finds in the folded text."""
    rules = [r for r in extractor.rules.exclusions if r.id in extractor.finder.starters]
    assert len(rules) > 40 and len(extractor.finder.checks) > 20
    checked = 0
    for read in sample_reads:
        normalized = read.text
        folded = normalized.casefold()
        assert len(folded) == len(normalized)
        for rule in rules:
            places = {m.start() for m in extractor.finder.starters[rule.id].finditer(folded)}
            check = extractor.finder.checks.get(rule.id)
            for m in rule.compiled.finditer(normalized):
                assert m.start() in places, (rule.id, m.group())
                line_end = normalized.find("\n", m.start())
                line_end = len(normalized) if line_end < 0 else line_end
                assert check is None or check.match(folded, m.start(), line_end), (rule.id, m.group())
                checked += 1
    assert checked > 500

"""The number reader: every number found once, with its value, and the marked
text the rules read (same length, each number one mark of its class)."""
from __future__ import annotations

from click.testing import CliRunner

from vnstats import Extractor
from vnstats.cli import main
from vnstats.reader import OPEN, PAD, PLAIN, SCALED, YEAR


def _read(extractor, text):
    return extractor.reader.read(extractor.rules.normalizer.normalize(text)[0])


def test_marks_keep_every_offset_and_say_the_class(extractor):
    text = "Năm 2017 thu 3,5 triệu đồng từ 148 hộ, hai mươi lăm người, trong mười năm."
    read = _read(extractor, text)
    assert len(read.marked) == len(text)
    got = {text[s:e]: int(read.values[s, e].value) for s, e in read.spans}
    assert got == {"Năm": 5, "2017": 2017, "3,5 triệu": 3500000, "148": 148,
                   "hai mươi lăm": 25, "mười năm": 15}
    at = {text[s:e]: read.marked[s:e] for s, e in read.spans}
    assert at["Năm"] == "Năm"                                  # one word: left as written
    assert at["2017"] == YEAR + PAD * 3
    assert at["3,5 triệu"] == SCALED + PAD * 8
    assert at["148"] == PLAIN + PAD * 2
    assert at["hai mươi lăm"] == OPEN + PAD * 7 + " lăm"       # hai mươi | lăm, as a rule may want
    assert at["mười năm"] == OPEN + PAD * 3 + " năm"           # its last word left open
    outside = [i for i, ch in enumerate(read.marked) if not any(s <= i < e for s, e in read.spans)]
    assert all(read.marked[i] == text[i] for i in outside)


def test_a_minus_sign_stays_before_its_mark(extractor):
    read = _read(extractor, "Lãi -19,2%, khoảng 10-15%.")
    spans = {read.text[s:e]: float(read.values[s, e].value) for s, e in read.spans}
    assert spans == {"-19,2": -19.2, "10": 10, "15": 15}
    start = read.text.index("-19,2")
    assert read.marked[start] == "-" and float(read.values[start + 1, start + 5].value) == 19.2


def test_the_reader_finds_what_a_scan_of_the_number_grammar_finds(extractor, dev_articles):
    """It tries the grammar only where a number can start; the numbers are those
    of the grammar run over the whole text."""
    grammar = extractor.reader.grammar
    for article in dev_articles:
        text = extractor.rules.normalizer.normalize(article.read_text(encoding="utf-8"))[0]
        assert extractor.reader.read(text).spans == [m.span() for m in grammar.finditer(text)], article.name


def test_rules_tried_at_numbers_find_every_match_of_a_whole_scan(extractor, dev_articles):
    """A rule anchored on numbers, tried at the number starts only (those its
    first characters and required strings allow), finds what a scan of the
    whole marked text with the same pattern finds."""
    from vnstats.places import Places
    finder = extractor.finder
    rules = [r for r in extractor.rules.rules if r.anchored and r.marked]
    assert len(rules) > 20
    for article in dev_articles[:25]:
        read = _read(extractor, article.read_text(encoding="utf-8"))
        places = Places(read.text, read.marked, read.starts, read.ends, finder.index(read))
        for rule in rules:
            tried = places.select(rule.first, rule.needs, rule.before)
            at = [m.span() for m in finder._at(rule, read.marked, tried, [])]
            whole = [m.span() for m in rule.compiled.finditer(read.marked)]
            assert at == whole, (rule.id, article.name)


def test_ambiguous_words_stay_open_to_both_readings(extractor):
    def figures(text):
        return [(f.kind, f.value, f.text) for f in extractor.extract(text)]
    assert figures("Lớp có mười lăm học sinh.") == [("count", 15, "mười lăm học sinh")]
    assert figures("Trong mười năm liên tục, xã có năm người bị thương.") == \
        [("quantity", 10, "mười năm"), ("count", 5, "năm người bị thương")]


FIRST_FORMAT = """\
kind: count
rules:
  - id: count.old_style
    pattern: '(?<![\\d.,])(?P<num>\\d{1,2})\\s+(?P<noun>chú\\s+mèo)'
    examples:
      - text: "Nhà có 12 chú mèo."
        figures: [{value: 12, noun: chú mèo}]
"""


def test_a_first_format_rule_reading_digits_runs_on_the_text_with_a_warning(tmp_path):
    rules = tmp_path / "old.yaml"
    rules.write_text(FIRST_FORMAT, encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Nhà có 12 chú mèo và 3.500 con gà.", encoding="utf-8")
    extractor = Extractor(patterns=[rules])
    rule = next(r for r in extractor.rules.rules if r.id == "count.old_style")
    assert rule.whole and not rule.marked
    result = CliRunner().invoke(main, ["extract", "--patterns", str(rules), str(article)])
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "count.old_style" in line]
    assert len(warnings) == 1 and "reads digits themselves" in warnings[0] and f"{rules}:3" in warnings[0]
    assert '"rule": "count.old_style"' in result.stdout and '"value": 12' in result.stdout


def test_a_first_format_number_led_by_digits_is_read_on_the_marks(extractor, tmp_path):
    rules = tmp_path / "led.yaml"
    rules.write_text("kind: quantity\nrules:\n  - id: quantity.gia\n"
                     "    pattern: '(?P<num>(?=\\d)(?:{number}))\\s*(?P<unit>giạ)(?![^\\W_])'\n"
                     "    unit: giạ\n", encoding="utf-8")
    mine = Extractor(patterns=[rules])
    rule = next(r for r in mine.rules.rules if r.id == "quantity.gia")
    assert rule.marked and rule.anchored and not rule.whole
    found = [(f.value, f.rule) for f in mine.extract("Mỗi sào cho 3,5 giạ thóc, hai giạ ngô.")]
    assert (3.5, "quantity.gia") in found and (2, "quantity.gia") not in found    # digits only


def test_the_fast_scan_finds_every_place_a_number_may_start(extractor):
    """Where numbers may start is found over lower-case text with Python's own
    engine; it must find all the places the rules' own engine finds."""
    from pathlib import Path
    reader = extractor.reader
    texts = ["HAI MƯƠI người, Ba triệu, xhai, Ωhai, ½hai, 2tr5, -5, −3, năm2017",
             "Một Trăm Linh Năm; mười\u0301 (a stray mark) hai"]
    dev = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
    texts += [p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.txt"))[:30]]
    for text in texts:
        text = extractor.rules.normalizer.normalize(text)[0]
        exact = {m.start() for m in reader.leads.finditer(text)}
        fast = {m.start() for m in reader.fast_leads.finditer(text.lower())}
        assert exact <= fast

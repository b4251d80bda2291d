"""What may follow a rule's number: what lets the engine skip a rule at
numbers followed by something else (``vnstats.follow``)."""

from vnstats.follow import DIGIT, END, LETTER, after, follow

PLAIN, PAD = "\ue000", "\ue00f"


def strings(pattern, marked, start):
    found = follow(pattern, marked)
    return None if found is None or found[start] is None else set(found[start][0])


def test_the_words_after_a_number():
    percent = PLAIN + PAD + r"*+\s*(?:%|phần\s+trăm)"
    assert strings(percent, True, PLAIN) == {"%", "phần"}
    # a mark the pattern does not start with: the rule never matches there
    assert strings(percent, True, "\ue004") == set()
    money = r"\d+(?:[.,]\d+)*\s*(?:tỷ|triệu)\s+đồng"
    assert strings(money, False, DIGIT) == {"tỷ", "triệ"}
    # a number word's run is the word; its edge ends it
    assert strings(r"(?:hai|ba)(?![^\W\d_])\s*%", False, LETTER) == {"%"}
    # a lookahead says what comes; a line's end and a class of letters are kept as such
    assert strings(r"\d+(?=\s*[,;]|$)", False, DIGIT) == {",", ";", END}
    assert strings(r"\d+\s+[^\W\d_]", False, DIGIT) == {LETTER}
    assert strings(r"\d+\s*-\s*\d+", False, DIGIT) == {"-"}
    assert strings(r"\d+\s*x\s*\d", False, DIGIT) == {"x"}
    assert strings(r"\d+\s*\d", False, DIGIT) == {DIGIT}


def test_no_follow_set_where_anything_may_follow():
    assert strings(r"\d+", False, DIGIT) is None            # the match may end at its number
    assert strings(r"\d+\s*.", False, DIGIT) is None        # any character
    assert strings(r"(?<=gấp\s)\d+(?:\s+lần)?", False, DIGIT) is None
    # ... and none to be had at a number word, where it never matches
    assert strings(r"\d+", False, LETTER) == set()
    # a number word followed straight by letters may end inside its word
    assert strings(r"(?:hai|ba)k", False, LETTER) is None


def test_what_may_stand_straight_after_the_number():
    """A number read from a run of digits may end inside it only before what
    may follow it with no space between: thousands in groups after a space
    (``1 000``) say nothing of ``22`` in ``22 Indonesia``."""
    spaced = r"\d+(?:\s\d{3})*\s*(?:tỷ|triệu)"
    told = follow(spaced, False)[DIGIT]
    assert DIGIT in told[0] and DIGIT not in told[1]
    text = "hạng 22 Indonesia, 1 000 tỷ"
    assert not after(text, text.index("22"), False).allows(*told)
    assert after(text, text.index("1 000"), False).allows(*told)
    # a range with no space: the run's dash may follow the first number
    told = follow(r"\d+-\d+\s*người", False)[DIGIT]
    assert after("1-2 người", 0, False).allows(*told)


def test_a_sign_and_a_digit_start_apart():
    signed = r"(?:[-−](?=\d))?\d+\s*%"
    told = follow(signed, False)
    assert told[DIGIT][0] == {"%"} and "-" not in told[DIGIT][1]
    # read from its sign, the run's digits follow it straight
    assert DIGIT in told[""][1]
    assert after("-5 %", 0, False).kind == "" and after("5 %", 0, False).kind == DIGIT
    # a pattern whose number starts with a sign never matches at a digit
    assert strings(r"[-−]\d+\s*%", False, DIGIT) == set()


def test_what_follows_a_place():
    text = "Giá 3.500 tỷ đồng, 1-2 người\nvà 7"
    here = after(text, text.index("3.500"), False)
    assert here.text == "tỷ đ" and not here.end
    assert here.allows(frozenset({"tỷ"}), frozenset({"t"}))
    assert not here.allows(frozenset({"%"}), frozenset({"%"}))
    assert not here.allows(frozenset({"tỷ đồ"}), frozenset({"t"}))    # more than is read
    # a range read from its first number: the run's dash may follow it
    here = after(text, text.index("1-2"), False)
    assert here.allows(frozenset({"-"}), frozenset({"-"}))
    here = after(text, text.index("người"), False)
    assert here.kind == LETTER and here.end
    assert after(text, text.index(" "), False) is None


def test_every_match_at_a_number_is_followed_as_its_rule_says(extractor, sample_reads):
    """On the rule files' examples and real articles, each match of a rule
    that starts at a number has, after that number, one of its follow strings."""
    rules = [r for r in extractor.rules.rules if r.follow]
    assert len(rules) > 40
    checked = 0
    for read in sample_reads:
        for rule in rules:
            subject = read.marked if rule.marked else read.text
            places = set(read.starts if rule.marked else read.outer_leads)
            told = rule.follow
            for pos in places:
                m = rule.compiled.match(subject, pos)
                if m is None:
                    continue
                here = after(subject, pos, rule.marked)
                if here is None:
                    continue
                said = told.get(here.kind, False)
                assert said is not False, (rule.id, m.group())
                assert said is None or here.allows(*said), (rule.id, m.group(), here.text)
                checked += 1
    assert checked > 1000

"""Rules from a user's own file: a new unit, a new rule, an override, and what
untrusted rule text cannot do (run code, hang a batch, stop other documents)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vnstats import Extractor, RuleError
from vnstats.api import extract_document
from vnstats.cli import main
from vnstats.rules import RuleSet, builtin_patterns_dir

NEW_UNIT = """\
# A unit the built-in rules do not know: dặm (mile), as the symbol mi.
dictionaries:
  measure_unit:
    dặm: mi
examples:
  - text: "Đoàn xe đã chạy 300 dặm trong hai ngày."
    figures:
      - {kind: quantity, value: 300, unit: mi, text: "300 dặm", rule: quantity.amount}
      - {kind: quantity, value: 2, unit: ngày}
"""

NEW_RULE = """\
kind: quantity
rules:
  - id: quantity.gia
    description: giạ, a basket of rice (about 20 litres), is a measure, not a thing counted
    pattern: '(?P<num>{number})\\s*(?P<unit>giạ)(?![^\\W_])'
    unit: giạ
    examples:
      - text: "Mỗi sào cho 3 giạ thóc."
        figures: [{value: 3, unit: giạ, text: "3 giạ"}]
"""

OVERRIDE = """\
kind: multiplier
rules:
  - id: multiplier.gap_double
    pattern: '(?:gấp|tăng)\\s+đôi'
    value: 2
    examples:
      - text: "Doanh thu tăng đôi."
        figures: [{value: 2, text: "tăng đôi"}]
"""

CATASTROPHIC = """\
kind: count
rules:
  - id: count.catastrophic
    pattern: '(?P<num>(a+)+$)'
"""


def _write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _extract(*args):
    result = CliRunner().invoke(main, ["extract", *map(str, args)])
    docs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result, docs


def test_new_unit_from_a_user_file_shows_in_extract(tmp_path):
    units = _write(tmp_path, "my_units.yaml", NEW_UNIT)
    article = _write(tmp_path, "a.txt", "Đoàn xe đã chạy 300 dặm trong hai ngày.")

    result, (doc,) = _extract(article)
    assert result.exit_code == 0
    assert [(f["kind"], f["value"]) for f in doc["figures"]][0] == ("count", 300)   # without: a count

    result, (doc,) = _extract("--patterns", units, article)
    assert result.exit_code == 0, result.output
    first = doc["figures"][0]
    assert (first["kind"], first["value"], first["unit"], first["text"]) == ("quantity", 300, "mi", "300 dặm")


def test_new_unit_reaches_every_rule_that_uses_the_dictionary(tmp_path):
    extractor = Extractor(patterns=[_write(tmp_path, "my_units.yaml", NEW_UNIT)])
    figs = extractor.extract("Giá vé 5 USD/dặm, tốc độ 60 - 70 dặm.")
    assert [(f.kind, f.value, f.upper, f.unit) for f in figs] == [
        ("money", 5, None, "USD/mi"), ("quantity", 60, 70, "mi")]


def test_new_rule_from_a_user_file(tmp_path):
    extractor = Extractor(patterns=[_write(tmp_path, "gia.yaml", NEW_RULE)])
    (fig,) = [f for f in extractor.extract("Mỗi sào cho 3 giạ thóc.")]
    assert (fig.kind, fig.value, fig.unit, fig.rule) == ("quantity", 3, "giạ", "quantity.gia")


def test_user_rule_overrides_a_builtin_one_by_id(tmp_path):
    path = _write(tmp_path, "override.yaml", OVERRIDE)
    extractor = Extractor(patterns=[path])
    same_id = [r for r in extractor.rules.rules if r.id == "multiplier.gap_double"]
    assert len(same_id) == 1 and same_id[0].file == str(path)
    assert [(f.value, f.text, f.rule) for f in extractor.extract("Doanh thu tăng đôi.")] == [
        (2, "tăng đôi", "multiplier.gap_double")]
    assert Extractor().extract("Doanh thu tăng đôi.") == []


def test_a_folder_of_user_rules(tmp_path):
    _write(tmp_path, "a.yaml", NEW_UNIT)
    _write(tmp_path, "b.yaml", NEW_RULE)
    extractor = Extractor(patterns=[tmp_path])
    figs = extractor.extract("Xe chạy 300 dặm, mỗi sào cho 3 giạ thóc.")
    assert [(f.unit, f.rule) for f in figs] == [("mi", "quantity.amount"), ("giạ", "quantity.gia")]


# ------------------------------------------------------------ untrusted rule text
def test_catastrophic_regex_times_out_and_the_batch_goes_on(tmp_path):
    """A user rule that backtracks forever costs its time limit on the document
    it hangs on; that document reports it (file, line, rule id) in its error
    object, keeps what the other rules found, and the other documents come out."""
    rules = _write(tmp_path, "bad.yaml", CATASTROPHIC)
    before = _write(tmp_path, "1.txt", "Toàn Đảng bộ kết nạp mới 171 đảng viên.")
    trap = _write(tmp_path, "2.txt", "Có 12 người. " + "a" * 5000 + "b")
    after = _write(tmp_path, "3.txt", "Doanh thu đạt 100% kế hoạch.")

    result, docs = _extract("--patterns", rules, before, trap, after)

    assert [d["source"] for d in docs] == [str(before), str(trap), str(after)]
    ok1, hung, ok3 = docs
    assert "error" not in ok1 and [f["value"] for f in ok1["figures"]] == [171]
    assert "error" not in ok3 and [f["value"] for f in ok3["figures"]] == [100]
    assert hung["error"]["type"] == "rule_timeout"
    assert f"{rules}:3 count.catastrophic" in hung["error"]["message"]
    assert [f["value"] for f in hung["figures"]] == [12]          # the other rules still ran
    assert result.exit_code == 1                                  # something failed
    assert "count.catastrophic" in result.stderr


def test_a_runaway_context_block_costs_only_that_context(tmp_path):
    """The noun and qualifier stage runs user blocks too (clause_end): under the
    same time limit, reported by file, line and block, the figure still out."""
    rules = _write(tmp_path, "clause.yaml", "blocks:\n  clause_end: '(?:(?:a|aa)+)+b'\n")
    extractor = Extractor(patterns=[rules])
    doc = extract_document("Có 12 người " + "a" * 55 + ".", "x", None, extractor)
    assert doc.error["type"] == "rule_timeout"
    assert f"{rules}:2 {{clause_end}}" in doc.error["message"]
    assert [(f.kind, f.value) for f in doc.figures] == [("count", 12)]
    fine = extract_document("Có 12 người.", "y", None, extractor)
    assert fine.error is None and fine.figures[0].noun == "người"


def test_timeout_is_per_document_and_extractor_recovers(tmp_path):
    extractor = Extractor(patterns=[_write(tmp_path, "bad.yaml", CATASTROPHIC)])
    hung = extract_document("a" * 5000 + "b", "x", None, extractor)
    assert hung.error["type"] == "rule_timeout"
    fine = extract_document("Có 12 người.", "y", None, extractor)
    assert fine.error is None and [f.value for f in fine.figures] == [12]


@pytest.mark.parametrize("text, problem", [
    ("kind: count\nrules:\n  - id: count.broken\n    pattern: '(?P<num>\\d+'\n",
     ":3 count.broken: bad pattern"),
    ("kind: count\nrules:\n  - id: count.nowhere\n    pattern: '{no_such_block}'\n",
     ":3 count.nowhere: unknown block {no_such_block}"),
    ("kind: count\nrules:\n  - id: count.kindless\n    kind: year\n    pattern: '\\d+'\n",
     ":3 count.kindless: kind must be one of"),
    ("rules: [\n", "not valid YAML"),
    ("!!python/object/apply:os.system ['echo pwned > PWNED']\n", "not valid YAML"),
], ids=["bad-pattern", "unknown-block", "bad-kind", "bad-yaml", "python-tag"])
def test_bad_rule_files_are_one_line_usage_errors(tmp_path, monkeypatch, text, problem):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "bad.yaml", text)
    article = _write(tmp_path, "a.txt", "Có 12 người.")
    with pytest.raises(RuleError, match=problem.replace("{", r"\{").replace("(", r"\(")):
        Extractor(patterns=[path])
    for args in (["extract", "--patterns", str(path), str(article)],
                 ["rules", "list", "--patterns", str(path)],
                 ["rules", "test", str(path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stdout == ""
        (error_line,) = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert str(path) in error_line and problem in error_line
    assert not (tmp_path / "PWNED").exists()          # yaml.safe_load: no code runs


def _bombs() -> list[tuple[str, str]]:
    alias = ["kind: count", "examples:", "  - &a0 {text: x, figures: []}"]
    alias += [f"  - &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    blocks = ["blocks:", "  b0: 'ab'"] + [f"  b{i}: '{{b{i - 1}}}{{b{i - 1}}}'" for i in range(1, 41)]
    blocks += ["rules:", "  - {id: count.boom, kind: count, pattern: '{b40}'}"]
    return [("\n".join(alias) + "\n", ":4: an example needs a 'text' string"),
            ("\n".join(blocks) + "\n", ":44 count.boom: pattern too long")]


@pytest.mark.parametrize("text, problem", [
    ("rules:\n  - id: count.x\n    kind: count\n    pattern: '\\d+'\n    priority: high\n",
     ":5 count.x: 'priority' must be a whole number"),
    ("rules:\n  - id: count.x\n    kind: count\n    pattern: '\\d+'\n    value: lots\n",
     ":5 count.x: 'value' must be a number"),
    ("rules:\n  - id: count.x\n    kind: count\n    pattern: '\\d+'\n    qualifier: roughly\n",
     ":5 count.x: 'qualifier' must be one of"),
    ("rules:\n  - id: count.x\n    kind: count\n    pattern: '\\d+'\n    unit_map: [a]\n",
     ":5 count.x: 'unit_map' must be a string"),
    ("settings:\n  regex_timeout: forever\n", ":2 regex_timeout: must be a positive number"),
    ("dictionaries:\n  qualifier_before: {chừng chừng: roughly}\n", ":2 qualifier_before: a qualifier must be"),
    ("dictionaries:\n  measure_unit: [[dặm, mi]]\n", ":2 measure_unit: words must be plain strings"),
    ("blocks: [a, b]\n", ":1: 'blocks' must be a mapping"),
    *_bombs(),
], ids=["priority", "value", "qualifier", "unit_map", "timeout", "qualifier-word", "dictionary",
        "blocks", "alias-bomb", "expansion-bomb"])
def test_malformed_rule_values_are_refused_at_load(tmp_path, text, problem):
    """Wrong types are refused with file and line when loading, not as a
    traceback later (in the middle of a batch); YAML alias and block-expansion
    bombs are refused quickly."""
    path = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(RuleError) as caught:
        RuleSet.load([builtin_patterns_dir(), path])
    assert f"{path}{problem}" in str(caught.value)

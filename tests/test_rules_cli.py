"""``vnstats rules list`` and ``vnstats rules test``, and the examples in every help."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from vnstats.cli import main
from vnstats.extractor import Extractor
from vnstats.rules import builtin_patterns_dir

GOOD = """\
dictionaries:
  measure_unit:
    dặm: mi
kind: quantity
rules:
  - id: quantity.gia
    pattern: '(?P<num>{number})\\s*(?P<unit>giạ)(?![^\\W_])'
    unit: giạ
    examples:
      - text: "Mỗi sào cho 3 giạ thóc."
        figures: [{value: 3, unit: giạ}]
      - text: "Xe chạy 300 dặm."
        figures: [{value: 300, unit: mi, rule: quantity.amount}]
examples:
  - text: "Giạ lúa năm nay tốt."
    figures: []
"""

# line 7 holds the wrong expectation; line 10 expects nothing where there is a figure
BAD = """\
kind: quantity
rules:
  - id: quantity.gia
    pattern: '(?P<num>{number})\\s*(?P<unit>giạ)(?![^\\W_])'
    unit: giạ
    examples:
      - text: "Mỗi sào cho 3 giạ thóc."
        figures: [{value: 4, unit: giạ}]
examples:
  - text: "Có 12 người."
    figures: []
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_list_shows_id_kind_file_and_examples():
    result = run("rules", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "KIND", "FILE", "EXAMPLES"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    rule_id, kind, where, examples = rows["multiplier.gap_double"]
    assert kind == "multiplier" and where.split(":")[0].endswith("multiplier.yaml")
    assert int(where.split(":")[1]) > 0 and int(examples) >= 1
    assert any(row[1] == "exclude" for row in rows.values())


def test_list_json_includes_user_rules_and_overrides(here):
    (here / "mine.yaml").write_text(GOOD, encoding="utf-8")
    (here / "override.yaml").write_text(
        "kind: multiplier\nrules:\n  - id: multiplier.gap_double\n    pattern: 'gấp\\s+đôi'\n    value: 2\n",
        encoding="utf-8")
    result = run("rules", "list", "--json", "--patterns", "mine.yaml", "--patterns", "override.yaml")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows)                              # an override replaces, never duplicates
    assert by_id["quantity.gia"] == {"id": "quantity.gia", "kind": "quantity", "file": "mine.yaml",
                                     "line": 6, "examples": 2}
    assert by_id["multiplier.gap_double"]["file"] == "override.yaml"
    assert by_id["multiplier.gap_double"]["examples"] == 0
    assert by_id["count.digits"]["file"].endswith("count.yaml")


def test_test_files_runs_only_their_examples(here):
    (here / "mine.yaml").write_text(GOOD, encoding="utf-8")
    result = run("rules", "test", "-v", "mine.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "mine.yaml:10 quantity.gia: ok", "mine.yaml:12 quantity.gia: ok", "mine.yaml:15: ok"]
    assert "3 example(s) of mine.yaml: all hold" in result.stderr


def test_test_failures_name_file_line_rule_expected_and_got(here):
    (here / "bad.yaml").write_text(BAD, encoding="utf-8")
    result = run("rules", "test", "bad.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "bad.yaml:7 quantity.gia: expected value=4 in figure 1 of 'Mỗi sào cho 3 giạ thóc.', "
        "got 3 ('3 giạ', quantity.gia)",
        "bad.yaml:10: expected 0 figure(s) in 'Có 12 người.', got count 12 '12 người' (count.digits)",
    ]
    assert "2 of 2 example(s) of bad.yaml failed" in result.stderr


def test_test_reports_a_timeout_as_a_failure(here):
    (here / "slow.yaml").write_text(
        "kind: count\nrules:\n  - id: count.slow\n    pattern: '(?P<num>(a+)+$)'\n"
        "    examples:\n      - text: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        + "a" * 3000 + "b'\n        figures: []\n", encoding="utf-8")
    result = run("rules", "test", "slow.yaml")
    assert result.exit_code == 1
    assert result.stdout.startswith("slow.yaml:6 count.slow: a rule timed out: slow.yaml:3 count.slow")


def test_test_without_files_runs_every_example():
    # (built fresh: the rule files may change while the suite runs)
    count = len(Extractor().rules.all_examples())
    result = run("rules", "test")
    failures = result.stdout.splitlines()
    assert result.exit_code == (1 if failures else 0)
    assert all(re.match(r"\S+\.yaml:\d+( \S+)?: ", line) for line in failures), failures
    assert f"{count} example(s)" in result.stderr


def test_test_a_builtin_file_by_path():
    path = builtin_patterns_dir() / "multiplier.yaml"
    expected = [e for e in Extractor().rules.all_examples() if e.file.endswith("multiplier.yaml")]
    result = run("rules", "test", path)
    assert f"{len(expected)} example(s) of" in result.stderr


def test_rules_without_examples_are_noted(here):
    (here / "bare.yaml").write_text(
        "kind: quantity\nrules:\n  - id: quantity.gia\n    pattern: '(?P<num>\\d+)\\s*giạ'\n    unit: giạ\n",
        encoding="utf-8")
    result = run("rules", "test", "bare.yaml")
    assert result.exit_code == 0
    assert "bare.yaml:3 quantity.gia: note: no examples" in result.stderr


@pytest.mark.parametrize("command", [[], ["extract"], ["rules"], ["rules", "list"], ["rules", "test"],
                                     ["schema"]])
def test_every_help_shows_examples(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert re.search(r"Examples:\n +vnstats ", result.stdout), result.stdout

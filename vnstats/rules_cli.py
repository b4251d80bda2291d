"""``vnstats rules``: list the rules, and run the examples they carry.

Both commands load the built-in rules plus any ``--patterns`` files, exactly as
``vnstats extract --patterns`` does, so what they show is what extraction uses.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .examples import check_example
from .extractor import Extractor
from .rules import Rule, RuleError, _expand, builtin_patterns_dir
from .schema import schema_command

MAIN_EXAMPLES = """
\b
Examples:
  vnstats extract --pretty article.txt
  vnstats extract -o figures.jsonl news/*.txt
  vnstats extract --patterns my_units.yaml news/*.txt
  vnstats rules list
  vnstats rules test my_units.yaml
  vnstats schema > vnstats-output.schema.json
"""

RULES_EXAMPLES = """
\b
Examples:
  vnstats rules list
  vnstats rules list --patterns my_rules/ --json
  vnstats rules test
  vnstats rules test my_units.yaml
"""

LIST_EXAMPLES = """
\b
Examples:
  vnstats rules list
  vnstats rules list --patterns my_units.yaml | grep my_units
  vnstats rules list --json | jq -r 'select(.examples == 0) | .id'
"""

TEST_EXAMPLES = """
\b
Examples:
  vnstats rules test                      # every example of every rule
  vnstats rules test my_units.yaml        # the examples of my_units.yaml only
  vnstats rules test --patterns my_rules/ # all examples, with my rules loaded
\b
A failure prints as `file:line rule-id: expected …, got …`.
Exit status: 0 when every example holds, 1 when one fails, 2 for a
rule file that cannot be loaded.
"""

patterns_option = click.option(
    "--patterns", "patterns", multiple=True, metavar="FILE_OR_DIR",
    type=click.Path(exists=True),
    help="Extra rule file or folder of *.yaml (repeatable); overrides built-in rules by id.")


def _load(patterns) -> Extractor:
    try:
        return Extractor(patterns=patterns)
    except RuleError as e:
        raise click.UsageError(str(e)) from None


def _show(path: str) -> str:
    """A rule file's path as a reader wants it: relative to here when below here."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _where(file: str, line: int | None) -> str:
    return f"{_show(file)}:{line}" if line else _show(file)


def _kind(rule: Rule) -> str:
    return "exclude" if rule.exclude else rule.kind


@click.group(epilog=RULES_EXAMPLES)
def rules():
    """List the pattern rules and run the examples they carry.

    The rules are the built-in patterns/*.yaml plus any --patterns files; a
    rule in a --patterns file replaces a built-in rule with the same id.
    See docs/rules.md for how to write one.
    """


@rules.command("list", epilog=LIST_EXAMPLES)
@patterns_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per rule instead of a table.")
def list_rules(patterns, as_json):
    """List every rule: id, kind, file:line and number of examples.

    Figure rules come first, in the order they run; exclusion rules (what is
    not a figure) follow with kind `exclude`.
    """
    rule_set = _load(patterns).rules
    listed = rule_set.rules + rule_set.exclusions
    if as_json:
        for r in listed:
            click.echo(json.dumps({"id": r.id, "kind": _kind(r), "file": _show(r.file), "line": r.line,
                                   "examples": len(r.examples)}, ensure_ascii=False))
        return
    rows = [("ID", "KIND", "FILE", "EXAMPLES")]
    rows += [(r.id, _kind(r), _where(r.file, r.line), str(len(r.examples))) for r in listed]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])


@rules.command("test", epilog=TEST_EXAMPLES)
@click.argument("files", nargs=-1, type=click.Path(exists=True))
@patterns_option
@click.option("-v", "--verbose", is_flag=True, help="Print every example, not only failures.")
def test_rules(files, patterns, verbose):
    """Run the examples of the rules in FILES (default: of every rule).

    FILES are rule files or folders; they are loaded together with the
    built-in rules (and --patterns), so their rules can use the built-in
    blocks such as {number}, and override built-in rules by id.
    """
    try:
        loaded = {p.resolve() for p in _expand([builtin_patterns_dir(), *patterns])}
        chosen = {p.resolve() for p in _expand(files)}
        # FILES not loaded already (as built-in or --patterns files) are loaded after those
        extra = [f for f in files if not {p.resolve() for p in _expand([f])} <= loaded]
    except RuleError as e:
        raise click.UsageError(str(e)) from None
    extractor = _load(list(patterns) + extra)
    rule_set = extractor.rules

    def selected(file: str) -> bool:
        return not files or Path(file).resolve() in chosen

    order = {f: i for i, f in enumerate(rule_set.files)}
    examples = sorted((ex for ex in rule_set.all_examples() if selected(ex.file)),
                      key=lambda ex: (order.get(ex.file, len(order)), ex.line or 0))
    bare = [r for r in rule_set.rules if selected(r.file) and not r.examples]
    failed = 0
    for ex in examples:
        try:
            problem = check_example(extractor, ex)
        except Exception as e:   # an engine bug: report it with the example, and go on
            problem = f"expected figures, got an error: {type(e).__name__}: {e}"
        rule = f" {ex.rule_id}" if ex.rule_id else ""
        if problem:
            failed += 1
            click.echo(f"{_where(ex.file, ex.line)}{rule}: {problem}")
        elif verbose:
            click.echo(f"{_where(ex.file, ex.line)}{rule}: ok")
    for r in bare:
        click.echo(f"{_where(r.file, r.line)} {r.id}: note: no examples", err=True)
    what = f"{len(examples)} example(s)" + (f" of {', '.join(_show(str(f)) for f in files)}" if files else "")
    if failed:
        click.echo(f"{failed} of {what} failed", err=True)
        sys.exit(1)
    click.echo(f"{what}: all hold", err=True)


def register(main: click.Group) -> None:
    """Add ``rules`` and ``schema`` to the ``vnstats`` group, and give the group
    its examples epilog unless it already has one."""
    main.add_command(rules)
    main.add_command(schema_command)
    if not main.epilog:
        main.epilog = MAIN_EXAMPLES

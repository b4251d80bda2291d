"""Loading the YAML rule files into compiled rules.

A rule file may hold:

``settings``      culture settings (decimal mark, regex timeout …)
``dictionaries``  word → value tables; each is also a block of the same name
                  that matches any of its words
``blocks``        named regex pieces, used as ``{name}`` in any pattern of any file
``marked``        blocks as they read the *marked* text, where each number the
                  number reader found stands as its class mark and padding
                  (``reader``): ``{number}`` there is one mark, not the grammar
``kind``          the default kind of the file's rules
``exclude``       true for files whose rules mark what is *not* a figure
``rules``         the rules: ``id``, ``pattern``, options and ``examples``
``examples``      file-level examples, typically texts that must give nothing
``numbers``       the number reader's corpus: texts that are each one number,
                  with its value, and (``not_numbers``) texts that hold none

Everything is read with ``yaml.safe_load``; every problem is raised as a
``RuleError`` whose message names the file, the line and the rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import regex
import yaml

from .normalize import Normalizer
from .anchors import anchor, needs_digits, translate
from .follow import follow
from .literals import first_chars, required, required_before, required_on_line, starts_at_word
from .openings import openers
from .reader import MARK_BLOCKS
from .tries import fold, trie_regex

KINDS = ("count", "percent", "fraction", "money", "quantity", "multiplier")
FILE_KEYS = {"settings", "dictionaries", "blocks", "marked", "kind", "exclude", "rules", "examples",
             "numbers", "not_numbers"}
RULE_KEYS = {
    "id", "pattern", "kind", "priority", "noun", "value", "unit", "unit_map",
    "per_map", "qualifier", "examples", "split", "description", "denominator",
}
NOUN_MODES = {"after", "none"}
_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
DEFAULT_TIMEOUT = 1.0
MAX_PATTERN = 200_000        # characters of a pattern with its blocks expanded
# bytes of one rule file: far above any real one (the built-in files are ~16 kB),
# far below what takes seconds to read and ends in a pattern over MAX_PATTERN
MAX_RULE_FILE_BYTES = 250_000
QUALIFIERS = ("about", "over", "under", "at_least", "at_most")


class RuleError(Exception):
    """A problem in a rule file, reported in one line: ``file:line rule: problem``."""

    def __init__(self, file: str | Path, line: int | None, rule: str | None, problem: str):
        self.file, self.line, self.rule, self.problem = str(file), line, rule, problem
        where = f"{file}:{line}" if line else str(file)
        super().__init__(f"{where}{' ' + rule if rule else ''}: {problem}")


@dataclass
class Example:
    """A text and the figures the whole rule set must find in it."""

    text: str
    figures: list[dict[str, Any]]
    file: str
    line: int | None
    rule_id: str | None = None
    number: Any = None        # a number example: the value the whole text reads as ("none": no number)


@dataclass
class Rule:
    id: str
    kind: str | None          # None for exclusion rules
    pattern: str              # with every {block} expanded
    file: str
    line: int | None
    exclude: bool = False
    priority: int = 0
    noun: str = "none"
    value: float | None = None
    unit: str | None = None
    unit_map: str | None = None
    per_map: str | None = None
    qualifier: str | None = None
    split: bool = False
    denominator: float | None = None
    examples: list[Example] = field(default_factory=list)
    compiled: Any = None
    # True when the rule reads the marked text (its numbers as marks); False for
    # a pattern that needs the digits themselves (a raw \d), run on the text
    marked: bool = False
    # True when every match has a number at its start, or just after a lead
    # read backwards from it (group _lead): the rule is tried at numbers only
    anchored: bool = False
    # a user's rule that needs the digits themselves: run over the whole text
    whole: bool = False
    # strings one of which every match holds (``literals.required``), or None
    needs: frozenset | None = None
    # strings one of which stands before every match, on its line (a lead's
    # words: gấp, từ), or None (``literals.required_before``)
    before: frozenset | None = None
    # strings one of which stands on every match's line, before or after its
    # start (``literals.required_on_line``), for a rule that has neither of
    # the two above, or None
    around: frozenset | None = None
    # the characters (``literals.first_key``) a match can start with, or None
    first: frozenset | None = None
    # True when every match starts a word (``literals.starts_at_word``)
    at_word: bool = False
    # what may follow the number a match starts with, by the kind of number
    # (``follow.follow``), or None
    follow: dict | None = None
    # for a not-a-figure rule: ``re`` patterns over the case-folded text, one
    # that finds every place a match may start, one that tells there whether
    # what follows may follow (or None) (``openings.openers``); or None
    opener: tuple | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


DEFAULT_PRIORITY = {"multiplier": 50, "fraction": 40, "money": 35, "percent": 30,
                    "quantity": 20, "count": 10}


def _line_index(text: str) -> dict[tuple, int]:
    """Line numbers (1-based) of mapping items, keyed by their path in the document."""
    lines: dict[tuple, int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines

    seen: set[int] = set()

    def walk(node, path):
        if id(node) in seen:        # an alias: walked already (and an alias bomb must not hang us)
            return
        seen.add(id(node))
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, path + (k.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return lines


def _dictionary_regex(words: Iterable[str]) -> str:
    """A dictionary's words as one regex, ignoring case, a run of spaces where a
    word has a space: a trie (``tries``)."""
    words = list(words)
    if not words:
        return "(?!)"
    # each word as its folded letters, with " " (a run of spaces) between its parts
    keys = [list(" ".join("".join(fold(c) for c in part) for part in w.split())) for w in words]
    return "(?i:" + trie_regex(keys, lambda key: r"\s+" if key == " " else regex.escape(key)) + ")"


class RuleSet:
    """All rules, blocks and dictionaries of a set of YAML files, compiled."""

    def __init__(self):
        self.settings: dict[str, Any] = {}
        self.blocks: dict[str, tuple[str, str, int | None]] = {}   # name -> (regex, file, line)
        self.marked: dict[str, tuple[str, str, int | None]] = {}   # the same, on marked text
        self.dictionaries: dict[str, dict[str, Any]] = {}
        self._lookup: dict[str, dict[str, Any]] = {}
        self.rules: list[Rule] = []          # figure rules, in load order
        self.exclusions: list[Rule] = []
        self.examples: list[Example] = []    # file-level examples
        self.files: list[str] = []
        self.guarded = True                  # rules run under a time limit (see timeout)
        self.normalizer = Normalizer({})

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, paths: Iterable[str | Path]) -> "RuleSet":
        """Load rule files (or folders of ``*.yaml``); later files override earlier ids."""
        rs = cls()
        raw = []
        for path in _expand(paths):
            raw.append(rs._read(path))
        builtin = builtin_patterns_dir()
        rs.guarded = any(Path(path).resolve().parent != builtin for path, _, _ in raw)
        # spelling first: every word and pattern is respelt with it
        for path, data, lines in raw:
            rs.settings.update(data.get("settings") or {})
            for name, table in (data.get("dictionaries") or {}).items():
                rs._add_dictionary(path, lines, name, table)
        respell = rs.dictionaries.get("respell", {})
        rs.normalizer = Normalizer(respell, str(rs.settings.get("respell_not_after", "")))
        rs._rebuild_dictionaries()
        for path, data, lines in raw:
            for name, pattern in (data.get("blocks") or {}).items():
                if not isinstance(pattern, str):
                    raise RuleError(path, lines.get(("blocks", name)), name, "a block must be a string")
                rs.blocks[name] = (rs.normalizer.respell(pattern), str(path), lines.get(("blocks", name)))
            for name, pattern in (data.get("marked") or {}).items():
                if not isinstance(pattern, str):
                    raise RuleError(path, lines.get(("marked", name)), name, "a block must be a string")
                rs.marked[name] = (rs.normalizer.respell(pattern), str(path), lines.get(("marked", name)))
        by_id: dict[str, Rule] = {}
        number_words = {w.lower() for role in ("digit_words", "ten_words", "half_before", "sign_words")
                        for w in rs.dictionaries.get(role, {})}
        for path, data, lines in raw:
            for rule in rs._rules_of(path, data, lines):
                by_id.pop(rule.id, None)   # an override moves to the end
                by_id[rule.id] = rule
            rs.examples.extend(rs._examples(path, data.get("examples"), lines, ("examples",), None))
            rs.examples.extend(rs._number_examples(path, data, lines))
        for rule in by_id.values():
            source, rule.anchored = anchor(rule.pattern, number_words)
            rule.pattern = rs.expand(source, rule)
            if not rule.exclude:
                marked = translate(source)
                if not needs_digits(rs.expand(marked, rule, marked=True, words=False)):
                    rule.pattern, rule.marked = rs.expand(marked, rule, marked=True), True
                elif Path(rule.file).resolve().parent != builtin:
                    rule.whole, rule.anchored = True, False
            rule.compiled = rs.compile(rule.pattern, rule)
            rule.needs = required(rule.pattern)
            rule.first = first_chars(rule.pattern)
            rule.at_word = starts_at_word(rule.compiled.pattern)
            if rule.anchored:
                rule.before = required_before(rule.compiled.pattern)
                if rule.needs is None and rule.before is None:
                    rule.around = required_on_line(rule.compiled.pattern)
                rule.follow = follow(rule.compiled.pattern, rule.marked)
            if rule.exclude:
                rule.opener = openers(rule.compiled.pattern, rule.first, rule.at_word)
            (rs.exclusions if rule.exclude else rs.rules).append(rule)
        return rs

    def _read(self, path: Path):
        try:
            size = path.stat().st_size
            if size > MAX_RULE_FILE_BYTES:
                raise RuleError(path, None, None, f"{size} bytes, over the limit of "
                                f"{MAX_RULE_FILE_BYTES} for a rule file")
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise RuleError(path, None, None, f"cannot read: {e}") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 1 if mark else None
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            raise RuleError(path, line, None, f"not valid YAML: {problem}") from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise RuleError(path, 1, None, "a rule file must be a mapping")
        unknown = set(data) - FILE_KEYS
        if unknown:
            raise RuleError(path, None, None, f"unknown key(s) {sorted(unknown)}; "
                            f"expected some of {sorted(FILE_KEYS)}")
        lines = _line_index(text)
        _check_types(path, data, lines)
        self.files.append(str(path))
        return path, data, lines

    def _add_dictionary(self, path, lines, name, table):
        if isinstance(table, list):          # a word list: every word maps to True
            table = {w: True for w in table}
        if not isinstance(table, dict):
            raise RuleError(path, lines.get(("dictionaries", name)), name,
                            "a dictionary must map words to values")
        self.dictionaries.setdefault(name, {}).update({str(k): v for k, v in table.items()})

    def _rebuild_dictionaries(self):
        respell = self.normalizer.respell
        for name, table in list(self.dictionaries.items()):
            table = {respell(k): v for k, v in table.items()}
            self.dictionaries[name] = table
            self._lookup[name] = {_key(k): v for k, v in table.items()}

    def _rules_of(self, path, data, lines):
        file_kind = data.get("kind")
        exclude = bool(data.get("exclude", False))
        rules = data.get("rules") or []
        if not isinstance(rules, list):
            raise RuleError(path, lines.get(("rules",)), None, "'rules' must be a list")
        for i, spec in enumerate(rules):
            line = lines.get(("rules", i))
            if not isinstance(spec, dict):
                raise RuleError(path, line, None, "a rule must be a mapping")
            rid = spec.get("id")
            if not rid or not isinstance(rid, str):
                raise RuleError(path, line, None, "a rule needs an 'id'")
            unknown = set(spec) - RULE_KEYS
            if unknown:
                raise RuleError(path, line, rid, f"unknown key(s) {sorted(unknown)}")
            if not isinstance(spec.get("pattern"), str):
                raise RuleError(path, line, rid, "a rule needs a 'pattern' string")
            kind = None if exclude else spec.get("kind", file_kind)
            if not exclude and kind not in KINDS:
                raise RuleError(path, line, rid, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
            noun = spec.get("noun", "after" if kind in ("count", "fraction") else "none")
            if noun not in NOUN_MODES:
                raise RuleError(path, line, rid, f"noun must be one of {sorted(NOUN_MODES)}")
            for key in ("unit_map", "per_map"):
                if spec.get(key) and spec[key] not in self.dictionaries:
                    raise RuleError(path, line, rid, f"{key}: no dictionary named {spec[key]!r}")
            rule = Rule(
                id=rid, kind=kind, pattern=self.normalizer.respell(spec["pattern"]),
                file=str(path), line=line, exclude=exclude,
                priority=int(spec.get("priority", DEFAULT_PRIORITY.get(kind, 0))),
                noun=noun, value=spec.get("value"), unit=spec.get("unit"),
                unit_map=spec.get("unit_map"), per_map=spec.get("per_map"),
                qualifier=spec.get("qualifier"), split=bool(spec.get("split", False)),
                denominator=spec.get("denominator"),
            )
            rule.examples = self._examples(path, spec.get("examples"), lines, ("rules", i, "examples"), rid)
            yield rule

    def _examples(self, path, items, lines, at, rule_id):
        if items is None:
            return []
        if not isinstance(items, list):
            raise RuleError(path, lines.get(at), rule_id, "'examples' must be a list")
        out = []
        for j, ex in enumerate(items):
            line = lines.get(at + (j,))
            if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
                raise RuleError(path, line, rule_id, "an example needs a 'text' string")
            figs = ex.get("figures", [])
            if not isinstance(figs, list) or not all(isinstance(f, dict) for f in figs):
                raise RuleError(path, line, rule_id, "an example's 'figures' must be a list of mappings")
            out.append(Example(ex["text"], figs, str(path), line, rule_id))
        return out

    def _number_examples(self, path, data, lines):
        out = []
        for j, item in enumerate(data.get("numbers") or []):
            line = lines.get(("numbers", j))
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) \
                    or not isinstance(item.get("value"), (int, float)) or isinstance(item.get("value"), bool):
                raise RuleError(path, line, "{number}", "a number example needs a 'text' and a numeric 'value'")
            out.append(Example(item["text"], [], str(path), line, "{number}", item["value"]))
        for j, text in enumerate(data.get("not_numbers") or []):
            line = lines.get(("not_numbers", j))
            if not isinstance(text, str):
                raise RuleError(path, line, "{number}", "'not_numbers' must be a list of texts")
            out.append(Example(text, [], str(path), line, "{number}", "none"))
        return out

    # --------------------------------------------------------------- patterns
    def expand(self, pattern: str, rule: Rule | None = None, _seen: tuple = (),
               marked: bool = False, words: bool = True) -> str:
        """Replace every ``{name}`` by its block (its ``marked`` form, if it has
        one, with ``marked``), or its dictionary's words (as a trie; without
        ``words``, by a stand-in that matches nothing)."""

        def sub(m):
            name = m.group(1)
            if name in _seen:
                raise RuleError(rule.file if rule else "?", rule.line if rule else None,
                                rule.id if rule else name, f"block {name!r} refers to itself")
            if marked and name in self.marked:
                if not words:                     # written for marked text: nothing to check
                    return "(?:)"
                return "(?:" + self.expand(self.marked[name][0], rule, _seen + (name,), marked, words) + ")"
            if name in self.blocks:
                body = translate(self.blocks[name][0]) if marked else self.blocks[name][0]
                return "(?:" + self.expand(body, rule, _seen + (name,), marked, words) + ")"
            if name in self.dictionaries:
                return _dictionary_regex(self.dictionaries[name]) if words else "(?!)"
            if name in MARK_BLOCKS:
                return MARK_BLOCKS[name]
            raise RuleError(rule.file if rule else "?", rule.line if rule else None,
                            rule.id if rule else None, f"unknown block {{{name}}}")

        out = _REF.sub(sub, pattern)
        if len(out) > MAX_PATTERN:
            raise RuleError(rule.file if rule else "?", rule.line if rule else None,
                            rule.id if rule else None,
                            f"pattern too long once its blocks are expanded (over {MAX_PATTERN} characters)")
        return out

    def compile(self, pattern: str, rule: Rule | None = None):
        try:
            return regex.compile(single_line(pattern), regex.IGNORECASE | regex.MULTILINE)
        except regex.error as e:
            raise RuleError(rule.file if rule else "?", rule.line if rule else None,
                            rule.id if rule else None, f"bad pattern: {e}") from None

    def lookup(self, dictionary: str, surface: str, default=None):
        """The value of ``surface`` in a dictionary, ignoring case and spacing."""
        return self._lookup.get(dictionary, {}).get(_key(surface), default)

    @property
    def timeout(self) -> float | None:
        """Seconds a rule may run on one text, or None (no limit) when every
        file is a built-in one: the limit guards users' rules. With a user file
        all rules get it, since a user file may redefine the blocks they use."""
        if not self.guarded:
            return None
        return float(self.settings.get("regex_timeout", DEFAULT_TIMEOUT))


    def all_examples(self) -> list[Example]:
        out = list(self.examples)
        for rule in self.rules + self.exclusions:
            out.extend(rule.examples)
        return out


_HORIZONTAL_SPACE = r" \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"


def single_line(pattern: str) -> str:
    """Make ``\\s`` in a pattern match spaces but not line breaks: a figure never
    spans two lines (a headline's last number is not the first word's count).
    In a negated class (``[^\\s,.]``) it stays as it is, so that the class
    takes no line break either.
    A class of characters that have no case (spaces, digits, ``[^\\W\\d_]``) is
    matched case-sensitively, which is the same set and spares the engine
    looking up every character's other cases (about twice as fast)."""
    out, i, class_at, n = [], 0, -1, len(pattern)     # class_at: where in out an open class begins
    negated = False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            pair = pattern[i:i + 2]
            if pair == r"\s" and negated:
                out.append(pair)
            elif pair == r"\s":
                out.append(_HORIZONTAL_SPACE if class_at >= 0 else f"(?-i:[{_HORIZONTAL_SPACE}])")
            else:
                out.append(pair)
            i += 2
            continue
        if ch == "[" and class_at < 0:
            class_at = len(out)
            out.append(ch)
            negated = pattern[i + 1:i + 2] == "^"
            if negated:
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":      # a literal ] first in the class
                out.append("]")
                i += 1
        elif ch == "]" and class_at >= 0:
            out.append(ch)
            whole = "".join(out[class_at:])
            if _caseless(whole):
                out[class_at:] = ["(?-i:", whole, ")"]
            class_at, negated = -1, False
        else:
            out.append(ch)
        i += 1
    return "".join(out)


_CLASS_ITEM = re.compile(r"\\(?:[dDwWsStfvnr]|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|U[0-9a-fA-F]{8})|\\[^\w]|[^\\]")


def _caseless(cls: str) -> bool:
    """Whether a class (``[...]``) holds only characters that have no case,
    and categories closed under case (``\\d``, ``\\w``, ``\\s`` and their
    negations): then matching it ignoring case or not is the same."""
    body = cls[1:-1]
    if body.startswith("^"):
        body = body[1:]
    chars, pos = [], 0
    while pos < len(body):
        m = _CLASS_ITEM.match(body, pos)
        if m is None:                   # \p{..}, \N{..} and the like: leave it be
            return False
        item = m.group()
        pos = m.end()
        if len(item) == 1 or item[1] in "ux" or item[1] == "U" or not item[1].isalnum():
            chars.append(item if len(item) == 1 else
                         chr(int(item[2:], 16)) if item[1] in "uxU" else item[1])
        elif item[1] in "tfvnr":
            continue
        else:                           # \d \w \s and negations: closed under case
            chars.append(None)
    for k, c in enumerate(chars):
        if c is None or c == "-" and 0 < k < len(chars) - 1:
            continue
        if k + 2 < len(chars) and chars[k + 1] == "-" and c is not None and chars[k + 2] is not None:
            low, high = ord(c), ord(chars[k + 2])
            if high - low > 0x3000 or any(_cased(chr(x)) for x in range(low, high + 1)):
                return False
            continue
        if _cased(c):
            return False
    return True


def _cased(c: str) -> bool:
    return c.lower() != c or c.upper() != c or c.casefold() != c


def _check_types(path, data: dict, lines: dict) -> None:
    """Rule files are untrusted: refuse, with file and line, any value of the wrong
    type that would otherwise fail later (at load with a traceback, or in the
    middle of a batch)."""
    scalar = (str, int, float, bool)

    def need(ok: bool, at: tuple, rule, problem: str):
        if not ok:
            raise RuleError(path, lines.get(at), rule, problem)

    def number(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    for key in ("settings", "dictionaries", "blocks"):
        need(isinstance(data.get(key) or {}, dict), (key,), None, f"'{key}' must be a mapping")
    settings = data.get("settings") or {}
    for key in ("regex_timeout", "noun_max_words"):
        if key in settings:
            need(number(settings[key]) and settings[key] > 0, ("settings", key), key, "must be a positive number")
    for key in ("decimal_mark", "group_mark", "respell_not_after"):
        if key in settings:
            need(isinstance(settings[key], str), ("settings", key), key, "must be a string")
    for name, table in (data.get("dictionaries") or {}).items():
        at = ("dictionaries", name)
        words = table if isinstance(table, list) else list(table) if isinstance(table, dict) else []
        need(all(isinstance(w, scalar) for w in words), at, name, "words must be plain strings")
        for word, value in (table.items() if isinstance(table, dict) else ()):
            need(value is None or isinstance(value, scalar)
                 or (isinstance(value, dict) and all(isinstance(v, scalar) for v in value.values())),
                 at + (word,), name, f"the value of {word!r} must be a string, a number or a flat mapping")
            if name in ("qualifier_before", "qualifier_after"):
                need(value in QUALIFIERS, at + (word,), name, f"a qualifier must be one of {', '.join(QUALIFIERS)}")
    need(data.get("kind") is None or isinstance(data.get("kind"), str), ("kind",), None, "'kind' must be a string")
    need(isinstance(data.get("exclude", False), bool), ("exclude",), None, "'exclude' must be true or false")
    rules = data.get("rules")
    for i, spec in enumerate(rules if isinstance(rules, list) else ()):
        if not isinstance(spec, dict):
            continue                                    # reported with its line later
        at, rid = ("rules", i), spec.get("id") if isinstance(spec.get("id"), str) else None
        for key in ("id", "pattern", "kind", "noun", "unit", "unit_map", "per_map", "description"):
            if spec.get(key) is not None:
                need(isinstance(spec[key], str), at + (key,), rid, f"'{key}' must be a string")
        for key in ("value", "denominator"):
            if spec.get(key) is not None:
                need(number(spec[key]), at + (key,), rid, f"'{key}' must be a number")
        if spec.get("priority") is not None:
            need(isinstance(spec["priority"], int) and not isinstance(spec["priority"], bool),
                 at + ("priority",), rid, "'priority' must be a whole number")
        if spec.get("qualifier") is not None:
            need(spec["qualifier"] in QUALIFIERS, at + ("qualifier",), rid,
                 f"'qualifier' must be one of {', '.join(QUALIFIERS)}")
        need(isinstance(spec.get("split", False), bool), at + ("split",), rid, "'split' must be true or false")


def _key(surface: str) -> str:
    return " ".join(surface.lower().split())


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")))
        elif p.exists():
            out.append(p)
        else:
            raise RuleError(p, None, None, "no such rule file or folder")
    return out


def builtin_patterns_dir() -> Path:
    """The shipped ``patterns/`` folder: inside the package when installed,
    beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "patterns", here.parent / "patterns"):
        if candidate.is_dir():
            return candidate
    raise RuleError(here / "patterns", None, None, "the built-in rule files are missing")
